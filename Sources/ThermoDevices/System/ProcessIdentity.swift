import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Who this process runs as, for the technicians' checks: root or not, its groups by name, and
/// whether it may read a path.
public enum ProcessIdentity {
  public static var isRoot: Bool { getuid() == 0 }

  public static var userName: String { NSUserName() }

  /// The names of this process's supplementary groups.
  public static var groupNames: [String] {
    var count = getgroups(0, nil)
    guard count > 0 else { return [] }
    var groups = [gid_t](repeating: 0, count: Int(count))
    count = getgroups(count, &groups)
    return groups.prefix(Int(max(count, 0))).compactMap { getgrgid($0).map { String(cString: $0.pointee.gr_name) } }
  }

  public static func canRead(_ path: String) -> Bool { access(path, R_OK) == 0 }
}
