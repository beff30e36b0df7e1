/// How an entrance pairs credentials with screenings.
public struct AccessSettings: Sendable, Equatable {
  public var mode: AccessMode
  /// An ID and a reading belong to the same person when they come within this long of each
  /// other, in either order.
  public var pairingWindow: Seconds
  /// A second scan of the same credential within this long is the same presentation (a wedge
  /// reader repeating itself, a card held on the reader).
  public var duplicateScanWindow: Seconds

  public init(mode: AccessMode = .access, pairingWindow: Seconds = 15, duplicateScanWindow: Seconds = 1) {
    self.mode = mode
    self.pairingWindow = pairingWindow
    self.duplicateScanWindow = duplicateScanWindow
  }
}

/// One entrance's access decisions: pairs each presented credential with the screening of the
/// same person and decides once per person. A value type with no I/O and no clock: every
/// input carries its time (monotonic), and the caller performs the actions it returns.
///
/// The pairing follows the screening core's own badge link: a credential presented before or
/// during a reading is carried by that reading's screening (`Decision.person`); one presented
/// after a reading pairs with the latest screening still waiting for an ID.
public struct AccessControl: Sendable {
  struct Pass: Sendable {
    var id: Int
    var credential: CredentialCheck?
    var screening: Decision?
    /// When its first part (credential or screening) arrived; the pairing window runs from here.
    var openedAt: Seconds
    var decision: AccessDecision?
  }

  public let settings: AccessSettings
  /// Passes still open: undecided, or decided and still taking their late partner.
  private var passes: [Pass] = []
  private let capacity = 16
  private var lastPassID = 0
  private var lastScan: (credential: CredentialCheck, time: Seconds)?
  /// The thermometer can screen (open, not out of service); in `access` mode a credential
  /// presented while it cannot is denied at once rather than left to time out.
  public private(set) var thermometerAvailable = true
  /// The turnstile relay answers; a grant it could not carry out would be a lie.
  public private(set) var gateAvailable = true

  public init(settings: AccessSettings = AccessSettings()) {
    self.settings = settings
  }

  /// The pass a screening went to, while it is open.
  public func pass(holding screening: Decision) -> Int? {
    passes.last { $0.screening == screening }?.id
  }

  /// Passes waiting for their partner (for the status board).
  public var waitingPasses: Int { passes.filter { $0.decision == nil }.count }

  public mutating func thermometer(available: Bool) { thermometerAvailable = available }
  public mutating func gate(available: Bool) { gateAvailable = available }

  /// A credential was presented. `awaitsScreening` is false when it paired with a screening
  /// already made (the person was measured first): the screening core must not give it to the
  /// next reading then.
  public mutating func present(_ credential: CredentialCheck, at time: Seconds) -> (
    actions: [AccessAction], awaitsScreening: Bool
  ) {
    var actions = expire(asOf: time)
    // Only a repeat the directory judges the same way: a scan that now reads otherwise (the
    // directory changed, validity ran out) is taken, the safe way.
    if let last = lastScan, last.credential == credential, time >= last.time,
      time - last.time <= settings.duplicateScanWindow
    {
      return (actions, true)
    }
    lastScan = (credential, time)

    // Measured first: the latest normal reading still waiting for an ID takes this credential.
    // A reading already decided (elevated, no ID) takes none: the credential is the next
    // person's, who has yet to be measured.
    if settings.mode == .access,
      let index = passes.lastIndex(where: {
        $0.decision == nil && $0.credential == nil && $0.screening != nil && $0.screening?.person == nil
      }), let screening = passes[index].screening
    {
      passes[index].credential = credential
      actions += decide(at: index, screening: screening, time: time)
      return (actions, false)
    }

    // Badged again before being measured: the same presentation, refreshed.
    if let index = passes.firstIndex(where: {
      $0.decision == nil && $0.screening == nil && $0.credential?.person == credential.person
    }) {
      passes[index].credential = credential
      passes[index].openedAt = time
      if settings.mode == .access, let refusal = credential.refusal {
        actions += conclude(at: index, .denied, refusal, time: time, instruction: .seeGuard)
      }
      return (actions, true)
    }
    // Another person's ID left unmeasured is superseded: the next reading carries the new ID.
    for index in passes.indices where passes[index].decision == nil && passes[index].screening == nil {
      actions += conclude(at: index, .denied, .timeout, time: time, instruction: .seeGuard)
    }

    let index = open(credential: credential, screening: nil, at: time, actions: &actions)
    if settings.mode == .screen { return (actions, true) }
    if let refusal = credential.refusal {
      actions += conclude(at: index, .denied, refusal, time: time, instruction: .seeGuard)
    } else if !thermometerAvailable {
      actions += conclude(at: index, .denied, .deviceFault, time: time, instruction: .deviceFault)
    } else {
      actions.append(.guardLine(GuardLine(pass: passes[index].id, time: time, instruction: .measure, reason: nil)))
    }
    return (actions, true)
  }

  /// A screening was judged (the core's decision, person as the core linked it).
  public mutating func screened(_ screening: Decision) -> [AccessAction] {
    let time = screening.time
    var actions = expire(asOf: time)
    guard screening.screeningClass != .noSubject else { return actions }

    if let person = screening.person,
      let index = passes.lastIndex(where: { $0.screening == nil && $0.credential?.person == person })
    {
      passes[index].screening = screening
      if passes[index].decision == nil {
        actions += decide(at: index, screening: screening, time: time)
      } else {
        // Denied for the credential already; the health side still acts.
        actions += secondary(for: screening, pass: passes[index].id)
      }
      return actions
    }

    let index = open(credential: nil, screening: screening, at: time, actions: &actions)
    if settings.mode == .screen || screening.screeningClass != .normal {
      actions += decide(at: index, screening: screening, time: time)
    } else {
      actions.append(.guardLine(GuardLine(pass: passes[index].id, time: time, instruction: .presentID, reason: nil)))
    }
    return actions
  }

  /// Time passes: passes whose partner did not come within the pairing window are decided, and
  /// decided ones stop taking partners.
  public mutating func tick(at time: Seconds) -> [AccessAction] {
    expire(asOf: time)
  }

  /// Decides every pass still waiting (the end of an offline run).
  public mutating func finish(at time: Seconds) -> [AccessAction] {
    expire(asOf: .infinity, decisionTime: time)
  }

  private mutating func expire(asOf time: Seconds, decisionTime: Seconds? = nil) -> [AccessAction] {
    var actions: [AccessAction] = []
    for index in passes.indices
    where passes[index].decision == nil && time - passes[index].openedAt > settings.pairingWindow {
      let at = decisionTime ?? passes[index].openedAt + settings.pairingWindow
      if passes[index].screening == nil {
        actions += conclude(at: index, .denied, .timeout, time: at, instruction: .seeGuard)
      } else {
        let reason: AccessReason = passes[index].screening?.person == nil ? .noID : .timeout
        actions += conclude(at: index, .denied, reason, time: at, instruction: .presentID)
      }
    }
    passes.removeAll { $0.decision != nil && time - $0.openedAt > settings.pairingWindow }
    return actions
  }

  private mutating func open(
    credential: CredentialCheck?, screening: Decision?, at time: Seconds, actions: inout [AccessAction]
  ) -> Int {
    if passes.count >= capacity {
      passes.removeAll { $0.decision != nil }
      if passes.count >= capacity {
        actions += conclude(at: 0, .denied, .timeout, time: time, instruction: .seeGuard)
        passes.removeFirst()
      }
    }
    lastPassID += 1
    passes.append(Pass(id: lastPassID, credential: credential, screening: screening, openedAt: time))
    return passes.count - 1
  }

  /// The decision for a pass that has its screening (and, in `access` mode, perhaps its
  /// credential).
  private mutating func decide(at index: Int, screening: Decision, time: Seconds) -> [AccessAction] {
    let pass = passes[index].id
    switch screening.screeningClass {
    case .elevated:
      return conclude(at: index, .denied, .elevated, time: time, instruction: .secondaryScreening)
        + (settings.mode == .screen ? [.hold(pass: pass)] : []) + secondary(for: screening, pass: pass)
    case .fever:
      return conclude(at: index, .denied, .fever, time: time, instruction: .callDoctor)
        + (settings.mode == .screen ? [.hold(pass: pass)] : [])
    case .retry:
      return conclude(at: index, .denied, .retry, time: time, instruction: .measureAgain)
    case .fault, .noSubject:
      return conclude(at: index, .denied, .deviceFault, time: time, instruction: .deviceFault)
    case .normal:
      if settings.mode == .screen {
        return conclude(at: index, .granted, .normal, time: time, instruction: .goThrough)
      }
      guard let credential = passes[index].credential else {
        return conclude(at: index, .denied, .noID, time: time, instruction: .presentID)
      }
      if let refusal = credential.refusal {
        return conclude(at: index, .denied, refusal, time: time, instruction: .seeGuard)
      }
      guard gateAvailable else {
        return conclude(at: index, .denied, .deviceFault, time: time, instruction: .deviceFault)
      }
      return conclude(at: index, .granted, .normal, time: time, instruction: .goThrough) + [.release(pass: pass)]
    }
  }

  private func secondary(for screening: Decision, pass: Int) -> [AccessAction] {
    guard screening.screeningClass == .elevated, let recheck = screening.recheck, recheck.role == .opened else {
      return []
    }
    return [.sendToSecondary(pass: pass, recheck: recheck)]
  }

  private mutating func conclude(
    at index: Int, _ outcome: AccessOutcome, _ reason: AccessReason, time: Seconds,
    instruction: GuardLine.Instruction
  ) -> [AccessAction] {
    let pass = passes[index]
    let decision = AccessDecision(
      pass: pass.id, time: time, outcome: outcome, reason: reason,
      person: pass.credential?.person ?? pass.screening?.person,
      holder: pass.credential?.isValid == true ? pass.credential?.holder : nil, screening: pass.screening,
      mode: settings.mode)
    passes[index].decision = decision
    return [
      .decided(decision), .guardLine(GuardLine(pass: pass.id, time: time, instruction: instruction, reason: reason)),
    ]
  }
}
