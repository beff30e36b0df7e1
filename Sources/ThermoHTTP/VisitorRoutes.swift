import Hummingbird
import Logging
import ThermoCore
import ThermoStore

/// Visitor passes from the duty office: `POST /api/visitors` issues one (its code shown once),
/// `GET /api/visitors` lists those valid now. Both need the token: passes are personal data.
extension GatewayHTTP {
  private static let visitorLogger = Logger(label: "thermogate.visitors")

  func addVisitors(to router: Router<BasicRequestContext>) {
    router.get("/api/visitors") { request, _ in await visitorPasses(request) }
    router.post("/api/visitors") { request, _ in await issueVisitorPass(request) }
  }

  private func issueVisitorPass(_ request: Request) async -> Response {
    if let refusal = authorize(request) { return refusal }
    let name: String
    let host: String
    let hours: Double
    let phone: String?
    let issuer: String?
    do {
      let fields = try await RequestFields(
        request,
        example: #"{"name": "NAME", "host": "WHOM THEY VISIT", "hours": 4, "phone": "optional", "by": "optional"}"#)
      name = try fields.text("name", meaning: "the visitor's name")
      host = try fields.text("host", meaning: "the member of staff the visitor comes to see")
      hours = try fields.number("hours", meaning: "how long the pass is valid")
      phone = try fields.optionalText("phone", meaning: "the visitor's mobile number (kept masked only)")
      issuer = try fields.optionalText("by", meaning: "the guard who issues the pass")
    } catch {
      return problem(error.message, status: .badRequest)
    }
    guard hours > 0, hours <= VisitorPass.longestHours else {
      return problem(
        "'hours' must be above 0 and at most \(Int(VisitorPass.longestHours)) (one week), got \(hours)",
        status: .badRequest)
    }
    if let phone, VisitorPass.maskPhone(phone) == nil {
      return problem("'phone' has no digits: the visitor's mobile number", status: .badRequest)
    }
    let now = clock.wallNow()
    let policy = personIDs
    do {
      let (code, pass) = try await store.writing { store throws(StoreError) in
        try store.issueVisitorPass(
          name: name, host: host, hours: hours, phone: phone, issuedBy: issuer, at: now, policy: policy)
      }
      // Neither the code nor the name is logged: the log is kept longer and read more widely.
      Self.visitorLogger.notice(
        "visitor pass issued by \(issuer ?? "the duty office") for a visitor of \(pass.host), valid \(hours) h")
      return json(
        IssuedVisitorPassMessage(
          code: code, validUntil: .text(pass.validUntil), host: pass.host, name: name, phoneMasked: pass.phoneMasked),
        status: .created)
    } catch {
      return problem("issuing the visitor pass: \(error.description)", status: .internalServerError)
    }
  }

  private func visitorPasses(_ request: Request) async -> Response {
    if let refusal = authorize(request) { return refusal }
    let now = clock.wallNow()
    // A hashed code cannot be typed at a reader: it is of no use to anyone and is left out.
    var hashed = false
    if case .hashed = personIDs { hashed = true }
    do {
      let passes = try await store.reading { store throws(StoreError) in
        try store.visitorPasses(includeExpired: false, at: now)
      }
      return json(passes.map { VisitorPassMessage($0, showsCode: !hashed && !$0.code.hasPrefix("h:")) })
    } catch {
      return problem("reading the visitor passes: \(error.description)", status: .internalServerError)
    }
  }
}
