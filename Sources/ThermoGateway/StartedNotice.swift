import ServiceLifecycle

/// Calls back once the group runs, for a daemon without an HTTP listener; then idles until the
/// group shuts down.
struct StartedNotice: Service {
  let action: @Sendable () async -> Void

  func run() async throws {
    await action()
    try? await gracefulShutdown()
  }
}
