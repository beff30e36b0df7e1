import Foundation

/// A real mosquitto broker on a loopback port, for tests: started, stopped (and so saved) and
/// started again on the same port with the same persistence file.
public final class MosquittoBroker: @unchecked Sendable {
  public let port: Int
  public let directory: URL
  private var process: ChildProcess?

  public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: "/usr/sbin/mosquitto") }

  /// `credentials`: the broker refuses anonymous clients and knows only this user.
  /// `tls`: the listener speaks TLS only, with a server certificate from a fresh test CA
  /// (`caFile`), made by the openssl command-line tool.
  public init(credentials: (user: String, password: String)? = nil, tls: Bool = false) throws {
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
    var tlsLines = ""
    if tls {
      try Self.makeCertificates(in: directory)
      tlsLines = """
        cafile \(directory.path)/ca.crt
        certfile \(directory.path)/server.crt
        keyfile \(directory.path)/server.key
        """
    }
    let configuration = """
      listener \(port) 127.0.0.1
      \(tlsLines)
      \(access)
      persistence true
      persistence_location \(directory.path)/
      autosave_interval 1
      log_dest file \(directory.path)/mosquitto.log
      """
    try configuration.write(to: directory.appendingPathComponent("mosquitto.conf"), atomically: true, encoding: .utf8)
    try start()
  }

  public var caFile: String { directory.appendingPathComponent("ca.crt").path }

  public static func makeCertificates(in directory: URL) throws {
    let path = directory.path
    try "subjectAltName=IP:127.0.0.1\n".write(toFile: "\(path)/san.ext", atomically: true, encoding: .utf8)
    let steps: [[String]] = [
      [
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(path)/ca.key", "-out", "\(path)/ca.crt",
        "-days", "1", "-subj", "/CN=thermogate test CA",
      ],
      [
        "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(path)/server.key", "-out", "\(path)/server.csr",
        "-subj", "/CN=127.0.0.1",
      ],
      [
        "x509", "-req", "-in", "\(path)/server.csr", "-CA", "\(path)/ca.crt", "-CAkey", "\(path)/ca.key",
        "-CAcreateserial", "-out", "\(path)/server.crt", "-days", "1", "-extfile", "\(path)/san.ext",
      ],
    ]
    for arguments in steps {
      let step = try ChildProcess("/usr/bin/openssl", arguments)
      step.waitForExit(timeout: 30)
    }
    // mosquitto drops to its own user and must read its key.
    for file in ["ca.crt", "server.crt", "server.key"] { chmod("\(path)/\(file)", 0o644) }
  }

  deinit {
    stop()
    try? FileManager.default.removeItem(at: directory)
  }

  public func start() throws {
    process = try ChildProcess("/usr/sbin/mosquitto", ["-c", directory.appendingPathComponent("mosquitto.conf").path])
    // Ready when it accepts connections.
    let deadline = Date().addingTimeInterval(10)
    while Date() < deadline, !Self.accepts(port: port) { Thread.sleep(forTimeInterval: 0.02) }
  }

  /// SIGTERM: mosquitto saves its persistence file and exits.
  public func stop() {
    process?.stop()
    process = nil
  }

  public static func accepts(port: Int) -> Bool {
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

  public static func freePort() throws -> Int {
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
