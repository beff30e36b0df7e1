import Foundation
import Testing
import ThermoCore
import ThermoTools

/// The referral and re-check rule measured through the entrance pipeline: on the bundled
/// cohorts (model fitted on FLIR, checked on ICI, as the issue asks) and on small made-up
/// cohorts whose outcome reads off the numbers.
@Suite struct RecheckRuleAssessmentTests {
  static func fixture(_ name: String) throws -> CohortFile {
    let path = try #require(Bundle.module.path(forResource: name, ofType: "csv", inDirectory: "Fixtures"))
    return try CohortFile(path: path, site: .foreheadMax)
  }

  /// The gateway's defaults with the body model fitted on the FLIR cohort.
  static func fittedOnFLIR() throws -> EntranceConfiguration {
    var configuration = EntranceConfiguration()
    configuration.bodyModel = try BodyModel.fit(try fixture("flir-group1").observations, version: "fit-flir")
    return configuration
  }

  @Test func onTheCohortNotFittedOnTheDefaultRuleMeetsTheTargets() throws {
    let ici = try Self.fixture("ici-group1")
    let assessment = RecheckRuleAssessment(people: ici.people, configuration: try Self.fittedOnFLIR())
    #expect(abs(assessment.referLevelC - 37.25) < 1e-9)
    #expect(abs(assessment.confirmLevelC - 37.35) < 1e-9)
    #expect(assessment.people == 539)
    #expect(assessment.febrile == 47)
    // The targets.
    #expect(assessment.firstSensitivity >= 0.70)
    #expect(assessment.firstSpecificity >= 0.90)
    #expect(assessment.recheckSensitivity >= 0.60)
    #expect(assessment.confirmedFalseAlarmShare <= 0.03)
    // What it measures today (README table): 33 of 47 referred, 30 confirmed, 7 false alarms.
    #expect(assessment.referredFebrile == 33)
    #expect(assessment.confirmedFebrile == 30)
    #expect(assessment.confirmedFalseAlarms == 7)
  }

  @Test func onTheFittedCohortItIsReportedAsItIs() throws {
    let flir = try Self.fixture("flir-group1")
    let assessment = RecheckRuleAssessment(people: flir.people, configuration: try Self.fittedOnFLIR())
    #expect(assessment.people == 544)
    #expect(assessment.febrile == 47)
    // FLIR refers 32 of 47 (0.681, under the 0.70 asked on the other cohort) at specificity
    // 0.938, and confirms 27 (0.574, under 0.60); false alarms stay well under 3 %.
    #expect(assessment.referredFebrile == 32)
    #expect(assessment.confirmedFebrile == 27)
    #expect(assessment.confirmedFalseAlarms == 9)
    #expect(assessment.confirmedFalseAlarmShare <= 0.03)
    #expect(abs(assessment.firstSpecificity - 466.0 / 497.0) < 1e-9)
  }

  @Test func theBuiltInModelIsTheFLIRFitAndGivesTheSameNumbers() throws {
    let ici = try Self.fixture("ici-group1")
    let fitted = RecheckRuleAssessment(people: ici.people, configuration: try Self.fittedOnFLIR())
    let builtIn = RecheckRuleAssessment(people: ici.people, configuration: EntranceConfiguration())
    #expect(fitted.referred == builtIn.referred)
    #expect(fitted.confirmed == builtIn.confirmed)
  }

  @Test func aHigherConfirmLevelNeverConfirmsMore() throws {
    let ici = try Self.fixture("ici-group1")
    let rows = RecheckRuleAssessment.grid(
      people: ici.people, configuration: try Self.fittedOnFLIR(), guardBandsC: [0.1],
      confirmOffsetsC: [0, 0.05, 0.1, 0.15, 0.2])
    #expect(rows.count == 5)
    #expect(Set(rows.map(\.referred)).count == 1, "the referral does not depend on the confirm level")
    for (lower, higher) in zip(rows, rows.dropFirst()) {
      #expect(higher.confirmed <= lower.confirmed)
    }
    // Confirming on the mean at the alarm level itself lets more than 3 % through on FLIR but
    // not ICI; the chosen +0.05 holds on both (README table).
    #expect(rows[1].confirmedFalseAlarmShare < rows[0].confirmedFalseAlarmShare)
  }

  @Test func aGridSkipsCombinationsThePolicyRefuses() throws {
    let rows = RecheckRuleAssessment.grid(
      people: [], configuration: EntranceConfiguration(), guardBandsC: [0.1, 1.5], confirmOffsetsC: [0.05, 0.07])
    #expect(rows.count == 1)
  }

  /// Made-up people under a pass-through model: the body estimate is the reading.
  @Test func eachPersonGoesThroughTheFirstScreeningAndTheRecheckAsAtTheGate() {
    let passThrough = BodyModel(version: "identity-test", intercept: 0, skinCoefficient: 1, ambientCoefficient: 0)
    var configuration = EntranceConfiguration()
    configuration.bodyModel = passThrough
    func person(_ name: String, oral: Double, _ rounds: [Double?]) -> CohortPerson {
      CohortPerson(subject: name, ambientC: 22, oralC: oral, skinByRound: rounds)
    }
    let cohort = [
      person("normal", oral: 36.8, [36.5, 36.6, nil, nil]),
      person("confirmed fever", oral: 38.0, [37.5, 37.4, 37.6, 37.6]),
      // Elevated twice, but the mean 37.3 is below 37.35: cleared.
      person("cleared fever", oral: 37.6, [37.3, 37.3, 38.0, 38.0]),
      person("false alarm", oral: 36.9, [37.6, 37.3, nil, nil]),
      // No round 1: round 2 is the first screening and round 4 the re-check.
      person("late", oral: 37.8, [nil, 37.6, nil, 37.5]),
      // Round 1 too cold to judge (a retry): round 2 is the first screening.
      person("cold first", oral: 36.5, [31.0, 37.0, 37.0, 37.0]),
      person("no re-check", oral: 37.9, [37.8, nil, nil, nil]),
      person("never read", oral: 37.0, [nil, nil, nil, nil]),
    ]
    let assessment = RecheckRuleAssessment(people: cohort, configuration: configuration)
    #expect(assessment.people == 7)
    #expect(assessment.unscreened == 1)
    #expect(assessment.febrile == 4)
    #expect(assessment.referred == 5)
    #expect(assessment.referredFebrile == 4)
    #expect(assessment.confirmed == 3)
    #expect(assessment.confirmedFebrile == 2)
    #expect(assessment.confirmedFalseAlarms == 1)
    #expect(assessment.referredWithoutRecheck == 1)
    #expect(assessment.firstScreeningsAfterRoundOne == 2)
    #expect(assessment.rechecksNotFromRoundTwo == 1)
    #expect(assessment.firstSensitivity == 1)
    #expect(assessment.firstSpecificity == 2.0 / 3.0)
    #expect(assessment.recheckSensitivity == 0.5)
    #expect(assessment.confirmedFalseAlarmShare == 1.0 / 7.0)
  }
}
