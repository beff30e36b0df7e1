/// What an entrance machine asks its service to do, in order.
public enum EntranceAction: Sendable, Equatable {
  /// A screening was judged: register it, alert on its class.
  case screened(Decision)
  /// A re-check window closed before the person came back.
  case recheckExpired(RecheckExpiry)
  case access(AccessAction)
}
