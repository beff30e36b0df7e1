import PropertyBased
import Testing

@testable import ThermoCore

/// Properties of the access machine over generated lanes: people badging (valid or not, twice,
/// or not at all), readings of every class with or without the core's badge link, and time.
@Suite struct AccessPropertyTests {
  enum Step: Sendable, CustomStringConvertible {
    case present(person: Int, refusal: Int, dt: Double)
    case screened(person: Int?, screeningClass: Int, dt: Double)
    case tick(dt: Double)

    var description: String {
      switch self {
      case .present(let person, let refusal, let dt): "+\(dt) badge P\(person)\(refusal > 0 ? "✗\(refusal)" : "")"
      case .screened(let person, let screeningClass, let dt):
        "+\(dt) read \(person.map { "P\($0)" } ?? "-") c\(screeningClass)"
      case .tick(let dt): "+\(dt) tick"
      }
    }
  }

  static let refusals: [AccessReason?] = [nil, nil, nil, .unknownID, .expiredID, .notYetValid, .blockedID]
  static let classes: [ScreeningClass] = [.normal, .normal, .normal, .elevated, .fever, .retry, .fault, .noSubject]

  static let step = zip(
    Gen.int(in: 0...2), Gen.int(in: 0...4), Gen.int(in: 0...6), Gen.int(in: 0...7), Gen.double(in: 0...20)
  )
  .map { kind, person, refusal, screeningClass, dt -> Step in
    switch kind {
    case 0: .present(person: person, refusal: refusal, dt: dt < 2 ? dt / 4 : dt)
    case 1: .screened(person: person == 4 ? nil : person, screeningClass: screeningClass, dt: dt / 2)
    default: .tick(dt: dt)
    }
  }

  @Test(arguments: AccessMode.allCases)
  func noReleaseWithoutAValidIDAndANormalScreeningOfTheSamePerson(_ mode: AccessMode) async {
    await propertyCheck(count: 1000, input: Self.step.array(of: 0...60)) { steps in
      var access = AccessControl(settings: AccessSettings(mode: mode, pairingWindow: 8))
      var time = 0.0
      var lastCheck: [String: CredentialCheck] = [:]
      var decided: [Int: AccessDecision] = [:]
      var screeningsFed = 0
      var all: [AccessAction] = []
      for step in steps {
        var actions: [AccessAction]
        switch step {
        case .present(let person, let refusal, let dt):
          time += dt
          let check = CredentialCheck(person: "P\(person)", holder: .staff, refusal: Self.refusals[refusal])
          lastCheck[check.person] = check
          actions = access.present(check, at: time).actions
        case .screened(let person, let screeningClass, let dt):
          time += dt
          let screening = AccessControlTests.screening(
            Self.classes[screeningClass], person: person.map { "P\($0)" }, at: time)
          if screening.screeningClass != .noSubject { screeningsFed += 1 }
          actions = access.screened(screening)
        case .tick(let dt):
          time += dt
          actions = access.tick(at: time)
        }
        all += actions
        for (index, action) in actions.enumerated() {
          switch action {
          case .decided(let decision):
            #expect(decided[decision.pass] == nil, "pass \(decision.pass) decided twice")
            decided[decision.pass] = decision
            if decision.outcome == .granted {
              #expect(decision.screening?.screeningClass == .normal)
              #expect(decision.reason == .normal)
            }
          case .release(let pass):
            #expect(mode == .access, "a free-flow lane is never pulsed")
            let decision = decided[pass]
            #expect(decision?.outcome == .granted)
            #expect(decision?.screening?.screeningClass == .normal)
            // The ID was valid when presented, and it is this reading's person's ID.
            let person = decision?.person ?? ""
            #expect(lastCheck[person]?.isValid == true, "released on \(person)'s invalid or missing ID")
            if let screened = decision?.screening?.person { #expect(screened == person) }
            // The decision is in this batch, before its release.
            let before = actions[..<index].contains { if case .decided(let d) = $0 { d.pass == pass } else { false } }
            #expect(before)
          case .hold:
            #expect(mode == .screen, "an access lane is never held")
          default: break
          }
        }
      }
      all += access.finish(at: time + 100)
      for case .decided(let decision) in all where decided[decision.pass] == nil { decided[decision.pass] = decision }
      // Every pass that was shown to the guard ended in exactly one decision.
      let passes = Set(all.compactMap { if case .guardLine(let line) = $0 { line.pass } else { nil } })
      #expect(passes.isSubset(of: Set(decided.keys)))
      let decidedCount = all.filter { if case .decided = $0 { true } else { false } }.count
      #expect(decidedCount == decided.count)
      // A screening rests under at most one decision.
      #expect(decided.values.filter { $0.screening != nil }.count <= screeningsFed)
    }
  }
}
