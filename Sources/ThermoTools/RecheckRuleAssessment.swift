import ThermoCore

/// How the referral and re-check rule performs on a paired cohort, measured by running each
/// person's readings through the entrance pipeline the gateway runs (its `classify`), so the
/// numbers are the gateway's own decisions and not a re-implementation of them.
///
/// A person's first judged reading is their first screening (round 1; a round the file has no
/// reading for, or that the pipeline does not judge, is like a retry at the gate: the person
/// is screened again with the next round). When it is `elevated` the person is referred, and
/// their next judged reading is the re-check, inside the window; the re-check decision says
/// whether the fever is confirmed. A referred person without a later reading is not confirmed
/// (their re-check expires). A fever is oral ≥ `feverReferenceC`.
public struct RecheckRuleAssessment: Sendable, Equatable {
  public var threshold: ThresholdPolicy
  public var feverReferenceC: Celsius
  /// People with at least one judged reading.
  public var people: Int
  /// People left out: no reading the pipeline could judge.
  public var unscreened: Int
  public var febrile: Int
  public var referred: Int
  public var referredFebrile: Int
  public var confirmed: Int
  public var confirmedFebrile: Int
  /// Referred but with no later judged reading: the re-check never happened.
  public var referredWithoutRecheck: Int
  /// First screenings taken from a later round than round 1, and re-checks not from round 2.
  public var firstScreeningsAfterRoundOne: Int
  public var rechecksNotFromRoundTwo: Int

  /// Referral level: the alarm level (the fixed threshold; a fresh entrance has no baseline yet)
  /// less the guard band.
  public var referLevelC: Celsius { threshold.fixedThresholdC - threshold.guardBandC }
  public var confirmLevelC: Celsius { threshold.confirmLevelC(alarmLevelC: threshold.fixedThresholdC) }
  public var afebrile: Int { people - febrile }
  public var confirmedFalseAlarms: Int { confirmed - confirmedFebrile }

  public var firstSensitivity: Double { Self.ratio(referredFebrile, febrile) }
  public var firstSpecificity: Double { Self.ratio(afebrile - (referred - referredFebrile), afebrile) }
  public var recheckSensitivity: Double { Self.ratio(confirmedFebrile, febrile) }
  public var recheckSpecificity: Double { Self.ratio(afebrile - confirmedFalseAlarms, afebrile) }
  /// Afebrile people confirmed as fevers, as a share of everyone screened: the people sent to
  /// the doctor for nothing.
  public var confirmedFalseAlarmShare: Double { Self.ratio(confirmedFalseAlarms, people) }

  /// Runs every person through a fresh pipeline built from `configuration` (its calibration
  /// should be the identity: a cohort's readings are already the instrument's).
  public init(people cohort: [CohortPerson], configuration: EntranceConfiguration, feverReferenceC: Celsius = 37.5) {
    threshold = configuration.threshold
    self.feverReferenceC = feverReferenceC
    people = 0
    unscreened = 0
    febrile = 0
    referred = 0
    referredFebrile = 0
    confirmed = 0
    confirmedFebrile = 0
    referredWithoutRecheck = 0
    firstScreeningsAfterRoundOne = 0
    rechecksNotFromRoundTwo = 0
    // Rounds a few minutes apart in the study; here spaced so that four fit in any window.
    let spacing = min(60, configuration.recheckWindow / 4)
    for person in cohort {
      var pipeline = EntrancePipeline(configuration: configuration)
      pipeline.deviceConnected(at: -configuration.warmUp)
      var judged: [(round: Int, decision: Decision)] = []
      for (index, skin) in person.skinByRound.enumerated() {
        guard judged.count < 2 else { break }
        guard let skin else { continue }
        let screening = Screening(time: Double(index) * spacing, rawObjectC: skin, ambientC: person.ambientC)
        let decision = pipeline.classify(screening, person: person.subject)
        guard [ScreeningClass.normal, .elevated, .fever].contains(decision.screeningClass) else { continue }
        judged.append((index + 1, decision))
        if decision.screeningClass != .elevated { break }
      }
      guard let first = judged.first else {
        unscreened += 1
        continue
      }
      people += 1
      let fever = person.oralC >= feverReferenceC
      if fever { febrile += 1 }
      if first.round != 1 { firstScreeningsAfterRoundOne += 1 }
      guard first.decision.screeningClass == .elevated else { continue }
      referred += 1
      if fever { referredFebrile += 1 }
      guard judged.count == 2 else {
        referredWithoutRecheck += 1
        continue
      }
      let recheck = judged[1]
      if recheck.round != 2 { rechecksNotFromRoundTwo += 1 }
      if recheck.decision.screeningClass == .fever, recheck.decision.recheck?.role == .confirmed {
        confirmed += 1
        if fever { confirmedFebrile += 1 }
      }
    }
  }

  /// The rule under every combination of guard band (referral level) and confirm offset, at
  /// `configuration`'s fixed threshold; combinations the policy refuses are left out.
  public static func grid(
    people: [CohortPerson], configuration: EntranceConfiguration, guardBandsC: [Celsius],
    confirmOffsetsC: [Celsius], feverReferenceC: Celsius = 37.5
  ) -> [RecheckRuleAssessment] {
    var rows: [RecheckRuleAssessment] = []
    for guardBandC in guardBandsC {
      for confirmOffsetC in confirmOffsetsC {
        guard
          let threshold = try? ThresholdPolicy(
            mode: .fixed, fixedThresholdC: configuration.threshold.fixedThresholdC, guardBandC: guardBandC,
            confirmOffsetC: confirmOffsetC)
        else { continue }
        var variant = configuration
        variant.threshold = threshold
        rows.append(RecheckRuleAssessment(people: people, configuration: variant, feverReferenceC: feverReferenceC))
      }
    }
    return rows
  }

  private static func ratio(_ part: Int, _ whole: Int) -> Double {
    whole == 0 ? .nan : Double(part) / Double(whole)
  }
}
