import Foundation

/// A headless Chromium for tests, driven over the Chrome DevTools Protocol on a pair of pipes
/// (`--remote-debugging-pipe`: the browser reads commands from its fd 3 and writes responses and
/// events to its fd 4, each message one JSON object followed by a NUL byte). One browser, one
/// page (a target attached in flat mode, so page commands carry a `sessionId`).
///
/// The calls block their thread until the browser answers or the timeout passes; tests call
/// them sparingly. `close()` (or deinit) closes the browser, kills what is left of its process
/// group and removes its profile: no chromium outlives the object.
public final class HeadlessBrowser: @unchecked Sendable {
  public static let defaultExecutable = "/usr/bin/chromium"

  public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: defaultExecutable) }

  /// The browser's product string, e.g. "Chrome/156.0.8078.108".
  public private(set) var version = ""
  /// Uncaught exceptions, `console.error` calls and error-level log entries (failed loads, CSP
  /// violations) of the page, oldest first.
  public var consoleErrors: [String] { connection.consoleErrors }

  /// The browser's process id (also its process group's).
  public let processID: pid_t
  private let directory: URL
  private let connection: Connection
  private var sessionID = ""
  private var closed = false
  private let closeLock = NSLock()

  /// Starts chromium with a fresh profile and opens one page of `width` × `height` CSS pixels.
  /// Throws `HeadlessBrowserError.notInstalled` when `executable` is missing.
  public init(width: Int = 1280, height: Int = 900, executable: String = HeadlessBrowser.defaultExecutable) throws {
    guard FileManager.default.isExecutableFile(atPath: executable) else {
      throw HeadlessBrowserError.notInstalled(executable)
    }
    // A write to the pipe of a browser that died must fail with EPIPE, not kill the test runner.
    signal(SIGPIPE, SIG_IGN)
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("headless-\(UUID().uuidString)")
    let profile = directory.appendingPathComponent("profile")
    try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
    let log = directory.appendingPathComponent("chromium.log").path
    let arguments = [
      "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe", "--user-data-dir=\(profile.path)",
      "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-dev-shm-usage",
      "--window-size=\(width),\(height)", "about:blank",
    ]
    let pipes: (commands: (read: Int32, write: Int32), events: (read: Int32, write: Int32))
    do {
      pipes = (try Self.makePipe(), try Self.makePipe())
    } catch {
      try? FileManager.default.removeItem(at: directory)
      throw error
    }
    let spawned = Self.spawn(
      executable, arguments, commands: pipes.commands.read, events: pipes.events.write, errors: log,
      directory: directory.path)
    // The child's ends now live in the child only: the reader sees end of file when it exits.
    closeDescriptor(pipes.commands.read)
    closeDescriptor(pipes.events.write)
    guard case .success(let pid) = spawned else {
      closeDescriptor(pipes.commands.write)
      closeDescriptor(pipes.events.read)
      try? FileManager.default.removeItem(at: directory)
      if case .failure(let error) = spawned { throw error }
      throw HeadlessBrowserError.launchFailed("posix_spawn failed")
    }
    processID = pid
    connection = Connection(commands: pipes.commands.write, events: pipes.events.read)
    do {
      // A first start on a busy machine has been seen to take over 30 s (a fresh clone in CI);
      // this waits for liveness, it measures nothing.
      let info = try connection.send("Browser.getVersion", timeout: 90)
      version = info["product"] as? String ?? ""
      // The page takes its size from --window-size (Target.createTarget refuses a size
      // without newWindow).
      let target = try connection.send("Target.createTarget", ["url": "about:blank"], timeout: 10)
      guard let targetID = target["targetId"] as? String else {
        throw HeadlessBrowserError.launchFailed("Target.createTarget returned no targetId")
      }
      let attached = try connection.send(
        "Target.attachToTarget", ["targetId": targetID, "flatten": true], timeout: 10)
      guard let session = attached["sessionId"] as? String else {
        throw HeadlessBrowserError.launchFailed("Target.attachToTarget returned no sessionId")
      }
      sessionID = session
      connection.watch(session: session)
      for domain in ["Page", "Runtime", "Log"] { _ = try page("\(domain).enable", timeout: 10) }
    } catch {
      let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
      close()
      switch error {
      case HeadlessBrowserError.timedOut, HeadlessBrowserError.disconnected:
        throw HeadlessBrowserError.launchFailed("\(error); chromium's output:\n\(output.suffix(2000))")
      default:
        throw error
      }
    }
  }

  deinit { close() }

  /// Loads `url` in the page and waits for its load event.
  public func navigate(to url: String, timeout: Double = 10) throws {
    let deadline = Date().addingTimeInterval(timeout)
    let loadsBefore = connection.loadEvents
    let result = try page("Page.navigate", ["url": url], timeout: timeout)
    if let failure = result["errorText"] as? String, !failure.isEmpty {
      throw HeadlessBrowserError.navigationFailed(url, failure)
    }
    // A same-document navigation (fragment change) has no loader and fires no load event.
    guard result["loaderId"] != nil else { return }
    guard connection.waitForLoad(after: loadsBefore, until: deadline) else {
      throw HeadlessBrowserError.timedOut("load event of \(url)", timeout)
    }
  }

  /// Evaluates `expression` in the page, awaiting it if it is a promise, and returns its JSON
  /// value (`String`, `NSNumber` (also for booleans), `[String: Any]`, `[Any]`, `NSNull`; nil for
  /// `undefined`, `NaN`, `Infinity` and functions). Throws `HeadlessBrowserError.javaScript` with
  /// the exception's text when it throws.
  @discardableResult
  public func evaluate(_ expression: String, timeout: Double = 10) throws -> Any? {
    try remoteObject(expression, timeout: timeout)["value"]
  }

  /// Evaluates `expression` every 100 ms until its value is truthy (as JavaScript sees it); an
  /// exception counts as falsy. Throws `HeadlessBrowserError.conditionNotMet` with the last value
  /// or exception once `timeout` seconds have passed.
  public func waitUntil(_ expression: String, timeout: Double = 5) throws {
    let deadline = Date().addingTimeInterval(timeout)
    var last = "nothing (no evaluation finished)"
    while true {
      let remaining = deadline.timeIntervalSinceNow
      if remaining <= 0 { break }
      do {
        let object = try remoteObject(expression, timeout: remaining)
        if Self.isTruthy(object) { return }
        last = Self.describe(object)
      } catch HeadlessBrowserError.javaScript(let message) {
        last = "exception: \(message)"
      } catch HeadlessBrowserError.timedOut {
        break
      }
      let pause = min(0.1, deadline.timeIntervalSinceNow)
      if pause > 0 { Thread.sleep(forTimeInterval: pause) }
    }
    throw HeadlessBrowserError.conditionNotMet(expression, timeout, last)
  }

  /// The CDP `RemoteObject` (`type`, `subtype`, `value`, `unserializableValue`, `description`)
  /// of `expression`'s value.
  private func remoteObject(_ expression: String, timeout: Double) throws -> [String: Any] {
    let result = try page(
      "Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true], timeout: timeout)
    if let details = result["exceptionDetails"] as? [String: Any] {
      throw HeadlessBrowserError.javaScript(Connection.describe(exception: details))
    }
    return result["result"] as? [String: Any] ?? [:]
  }

  /// Writes a PNG of the page's viewport to `path`.
  public func screenshot(to path: String, timeout: Double = 10) throws {
    let result = try page("Page.captureScreenshot", ["format": "png"], timeout: timeout)
    guard let encoded = result["data"] as? String, let data = Data(base64Encoded: encoded) else {
      throw HeadlessBrowserError.protocolError("Page.captureScreenshot", "no image data")
    }
    try data.write(to: URL(fileURLWithPath: path))
  }

  /// Emulates a viewport of `width` × `height` CSS pixels; `mobile` also turns on the mobile
  /// viewport meta handling and overlay scrollbars, as on a phone.
  public func setViewport(width: Int, height: Int, mobile: Bool = false, scale: Double = 1) throws {
    _ = try page(
      "Emulation.setDeviceMetricsOverride",
      ["width": width, "height": height, "deviceScaleFactor": scale, "mobile": mobile], timeout: 10)
  }

  /// Sends any CDP command to the page's session and returns its result.
  @discardableResult
  public func page(_ method: String, _ parameters: [String: Any] = [:], timeout: Double = 10) throws -> [String: Any] {
    try connection.send(method, parameters, session: sessionID, timeout: timeout)
  }

  /// Closes the browser (asking first, then killing its process group) and removes its profile.
  /// Safe to call more than once.
  public func close() {
    closeLock.lock()
    defer { closeLock.unlock() }
    guard !closed else { return }
    closed = true
    if !connection.isDisconnected { _ = try? connection.send("Browser.close", timeout: 3) }
    if !reap(timeout: 5) {
      kill(-processID, SIGKILL)
      kill(processID, SIGKILL)
      _ = reap(timeout: 5)
    }
    // Helpers that outlived the browser (its process group).
    kill(-processID, SIGKILL)
    connection.shutDown()
    try? FileManager.default.removeItem(at: directory)
  }

  private func reap(timeout: Double) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    var status: Int32 = 0
    while Date() < deadline {
      let reaped = waitpid(processID, &status, WNOHANG)
      if reaped == processID || (reaped == -1 && errno == ECHILD) { return true }
      usleep(10_000)
    }
    return false
  }

  // MARK: - Spawning

  /// A close-on-exec pipe whose ends are above the descriptors the child needs (3 and 4), so
  /// the `dup2` actions cannot overwrite one another. (Swift's Glibc module does not import
  /// `pipe2`: the first ends are open without close-on-exec for a moment.)
  private static func makePipe() throws -> (read: Int32, write: Int32) {
    var ends: [Int32] = [-1, -1]
    guard pipe(&ends) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    let high = ends.map { fcntl($0, F_DUPFD_CLOEXEC, 10) }
    ends.forEach { closeDescriptor($0) }
    guard high.allSatisfy({ $0 >= 0 }) else {
      high.filter { $0 >= 0 }.forEach { closeDescriptor($0) }
      throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EMFILE)
    }
    return (high[0], high[1])
  }

  /// posix_spawn as `ChildProcess` does it (every signal unblocked and at its default action),
  /// with `commands` on the child's fd 3 and `events` on its fd 4, in a process group of its own.
  private static func spawn(
    _ path: String, _ arguments: [String], commands: Int32, events: Int32, errors: String, directory: String
  ) -> Result<pid_t, any Error> {
    var attributes = ChildProcess.cleanSpawnAttributes(ownProcessGroup: true)
    defer { posix_spawnattr_destroy(&attributes) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    // dup2 clears close-on-exec on the copies; the originals (fd >= 10) close at exec.
    posix_spawn_file_actions_adddup2(&actions, commands, 3)
    posix_spawn_file_actions_adddup2(&actions, events, 4)
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var variables = ProcessInfo.processInfo.environment
    // Crash reports and caches go to the temporary directory, not ~/.config and ~/.cache.
    variables["XDG_CONFIG_HOME"] = directory
    variables["XDG_CACHE_HOME"] = directory
    let environment = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { environment.forEach { free($0) } }
    var child: pid_t = 0
    let status = posix_spawn(&child, path, &actions, &attributes, argv, environment)
    guard status == 0 else { return .failure(POSIXError(POSIXErrorCode(rawValue: status) ?? .EINVAL)) }
    return .success(child)
  }

  // MARK: - Values

  /// JavaScript's truthiness of a `RemoteObject` returned by value.
  static func isTruthy(_ object: [String: Any]) -> Bool {
    let value = object["value"]
    switch object["type"] as? String {
    case "undefined": return false
    case "boolean": return (value as? NSNumber)?.boolValue ?? false
    // NaN, -0 and the other unserializable numbers: only -0 is falsy.
    case "number":
      return (value as? NSNumber).map { $0.doubleValue != 0 } ?? (object["unserializableValue"] as? String != "-0")
    case "string": return (value as? String).map { !$0.isEmpty } ?? false
    case "bigint": return object["unserializableValue"] as? String != "0n"
    case "object": return !(object["subtype"] as? String == "null" || value is NSNull)
    default: return true
    }
  }

  /// A `RemoteObject` as JavaScript source would spell it, for messages.
  static func describe(_ object: [String: Any]) -> String {
    let value = object["value"]
    switch object["type"] as? String {
    case "undefined": return "undefined"
    case "boolean": return (value as? NSNumber)?.boolValue == true ? "true" : "false"
    default:
      if let unserializable = object["unserializableValue"] as? String { return unserializable }
      if let value, let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]) {
        return String(decoding: data, as: UTF8.self)
      }
      return object["description"] as? String ?? "\(value ?? "?")"
    }
  }
}

/// `close(2)`, out of reach of the methods named `close`.
private func closeDescriptor(_ descriptor: Int32) { _ = close(descriptor) }

public enum HeadlessBrowserError: Error, CustomStringConvertible {
  case notInstalled(String)
  case launchFailed(String)
  case disconnected(String)
  case timedOut(String, Double)
  case protocolError(String, String)
  case navigationFailed(String, String)
  case javaScript(String)
  case conditionNotMet(String, Double, String)

  public var description: String {
    switch self {
    case .notInstalled(let path): "no chromium at \(path) (apt-get install chromium)"
    case .launchFailed(let reason): "chromium did not start: \(reason)"
    case .disconnected(let method): "chromium went away before answering \(method)"
    case .timedOut(let what, let seconds): "no \(what) within \(seconds) s"
    case .protocolError(let method, let message): "\(method) failed: \(message)"
    case .navigationFailed(let url, let reason): "could not load \(url): \(reason)"
    case .javaScript(let message): "the page threw: \(message)"
    case .conditionNotMet(let expression, let seconds, let last):
      "\(expression) was not truthy within \(seconds) s; last value: \(last)"
    }
  }
}

/// The two pipes and what came back on them. A reader thread splits the browser's output on NUL
/// bytes, files responses under their command ids and keeps the events tests care about. Kept
/// apart from `HeadlessBrowser` so the thread does not keep the browser alive.
private final class Connection: @unchecked Sendable {
  private let condition = NSCondition()
  private let writeLock = NSLock()
  private let commands: Int32
  // Guarded by `condition`.
  private var nextID = 1
  private var waiting: Set<Int> = []
  private var responses: [Int: [String: Any]] = [:]
  private var session = ""
  private var loads = 0
  private var errors: [String] = []
  private var disconnected = false
  private var commandsOpen = true

  init(commands: Int32, events: Int32) {
    self.commands = commands
    let thread = Thread { [self] in read(events) }
    thread.name = "HeadlessBrowser reader"
    thread.start()
  }

  var loadEvents: Int { locked { loads } }
  var consoleErrors: [String] { locked { errors } }
  var isDisconnected: Bool { locked { disconnected } }

  func watch(session: String) { locked { self.session = session } }

  func waitForLoad(after count: Int, until deadline: Date) -> Bool {
    condition.lock()
    defer { condition.unlock() }
    while loads <= count && !disconnected {
      if !condition.wait(until: deadline) { return loads > count }
    }
    return loads > count
  }

  /// Sends one command and waits for its response; returns its `result`.
  func send(
    _ method: String, _ parameters: [String: Any] = [:], session: String? = nil, timeout: Double
  ) throws -> [String: Any] {
    let id: Int = try locked {
      guard !disconnected, commandsOpen else { throw HeadlessBrowserError.disconnected(method) }
      defer { nextID += 1 }
      waiting.insert(nextID)
      return nextID
    }
    var message: [String: Any] = ["id": id, "method": method, "params": parameters]
    if let session { message["sessionId"] = session }
    do {
      var data = try JSONSerialization.data(withJSONObject: message)
      data.append(0)
      try write(data)
    } catch {
      _ = locked { waiting.remove(id) }
      throw error
    }
    let deadline = Date().addingTimeInterval(timeout)
    condition.lock()
    defer {
      waiting.remove(id)
      condition.unlock()
    }
    while responses[id] == nil {
      if disconnected { throw HeadlessBrowserError.disconnected(method) }
      if !condition.wait(until: deadline) && responses[id] == nil {
        throw HeadlessBrowserError.timedOut("answer to \(method)", timeout)
      }
    }
    let response = responses.removeValue(forKey: id) ?? [:]
    if let error = response["error"] as? [String: Any] {
      throw HeadlessBrowserError.protocolError(method, error["message"] as? String ?? "\(error)")
    }
    return response["result"] as? [String: Any] ?? [:]
  }

  /// Closes our end of the command pipe (the browser then quits if it has not already).
  func shutDown() {
    writeLock.lock()
    defer { writeLock.unlock() }
    let open: Bool = locked {
      defer { commandsOpen = false }
      return commandsOpen
    }
    if open { closeDescriptor(commands) }
  }

  private func write(_ data: Data) throws {
    writeLock.lock()
    defer { writeLock.unlock() }
    guard locked({ commandsOpen }) else { throw HeadlessBrowserError.disconnected("write") }
    try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
      guard let base = buffer.baseAddress else { return }
      var offset = 0
      while offset < buffer.count {
        let written = Foundation.write(commands, base + offset, buffer.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EPIPE)
        }
        offset += written
      }
    }
  }

  private func read(_ events: Int32) {
    var pending: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = chunk.withUnsafeMutableBytes { Foundation.read(events, $0.baseAddress, $0.count) }
      if count < 0 && errno == EINTR { continue }
      if count <= 0 { break }
      var start = pending.count
      pending.append(contentsOf: chunk[0..<count])
      var messageStart = 0
      while let end = pending[start...].firstIndex(of: 0) {
        handle(Data(pending[messageStart..<end]))
        messageStart = end + 1
        start = messageStart
      }
      pending.removeFirst(messageStart)
    }
    closeDescriptor(events)
    locked { disconnected = true }
    condition.broadcast()
  }

  private func handle(_ data: Data) {
    guard let message = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return }
    condition.lock()
    defer {
      condition.broadcast()
      condition.unlock()
    }
    if let id = (message["id"] as? NSNumber)?.intValue {
      if waiting.contains(id) { responses[id] = message }
      return
    }
    guard let method = message["method"] as? String, message["sessionId"] as? String == session else { return }
    let parameters = message["params"] as? [String: Any] ?? [:]
    switch method {
    case "Page.loadEventFired":
      loads += 1
    case "Runtime.exceptionThrown":
      if let details = parameters["exceptionDetails"] as? [String: Any] {
        errors.append(Self.describe(exception: details))
      }
    case "Runtime.consoleAPICalled" where parameters["type"] as? String == "error":
      let arguments = parameters["args"] as? [[String: Any]] ?? []
      errors.append(
        arguments.map { argument in
          if let value = argument["value"] { return "\(value)" }
          return argument["description"] as? String ?? argument["type"] as? String ?? "?"
        }
        .joined(separator: " "))
    case "Log.entryAdded":
      if let entry = parameters["entry"] as? [String: Any], entry["level"] as? String == "error" {
        let url = (entry["url"] as? String).map { " (\($0))" } ?? ""
        errors.append("\(entry["text"] as? String ?? "")\(url)")
      }
    default:
      break
    }
  }

  static func describe(exception details: [String: Any]) -> String {
    if let exception = details["exception"] as? [String: Any] {
      if let description = exception["description"] as? String { return description }
      if let value = exception["value"] { return "\(value)" }
    }
    return details["text"] as? String ?? "unknown exception"
  }

  private func locked<T>(_ body: () throws -> T) rethrows -> T {
    condition.lock()
    defer { condition.unlock() }
    return try body()
  }
}
