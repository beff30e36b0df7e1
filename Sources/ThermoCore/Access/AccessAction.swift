/// What the access machine asks the entrance to do. Actions come in the order they are to be
/// performed; the safe ones (a denial, a hold, a guard line) never wait for anything.
public enum AccessAction: Sendable, Equatable {
  /// Record the decision. In `access` mode a grant is followed by `release`.
  case decided(AccessDecision)
  /// Release the turnstile for one passage of this pass — only once the decision's record is
  /// committed: nobody enters unrecorded.
  case release(pass: Int)
  /// Hold the free-flow turnstile (`screen` mode) until a guard clears it or its maximum ends.
  case hold(pass: Int)
  /// The person goes to secondary screening; the re-check window is open until its deadline.
  case sendToSecondary(pass: Int, recheck: RecheckLink)
  case guardLine(GuardLine)
}
