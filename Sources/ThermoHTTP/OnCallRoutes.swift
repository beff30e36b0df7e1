import Hummingbird
import ThermoDispatch

/// `GET /api/on-call`: the roster's answer for now, for the dashboard and the duty office. Open
/// like the other read endpoints: it names the doctor on call and the sinks that reach them,
/// never how (no addresses, no secrets).
extension GatewayHTTP {
  func addOnCall(to router: Router<BasicRequestContext>) {
    router.get("/api/on-call") { _, _ in onCallNow() }
  }

  private func onCallNow() -> Response {
    guard let plan = dispatcher.settings.onCall else {
      return problem("this gateway has no on-call roster (on_call or on_call_file)", status: .notFound)
    }
    return json(OnCallMessage(plan.status(at: clock.wallNow()), timeZone: plan.timeZone.identifier))
  }
}
