/// One entrance as a pure state machine: samples, screenings formed elsewhere, credentials and
/// time go in; screenings, access decisions and what to do about them come out. The screening
/// core (`EntrancePipeline`) forms and judges each reading; `AccessControl` pairs it with the
/// person's credential and decides once per person. The daemon and `thermogate classify` drive
/// the same machine, so an offline run gives the decisions the daemon would give.
public struct EntranceMachine: Sendable {
  /// The screening core. The device's life (connected, identified, changed) goes to it directly.
  public var pipeline: EntrancePipeline
  public private(set) var access: AccessControl

  public init(pipeline: EntrancePipeline, access: AccessSettings = AccessSettings()) {
    self.pipeline = pipeline
    self.access = AccessControl(settings: access)
  }

  public var mode: AccessMode { access.settings.mode }

  /// Feeds one raw sample; most complete nothing and return no action.
  public mutating func ingest(_ sample: Sample) -> [EntranceAction] {
    guard pipeline.ingest(sample) else { return [] }
    var actions: [EntranceAction] = []
    while let decision = pipeline.nextDecision() { actions += screened(decision) }
    return actions
  }

  /// Classifies a screening formed elsewhere (a row of a screenings file).
  public mutating func classify(_ screening: Screening, person: String?) -> [EntranceAction] {
    screened(pipeline.classify(screening, person: person))
  }

  /// A credential was presented at the reader, checked against the directory by the caller.
  public mutating func present(_ credential: CredentialCheck, at time: Seconds) -> [EntranceAction] {
    let (actions, awaitsScreening) = access.present(credential, at: time)
    let collected = collect(actions, at: time)
    if awaitsScreening { pipeline.announcePerson(credential.person, at: time) }
    return collected
  }

  /// Whether the thermometer can screen now; in `access` mode a credential presented while it
  /// cannot is denied at once as a device fault.
  public mutating func thermometer(available: Bool) { access.thermometer(available: available) }
  /// Whether the turnstile relay answers; a grant it cannot carry out is denied as a fault.
  public mutating func gate(available: Bool) { access.gate(available: available) }

  /// Time passes: stalled passes end, re-check windows close, unpaired credentials and
  /// readings are decided.
  public mutating func tick(at time: Seconds) -> [EntranceAction] {
    var actions: [EntranceAction] = []
    if let decision = pipeline.endPassIfStalled(asOf: time) { actions += screened(decision) }
    while let expiry = pipeline.nextExpiredRecheck(asOf: time) { actions.append(.recheckExpired(expiry)) }
    actions += collect(access.tick(at: time), at: time)
    return actions
  }

  /// Offline (`thermogate classify`): a screening whose credential was shown with it (a row's
  /// person column). The credential is presented at the screening's instant, then the
  /// screening; a screening without one is decided at once, since offline no ID can follow.
  /// Returns the decision of the screening's pass (made on its credential or on it).
  public mutating func decideOffline(_ screening: Decision, credential: CredentialCheck?) -> AccessDecision? {
    guard screening.screeningClass != .noSubject else { return nil }
    var actions: [AccessAction] = []
    if let credential { actions += access.present(credential, at: screening.time).actions }
    actions += access.screened(screening)
    let pass = access.pass(holding: screening)
    actions += access.finish(at: screening.time)
    for case .decided(let decision) in actions where decision.pass == pass { return decision }
    return nil
  }

  /// Decides everything still waiting (the end of an offline run).
  public mutating func finish(at time: Seconds) -> [EntranceAction] {
    collect(access.finish(at: time), at: time)
  }

  private mutating func screened(_ decision: Decision) -> [EntranceAction] {
    [.screened(decision)] + collect(access.screened(decision), at: decision.time)
  }

  private mutating func collect(_ actions: [AccessAction], at time: Seconds) -> [EntranceAction] {
    for case .decided(let decision) in actions where decision.reason == .timeout && decision.screening == nil {
      // The ID nobody was measured for must not land on the next person's reading.
      pipeline.announcePerson(nil, at: time, toNextPass: true)
    }
    return actions.map { .access($0) }
  }
}
