import Foundation

/// A child process started with every signal unblocked and at its default action. Foundation's
/// `Process` passes on the spawning thread's signal mask, and the test runner's threads block
/// SIGTERM and SIGINT: a broker started that way ignores `terminate()` and never saves or exits.
public final class ChildProcess: @unchecked Sendable {
  public let pid: pid_t
  private var reaped = false
  /// The exit status once the child has been reaped (128 + N after signal N).
  public private(set) var exitStatus: Int32?

  /// `output` and `errors`: files that receive the child's standard output and error (else
  /// they go nowhere). `environment` entries are added to the test runner's.
  public init(
    _ path: String, _ arguments: [String], output: String? = nil, errors: String? = nil,
    environment: [String: String] = [:]
  ) throws {
    var attributes = Self.cleanSpawnAttributes(ownProcessGroup: false)
    defer { posix_spawnattr_destroy(&attributes) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, output ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, errors ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var child: pid_t = 0
    var merged = ProcessInfo.processInfo.environment
    for (key, value) in environment { merged[key] = value }
    let environmentStrings = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { environmentStrings.forEach { free($0) } }
    let status = posix_spawn(&child, path, &actions, &attributes, argv, environmentStrings)
    guard status == 0 else { throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EINVAL) }
    pid = child
  }

  deinit {
    if !reaped {
      kill(pid, SIGKILL)
      _ = wait(timeout: 5)
    }
  }

  /// Sends `signal` and waits (at most `timeout` seconds) for the child to exit.
  @discardableResult
  public func stop(signal: Int32 = SIGTERM, timeout: Double = 10) -> Bool {
    kill(pid, signal)
    return wait(timeout: timeout)
  }

  /// Waits for the child to exit by itself.
  @discardableResult
  public func waitForExit(timeout: Double) -> Bool { wait(timeout: timeout) }

  private func wait(timeout: Double) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    var status: Int32 = 0
    while Date() < deadline {
      if waitpid(pid, &status, WNOHANG) == pid {
        reaped = true
        // WIFEXITED / WEXITSTATUS / WTERMSIG from <sys/wait.h>, which Swift does not import.
        exitStatus = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return true
      }
      usleep(10_000)
    }
    return false
  }
}

extension ChildProcess {
  /// Spawn attributes with every signal unblocked and SIGTERM, SIGINT, SIGHUP and SIGPIPE at
  /// their default action (and, when asked, a process group of the child's own). The caller
  /// destroys them.
  static func cleanSpawnAttributes(ownProcessGroup: Bool) -> posix_spawnattr_t {
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
    if ownProcessGroup {
      posix_spawnattr_setpgroup(&attributes, 0)
      flags |= POSIX_SPAWN_SETPGROUP
    }
    posix_spawnattr_setflags(&attributes, Int16(flags))
    return attributes
  }
}
