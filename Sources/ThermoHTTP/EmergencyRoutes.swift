import Hummingbird
import Logging
import ThermoStore

/// Emergency release (free passage) from the duty office: `POST /api/emergency` opens one
/// entrance's lane or all of them, `POST /api/emergency/clear` ends it, `GET /api/emergency`
/// lists what is in force. The store's row is the audit trail (who, when, why, who cleared);
/// the relays follow the store's state after each change.
extension GatewayHTTP {
  private static let emergencyLogger = Logger(label: "thermogate.emergency")

  func addEmergency(to router: Router<BasicRequestContext>) {
    router.get("/api/emergency") { _, _ in await activeEmergencyReleases() }
    router.post("/api/emergency") { request, _ in await startEmergencyRelease(request) }
    router.post("/api/emergency/clear") { request, _ in await clearEmergencyRelease(request) }
  }

  private func activeEmergencyReleases() async -> Response {
    do {
      let active = try await store.reading { store throws(StoreError) in try store.activeEmergencyReleases() }
      return json(active.map(EmergencyReleaseMessage.init))
    } catch {
      return problem("reading the emergency releases: \(error.description)", status: .internalServerError)
    }
  }

  private func startEmergencyRelease(_ request: Request) async -> Response {
    if let refusal = authorize(request) { return refusal }
    let entrance: String?
    let person: String
    let reason: String
    do {
      let fields = try await RequestFields(
        request, example: #"{"entrance": "NAME" (leave it out for every entrance), "by": "NAME", "reason": "TEXT"}"#)
      entrance = try fields.optionalText("entrance", meaning: "the entrance to release; leave it out for all of them")
      person = try fields.text("by", meaning: "who releases the turnstiles")
      reason = try fields.text("reason", meaning: "why (a fire alarm, an evacuation)")
    } catch {
      return problem(error.message, status: .badRequest)
    }
    if let entrance, !status.entranceNames.contains(entrance) {
      return unknownEntrance(entrance)
    }
    let now = clock.wallNow()
    do {
      let (id, state) = try await store.writing { store throws(StoreError) in
        let id = try store.startEmergencyRelease(entrance: entrance, by: person, reason: reason, at: now)
        return (id, try store.emergencyReleaseState())
      }
      await gate.setEmergency(state.active, version: state.version)
      Self.emergencyLogger.notice(
        "emergency release \(id): \(entrance ?? "every entrance") in free passage, released by \(person): \(reason)")
      let release =
        state.active.first { $0.id == id }
        ?? EmergencyRelease(id: id, entrance: entrance, startedAt: now, startedBy: person, reason: reason)
      return json(EmergencyReleaseMessage(release), status: .created)
    } catch {
      return problem("starting the emergency release: \(error.description)", status: .internalServerError)
    }
  }

  private func clearEmergencyRelease(_ request: Request) async -> Response {
    if let refusal = authorize(request) { return refusal }
    let entrance: String?
    let person: String
    do {
      let fields = try await RequestFields(
        request, example: #"{"entrance": "NAME" (leave it out to clear every release), "by": "NAME"}"#)
      entrance = try fields.optionalText("entrance", meaning: "the entrance to clear; leave it out for all of them")
      person = try fields.text("by", meaning: "who ends the free passage")
    } catch {
      return problem(error.message, status: .badRequest)
    }
    let now = clock.wallNow()
    do {
      // An entrance no longer configured may still have a release kept from before a reload:
      // it can be cleared, anything else unknown is refused.
      if let entrance, !status.entranceNames.contains(entrance) {
        let kept = try await store.reading { store throws(StoreError) in try store.activeEmergencyReleases() }
        guard kept.contains(where: { $0.entrance == entrance }) else { return unknownEntrance(entrance) }
      }
      let (cleared, state) = try await store.writing { store throws(StoreError) in
        let cleared = try store.clearEmergencyRelease(entrance: entrance, by: person, at: now)
        return (cleared, try store.emergencyReleaseState())
      }
      await gate.setEmergency(state.active, version: state.version)
      let still = entrance.flatMap { name in state.active.first { $0.covers(name) } }
      Self.emergencyLogger.notice(
        """
        emergency release of \(entrance ?? "every entrance") cleared by \(person) (\(cleared) release(s) ended)\
        \(still.map { "; still in free passage under release \($0.id) of every entrance" } ?? "")
        """)
      return json(EmergencyClearMessage(cleared: cleared, active: state.active.map(EmergencyReleaseMessage.init)))
    } catch {
      return problem("clearing the emergency release: \(error.description)", status: .internalServerError)
    }
  }

  private func unknownEntrance(_ entrance: String) -> Response {
    problem(
      "no entrance named '\(entrance)' (entrances: \(status.entranceNames.joined(separator: ", ")))",
      status: .notFound)
  }
}
