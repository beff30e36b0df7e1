/// Badge readers the gateway does not read through an input node of its own (the demo's
/// simulated desk): each ID read at an entrance is handed to whoever listens there.
public protocol BadgeFeed: Sendable {
  /// `deliver` receives each ID read at `entrance` and the time it was read (monotonic gateway
  /// seconds); a second listener replaces the first.
  func listen(at entrance: String, _ deliver: @escaping @Sendable (_ id: String, _ time: Double) -> Void)
  func stopListening(at entrance: String)
}
