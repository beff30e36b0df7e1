import ArgumentParser
import Foundation
import ThermoConfiguration
import ThermoCore
import ThermoStore
import ThermoTools

extension BodyModelCommand {
  struct AssessRecheck: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "assess-recheck",
      abstract: "Measure the referral and re-check rule on a paired cohort, through the gateway's own pipeline.",
      discussion: """
        Each person's first reading (round 1, or the next round when it has none) is the first \
        screening; when it is elevated, their next reading is the re-check, and the pipeline settles \
        it as the gateway would: fever when it is elevated again and the mean of both body estimates \
        reaches the confirm level (alarm level + confirm_offset_c), cleared otherwise. Prints first-screening sensitivity and \
        specificity, and after the re-check sensitivity, specificity and confirmed false alarms as a \
        share of all people. A fever is oral ≥ --fever-reference. --grid prints the rule at every \
        referral level (guard band 0–0.2 °C) and confirm level (offset 0–0.2 °C) instead.
        """
    )

    @Option(help: "Paired cohort CSV file to assess on (PhysioNet layout, as for fit).")
    var cohort: String

    @Option(
      help:
        "Body model: the built-in name or a YAML file from 'fit --write' (default: the configuration's, else built-in)."
    )
    var model: String?

    @Option(help: "Fit the body model on this cohort file first (e.g. the cohort not assessed on).")
    var fit: String?

    @Option(
      help:
        "YAML configuration whose threshold (fixed_c, guard_band_c, confirm_offset_c), body model and re-check window to use."
    )
    var config: String?

    @Option(help: "Referral level, °C: sets the guard band below the alarm level (fixed_c − refer).")
    var referC: Double?

    @Option(help: "Confirm level for the mean of both readings, °C: sets confirm_offset_c (confirm − fixed_c).")
    var confirmC: Double?

    @Option(help: "Face region standing in for the thermometer: forehead-max, forehead-center, canthus.")
    var site: CohortFile.Site = .foreheadMax

    @Option(help: "Oral temperature that counts as fever, °C.")
    var feverReference: Double = 37.5

    @Flag(help: "Print the table of referral × confirm levels instead of one rule.")
    var grid = false

    @Flag(help: "Print JSON (one object, or one per line with --grid).")
    var json = false

    func validate() throws {
      guard feverReference.isFinite, (35.0...42.0).contains(feverReference) else {
        throw ValidationError("--fever-reference must be an oral temperature between 35 and 42 °C")
      }
      if model != nil, fit != nil { throw ValidationError("--model and --fit both choose the body model: give one") }
      if grid, referC != nil || confirmC != nil {
        throw ValidationError("--grid tries its own levels: leave out --refer-c and --confirm-c")
      }
    }

    func run() throws {
      var standardError = StandardError()
      func fail(_ message: String) -> ExitCode {
        print("error: \(message)", to: &standardError)
        return ExitCode(1)
      }
      var configuration = EntranceConfiguration()
      if let config {
        do {
          configuration = try ScreeningSettings.load(path: config).defaults
        } catch {
          print(error.description, to: &standardError)
          throw ExitCode(1)
        }
        if case .adaptive = configuration.threshold.mode {
          print(
            "note: \(config) uses the adaptive baseline; each person is a fresh entrance, so its fixed "
              + "threshold (\(Self.f(configuration.threshold.fixedThresholdC, 1)) °C) is the alarm level",
            to: &standardError)
        }
      }
      // A cohort's readings are the instrument's own; no warm-up between rounds.
      configuration.calibration = .identity
      configuration.warmUp = 0
      do {
        configuration.threshold = try Self.policy(configuration.threshold, referC: referC, confirmC: confirmC)
      } catch {
        throw fail(error.message)
      }
      let people: CohortFile
      do {
        people = try CohortFile(path: cohort, site: site)
        if let fit {
          let fitted = try CohortFile(path: fit, site: site)
          let name = ((fit as NSString).lastPathComponent as NSString).deletingPathExtension
          configuration.bodyModel = try BodyModel.fit(
            fitted.observations, version: "\(site.rawValue)-linear-fit-\(name)")
        } else if let model {
          configuration.bodyModel =
            model == BodyModel.foreheadMaxV1.version ? .foreheadMaxV1 : try BodyModelFile.load(path: model)
        }
      } catch let problems as ConfigProblems {
        throw fail(problems.problems.map(\.description).joined(separator: "\n"))
      } catch {
        throw fail("\(error)")
      }
      if grid {
        let rows = RecheckRuleAssessment.grid(
          people: people.people, configuration: configuration, guardBandsC: [0.2, 0.15, 0.1, 0.05, 0],
          confirmOffsetsC: [0, 0.05, 0.1, 0.15, 0.2], feverReferenceC: feverReference)
        if json {
          for row in rows { print(Self.json(row, model: configuration.bodyModel)) }
        } else {
          print(Self.header(rows.first, model: configuration.bodyModel, cohort: cohort))
          print(Self.table(rows, configured: configuration.threshold))
        }
        return
      }
      let assessment = RecheckRuleAssessment(
        people: people.people, configuration: configuration, feverReferenceC: feverReference)
      print(
        json
          ? Self.json(assessment, model: configuration.bodyModel)
          : Self.text(assessment, model: configuration.bodyModel, cohort: cohort))
    }

    /// The configured policy with the levels given on the command line, through the policy's own
    /// checks; an error names the option and the configuration key it sets.
    static func policy(_ base: ThresholdPolicy, referC: Double?, confirmC: Double?) throws(ValidationError)
      -> ThresholdPolicy
    {
      let alarmC = base.fixedThresholdC
      // Rounded to the hundredth so that 37.3 − 37.2 is the guard band 0.1 it means.
      let guardBandC = referC.map { ((alarmC - $0) * 100).rounded() / 100 } ?? base.guardBandC
      let confirmOffsetC = confirmC.map { (($0 - alarmC) * 100).rounded() / 100 } ?? base.confirmOffsetC
      do {
        return try ThresholdPolicy(
          mode: base.mode, fixedThresholdC: alarmC, guardBandC: guardBandC, confirmOffsetC: confirmOffsetC)
      } catch {
        let option =
          error.field == "guard_band_c" ? "--refer-c" : error.field == "confirm_offset_c" ? "--confirm-c" : "--config"
        let explained =
          switch error.field {
          case "guard_band_c": "sets guard_band_c = fixed_c \(f(alarmC, 1)) − refer-c, which "
          case "confirm_offset_c": "sets confirm_offset_c = confirm-c − fixed_c \(f(alarmC, 1)), which "
          default: "\(error.field) "
          }
        throw ValidationError("\(option) \(explained)\(error.message)")
      }
    }

    /// Fixed decimals, so the table's columns line up and 37.20 reads as a level.
    static func f(_ value: Double, _ decimals: Int = 3) -> String {
      value.isFinite ? String(format: "%.\(decimals)f", value) : "n/a"
    }

    static func rule(_ threshold: ThresholdPolicy) -> String {
      "refer at a body estimate ≥ \(f(threshold.fixedThresholdC - threshold.guardBandC, 2)) °C "
        + "(alarm level \(f(threshold.fixedThresholdC, 2)) − guard band \(f(threshold.guardBandC, 2))); "
        + "confirm when the mean of both readings ≥ \(f(threshold.confirmLevelC(alarmLevelC: threshold.fixedThresholdC), 2)) °C "
        + "(alarm level + confirm offset \(f(threshold.confirmOffsetC, 2)))"
    }

    static func header(_ assessment: RecheckRuleAssessment?, model: BodyModel, cohort: String) -> String {
      guard let assessment else { return "no rule to assess" }
      return "body model \(model.version) on \(cohort): \(assessment.people) people screened, "
        + "\(assessment.febrile) febrile (oral ≥ \(f(assessment.feverReferenceC, 1)) °C)"
        + (assessment.unscreened > 0 ? ", \(assessment.unscreened) without a judged reading left out" : "")
    }

    static func text(_ assessment: RecheckRuleAssessment, model: BodyModel, cohort: String) -> String {
      [
        "rule: \(rule(assessment.threshold))",
        header(assessment, model: model, cohort: cohort),
        "first screening: referred \(assessment.referred), sensitivity \(f(assessment.firstSensitivity)), "
          + "specificity \(f(assessment.firstSpecificity))",
        "after the re-check: confirmed \(assessment.confirmed), sensitivity \(f(assessment.recheckSensitivity)), "
          + "specificity \(f(assessment.recheckSpecificity)), confirmed false alarms \(assessment.confirmedFalseAlarms) "
          + "= \(f(assessment.confirmedFalseAlarmShare * 100, 1)) % of all people",
        "rounds: \(assessment.firstScreeningsAfterRoundOne) first screening(s) after round 1, "
          + "\(assessment.rechecksNotFromRoundTwo) re-check(s) not from round 2, "
          + "\(assessment.referredWithoutRecheck) referred without a re-check reading (not confirmed)",
      ].joined(separator: "\n")
    }

    static func table(_ rows: [RecheckRuleAssessment], configured: ThresholdPolicy) -> String {
      var lines = [
        "refer_c  confirm_c  first_sens  first_spec  recheck_sens  recheck_spec  false_alarms_of_all"
      ]
      for row in rows {
        let isConfigured =
          abs(row.threshold.guardBandC - configured.guardBandC) < 1e-9
          && abs(row.threshold.confirmOffsetC - configured.confirmOffsetC) < 1e-9
        let cells = [
          f(row.referLevelC, 2).padding(toLength: 9, withPad: " ", startingAt: 0),
          f(row.confirmLevelC, 2).padding(toLength: 11, withPad: " ", startingAt: 0),
          f(row.firstSensitivity).padding(toLength: 12, withPad: " ", startingAt: 0),
          f(row.firstSpecificity).padding(toLength: 12, withPad: " ", startingAt: 0),
          f(row.recheckSensitivity).padding(toLength: 14, withPad: " ", startingAt: 0),
          f(row.recheckSpecificity).padding(toLength: 14, withPad: " ", startingAt: 0),
          "\(f(row.confirmedFalseAlarmShare * 100, 1)) %" + (isConfigured ? "   ← configured" : ""),
        ]
        lines.append(cells.joined())
      }
      return lines.joined(separator: "\n")
    }

    static func json(_ assessment: RecheckRuleAssessment, model: BodyModel) -> String {
      var json = JSONLine()
      json.add("body_model", model.version)
      json.add("refer_c", assessment.referLevelC, decimals: 2)
      json.add("confirm_c", assessment.confirmLevelC, decimals: 2)
      json.add("fixed_c", assessment.threshold.fixedThresholdC, decimals: 2)
      json.add("guard_band_c", assessment.threshold.guardBandC, decimals: 2)
      json.add("confirm_offset_c", assessment.threshold.confirmOffsetC, decimals: 2)
      json.add("people", assessment.people)
      json.add("febrile", assessment.febrile)
      json.add("referred", assessment.referred)
      json.add("confirmed", assessment.confirmed)
      json.add("first_sensitivity", assessment.firstSensitivity, decimals: 4)
      json.add("first_specificity", assessment.firstSpecificity, decimals: 4)
      json.add("recheck_sensitivity", assessment.recheckSensitivity, decimals: 4)
      json.add("recheck_specificity", assessment.recheckSpecificity, decimals: 4)
      json.add("confirmed_false_alarms", assessment.confirmedFalseAlarms)
      json.add("confirmed_false_alarm_share", assessment.confirmedFalseAlarmShare, decimals: 4)
      json.add("referred_without_recheck", assessment.referredWithoutRecheck)
      return json.string
    }
  }
}
