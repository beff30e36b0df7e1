import Foundation

/// A real mosquitto broker on a loopback port, for tests: started, stopped (and so saved) and
/// started again on the same port with the same persistence file.
final class MosquittoBroker: @unchecked Sendable {
  let port: Int
  let directory: URL
  private var process: ChildProcess?

  static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: "/usr/sbin/mosquitto") }

  /// `credentials`: the broker refuses anonymous clients and knows only this user.
  init(credentials: (user: String, password: String)? = nil) throws {
    port = try Self.freePort()
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("mosquitto-\(UUID().uuidString)")
    // Started as root, mosquitto drops to its own user: it must be able to write its
    // persistence file (without it a restart forgets the guard display's session and the
    // messages queued for it) and its log.
    try FileManager.default.createDirectory(
      at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o777])
    var access = "allow_anonymous true"
    if let credentials {
      let file = directory.appendingPathComponent("passwords").path
      let tool = try ChildProcess(
        "/usr/bin/mosquitto_passwd", ["-c", "-b", file, credentials.user, credentials.password])
      tool.waitForExit(timeout: 10)
      chmod(file, 0o644)
      access = "allow_anonymous false\npassword_file \(file)"
    }
    let configuration = """
      listener \(port) 127.0.0.1
      \(access)
      persistence true
      persistence_location \(directory.path)/
      autosave_interval 1
      log_dest file \(directory.path)/mosquitto.log
      """
    try configuration.write(to: directory.appendingPathComponent("mosquitto.conf"), atomically: true, encoding: .utf8)
    try start()
  }

  deinit {
    stop()
    try? FileManager.default.removeItem(at: directory)
  }

  func start() throws {
    process = try ChildProcess("/usr/sbin/mosquitto", ["-c", directory.appendingPathComponent("mosquitto.conf").path])
    // Ready when it accepts connections.
    let deadline = Date().addingTimeInterval(10)
    while Date() < deadline, !Self.accepts(port: port) { Thread.sleep(forTimeInterval: 0.02) }
  }

  /// SIGTERM: mosquitto saves its persistence file and exits.
  func stop() {
    process?.stop()
    process = nil
  }

  static func accepts(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    } == 0
  }

  static func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
        bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
      }
    }
    guard bound else { throw CocoaError(.fileWriteUnknown) }
    return Int(UInt16(bigEndian: address.sin_port))
  }
}
