import Hummingbird
import Logging
import ThermoConfiguration
import ThermoCore
import ThermoStore

/// The secondary station: `GET /api/secondary` lists the people sent there, `POST /api/secondary`
/// lets a guard send someone, `POST /api/secondary/{id}/reading` records a clinical reading that
/// settles the case, `POST /api/secondary/{id}/disposition` records the doctor's disposition of a
/// confirmed fever. All need the token: every answer is health data about a person.
extension GatewayHTTP {
  private static let secondaryLogger = Logger(label: "thermogate.secondary")

  func addSecondary(to router: Router<BasicRequestContext>) {
    router.get("/api/secondary") { request, _ in await secondaryCases(request) }
    router.post("/api/secondary") { request, _ in await sendToSecondary(request) }
    router.post("/api/secondary/{id}/reading") { request, context in
      await recordReading(request, id: context.parameters.get("id"))
    }
    router.post("/api/secondary/{id}/disposition") { request, context in
      await recordDisposition(request, id: context.parameters.get("id"))
    }
  }

  /// `?status=waiting|cleared|fever|all` (default waiting), `?hours=N` back (default 24).
  private func secondaryCases(_ request: Request) async -> Response {
    if let refusal = authorize(request) { return refusal }
    let statusText = request.uri.queryParameters.get("status") ?? "waiting"
    var statuses: Set<SecondaryCase.Status> = []
    if statusText != "all" {
      for name in statusText.split(separator: ",") {
        guard let status = SecondaryCase.Status(rawValue: String(name)) else {
          return problem(
            "status '\(name)' is not known (waiting, cleared, fever, or all)", status: .badRequest)
        }
        statuses.insert(status)
      }
    }
    let hoursText = request.uri.queryParameters.get("hours")
    let hours = hoursText.flatMap(Double.init) ?? 24
    guard hours > 0, hours <= 24 * 31 else {
      return problem("hours must be a number above 0 and at most 744, got '\(hoursText ?? "")'", status: .badRequest)
    }
    let since = clock.wallNow() - hours * 3600
    let wanted = statuses
    do {
      let cases = try await store.reading { store throws(StoreError) in
        try store.secondaryCases(statuses: wanted, since: since)
      }
      return json(cases.map(SecondaryCaseMessage.init))
    } catch {
      return problem("reading the secondary cases: \(error.description)", status: .internalServerError)
    }
  }

  private func sendToSecondary(_ request: Request) async -> Response {
    if let refusal = authorize(request) { return refusal }
    let entrance: String
    let person: String?
    let note: String?
    let by: String
    do {
      let fields = try await RequestFields(
        request, example: #"{"entrance": "north-gate", "person": "optional ID", "note": "optional", "by": "NAME"}"#)
      entrance = try fields.text("entrance", meaning: "the entrance the person came to")
      person = try fields.optionalText("person", meaning: "the person's work ID or visitor pass code")
      note = try fields.optionalText("note", meaning: "why they are sent")
      by = try fields.text("by", meaning: "the guard who sends them")
    } catch {
      return problem(error.message, status: .badRequest)
    }
    let known = status.snapshot().map(\.entrance)
    guard known.contains(entrance) else {
      return problem(
        "entrance '\(entrance)' is not one of this gateway's (\(known.joined(separator: ", ")))", status: .badRequest)
    }
    let (now, stored) = (clock.wallNow(), personIDs.protect(person))
    do {
      let id = try await store.writing { store throws(StoreError) in
        try store.sendToSecondary(entrance: entrance, person: stored, note: note, by: by, at: now)
      }
      Self.secondaryLogger.notice("secondary case \(id) opened at \(entrance) by \(by)")
      guard let found = try await store.reading({ store throws(StoreError) in try store.secondaryCase(id: id) }) else {
        return problem("secondary case \(id) was written but cannot be read back", status: .internalServerError)
      }
      return json(SecondaryCaseMessage(found), status: .created)
    } catch {
      return problem("sending to secondary screening: \(error.description)", status: .internalServerError)
    }
  }

  private func recordReading(_ request: Request, id: String?) async -> Response {
    if let refusal = authorize(request) { return refusal }
    guard let caseID = id.flatMap(Int64.init) else {
      return problem("the case id in the path must be a number, got '\(id ?? "")'", status: .badRequest)
    }
    let method: ClinicalMethod
    let value: Double
    let by: String
    let device: String?
    do {
      let fields = try await RequestFields(
        request,
        example:
          #"{"method": "oral|ear|axillary|forehead_contact", "value_c": 37.9, "by": "NAME", "device": "optional"}"#
      )
      let methodName = try fields.text("method", meaning: "how the clinical reading was taken")
      guard let known = ClinicalMethod(rawValue: methodName) else {
        return problem(ClinicalReadingError.unknownMethod(methodName).description, status: .badRequest)
      }
      method = known
      value = try fields.number("value_c", meaning: "the clinical reading in °C")
      by = try fields.text("by", meaning: "the nurse, guard or doctor who took the reading")
      device = try fields.optionalText("device", meaning: "the clinical thermometer used")
    } catch {
      return problem(error.message, status: .badRequest)
    }
    let (now, settings) = (clock.wallNow(), secondary)
    switch await secondaryWrite({ store throws(SecondaryError) in
      try store.recordClinicalReading(
        caseID: caseID, method: method, valueC: value, by: by, device: device, at: now,
        thresholds: settings.thresholds, passValidity: settings.passValidity)
    }) {
    case .success(let settled):
      // The value and the person stay out of the log: the register has them.
      Self.secondaryLogger.notice(
        "secondary case \(caseID): \(method.rawValue) reading by \(by) settled it as \(settled.status.rawValue)")
      return json(SecondaryCaseMessage(settled))
    case .failure(let error):
      return problem(error.description, status: Self.status(of: error))
    }
  }

  private func recordDisposition(_ request: Request, id: String?) async -> Response {
    if let refusal = authorize(request) { return refusal }
    guard let caseID = id.flatMap(Int64.init) else {
      return problem("the case id in the path must be a number, got '\(id ?? "")'", status: .badRequest)
    }
    let disposition: Disposition
    let notes: String?
    let by: String
    do {
      let fields = try await RequestFields(
        request,
        example: #"{"disposition": "sent_home", "notes": "optional", "by": "DOCTOR"}"#)
      let name = try fields.text("disposition", meaning: "what the doctor decided")
      guard let known = Disposition(rawValue: name) else {
        return problem(
          "disposition '\(name)' is not known (use one of: \(Disposition.allCases.map(\.rawValue).joined(separator: ", ")))",
          status: .badRequest)
      }
      disposition = known
      notes = try fields.optionalText("notes", meaning: "the doctor's notes")
      by = try fields.text("by", meaning: "the doctor who decided")
    } catch {
      return problem(error.message, status: .badRequest)
    }
    let now = clock.wallNow()
    switch await secondaryWrite({ store throws(SecondaryError) in
      try store.recordDisposition(caseID: caseID, disposition: disposition, notes: notes, by: by, at: now)
    }) {
    case .success(let recorded):
      if let alertID = recorded.feverAlertID {
        // The doctor has the person: the turnstile held for their fever opens.
        try? await gate.release(entrance: recorded.entrance, alertID: alertID)
      }
      Self.secondaryLogger.notice("secondary case \(caseID): disposition \(disposition.rawValue) by \(by)")
      return json(SecondaryCaseMessage(recorded))
    case .failure(let error):
      return problem(error.description, status: Self.status(of: error))
    }
  }

  /// A write on the store's writer thread whose refusals keep their kind.
  private func secondaryWrite(
    _ body: @escaping @Sendable (AlertStore) throws(SecondaryError) -> SecondaryCase
  ) async -> Result<SecondaryCase, SecondaryError> {
    do {
      return try await store.writing { store throws(StoreError) in
        Result { () throws(SecondaryError) -> SecondaryCase in try body(store) }
      }
    } catch {
      return .failure(.store(error))
    }
  }

  private static func status(of error: SecondaryError) -> HTTPResponse.Status {
    switch error {
    case .notFound: .notFound
    case .settled, .conflict: .conflict
    case .invalid: .badRequest
    case .store: .internalServerError
    }
  }
}
