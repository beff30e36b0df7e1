#if canImport(Glibc)
  import Glibc
#endif

/// Whether this process may open a device node, and if not, why and what fixes it — the first
/// thing a technician needs at a new gate box.
public struct DeviceAccess: Sendable, Equatable {
  public var canOpen: Bool
  public var cause: String?
  public var fix: String?

  public static func check(node: String?) -> DeviceAccess {
    guard let node else {
      return DeviceAccess(
        canOpen: false, cause: "no device node (no devtmpfs or udev here)",
        fix: "run on the gate box itself, where /dev is populated")
    }
    if access(node, R_OK | W_OK) == 0 { return DeviceAccess(canOpen: true) }
    let failure = errno
    var status = stat()
    guard stat(node, &status) == 0 else {
      return DeviceAccess(
        canOpen: false, cause: "\(node): \(String(cString: strerror(failure)))", fix: "replug the device")
    }
    let owner = getpwuid(status.st_uid).map { String(cString: $0.pointee.pw_name) } ?? String(status.st_uid)
    let group = getgrgid(status.st_gid).map { String(cString: $0.pointee.gr_name) } ?? String(status.st_gid)
    let mode = String(status.st_mode & 0o777, radix: 8)
    let cause = "\(node) is \(owner):\(group) mode 0\(mode) and this user may not read and write it"
    let fix =
      group == "thermogate"
      ? "add this user to group thermogate (sudo usermod -aG thermogate $USER) and log in again"
      : "install the udev rules (sudo make install-udev), add this user to group thermogate, and replug the device"
    return DeviceAccess(canOpen: false, cause: cause, fix: fix)
  }
}
