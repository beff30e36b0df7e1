import ArgumentParser
import Foundation
import ThermoConfiguration
import ThermoCore
import ThermoGateway
import ThermoStore
import ThermoTools

struct BodyModelCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "body-model",
    abstract: "Fit and check the skin-to-body model.",
    subcommands: [Fit.self, AssessRecheck.self]
  )

  struct Fit: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Fit body = a + b·skin + c·ambient on a paired forehead-IR/oral cohort.",
      discussion: """
        The cohort is a CSV in the PhysioNet layout of shared/data/cohort (three header rows; \
        T_FH_Max1…4, T_FHCC1…4, canthiMax1…4, T_atm, aveOralM). Each round is one observation. \
        Prints the coefficients, bias and limits of agreement (bias ± 1.96 SD) against oral \
        temperature, and sensitivity/specificity of the fever decision (oral ≥ 37.5 °C) at the threshold.
        """
    )

    @Option(help: "Paired cohort CSV file.")
    var cohort: String?

    @Flag(
      help: ArgumentHelp(
        "Fit on the site's own pairs instead: clinical readings at the secondary station with their screenings.",
        discussion: "Reads the database of --config (or --database); --method picks the clinical method."))
    var register = false

    @Option(help: "With --register: the gateway's database (default: the --config file's).")
    var database: String?

    @Option(help: "With --register: only readings from this time on (ISO 8601 or seconds).")
    var since: String?

    @Option(
      help: "With --register: the clinical method the model is fitted to (oral, ear, axillary, forehead_contact).")
    var method = "oral"

    @Option(help: "Face region standing in for the thermometer: forehead-max, forehead-center, canthus.")
    var site: CohortFile.Site = .foreheadMax

    @Option(help: "Alarm threshold on the body estimate, °C (default: the configuration's, else 37.3).")
    var threshold: Double?

    @Option(help: "YAML configuration whose threshold and guard band to assess.")
    var config: String?

    @Option(help: "Oral temperature that counts as fever, °C.")
    var feverReference: Double = 37.5

    @Option(help: "Version name stored with the model.")
    var modelVersion: String?

    @Option(help: "Also assess the fitted model on this second cohort file (another instrument or room).")
    var check: String?

    @Option(help: "Write the model as YAML to this file, for a configuration's screening.body_model.")
    var write: String?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
      guard (cohort == nil) == register else {
        throw ValidationError("give either --cohort FILE or --register (the site's own clinical readings)")
      }
      if register, ClinicalMethod(rawValue: method) == nil {
        throw ValidationError("--method: \(ClinicalReadingError.unknownMethod(method).description)")
      }
      if let since, Timestamp.parse(since) == nil {
        throw ValidationError("--since: '\(since)' is not a time (ISO 8601 like 2026-11-01T00:00:00Z, or seconds)")
      }
      if let threshold {
        do {
          _ = try ThresholdPolicy(fixedThresholdC: threshold)
        } catch {
          throw ValidationError("--threshold: \(error.message)")
        }
      }
      guard feverReference.isFinite, (35.0...42.0).contains(feverReference) else {
        throw ValidationError("--fever-reference must be an oral temperature between 35 and 42 °C")
      }
      if let modelVersion {
        guard !modelVersion.trimmingCharacters(in: .whitespaces).isEmpty else {
          throw ValidationError("--model-version must not be empty")
        }
        guard modelVersion != BodyModel.foreheadMaxV1.version else {
          throw ValidationError(
            "--model-version '\(modelVersion)' is the built-in model's name; decisions record the version, so a fit needs its own"
          )
        }
      }
    }

    func run() throws {
      var standardError = StandardError()
      func fail(_ message: String) -> ExitCode {
        print("error: \(message)", to: &standardError)
        return ExitCode(1)
      }
      var policy = ThresholdPolicy.default
      if let config {
        do {
          policy = try ScreeningSettings.load(path: config).defaults.threshold
        } catch {
          print(error.description, to: &standardError)
          throw ExitCode(1)
        }
        if case .adaptive = policy.mode {
          print(
            "note: \(config) uses the adaptive baseline; the cohort is assessed at its fixed threshold "
              + "(\(Self.f(policy.fixedThresholdC, 1)) °C), which applies until a baseline exists",
            to: &standardError)
        }
      }
      if let threshold {
        policy = try ThresholdPolicy(fixedThresholdC: threshold, guardBandC: policy.guardBandC)
      }
      let thresholdC = policy.fixedThresholdC
      let data: CohortFile
      let model: BodyModel
      let source: String
      var distrust: [String] = []
      do {
        if let cohort {
          data = try CohortFile(path: cohort, site: site)
          source = cohort
        } else {
          let (pairs, name) = try registerPairs()
          data = CohortFile(observations: pairs.observations)
          source = name
          distrust = pairs.trustProblems(feverReferenceC: feverReference)
        }
        let cohortName = ((source as NSString).lastPathComponent as NSString).deletingPathExtension
        model = try BodyModel.fit(
          data.observations,
          version: modelVersion ?? (register ? "register-\(method)-fit" : "\(site.rawValue)-linear-fit-\(cohortName)"))
      } catch let error as ExitCode {
        throw error
      } catch {
        throw fail("\(error)")
      }
      for problem in distrust { print("warning: \(problem)", to: &standardError) }
      if !distrust.isEmpty, write != nil {
        throw fail("the site's pairs are not enough to trust a model yet; nothing was written")
      }
      let assessment = BodyModelAssessment(
        model: model, observations: data.observations, thresholdC: thresholdC, feverReferenceC: feverReference)
      let guarded = BodyModelAssessment(
        model: model, observations: data.observations, thresholdC: thresholdC - policy.guardBandC,
        feverReferenceC: feverReference)
      var checked: BodyModelAssessment?
      if let check {
        let other: CohortFile
        do {
          other = try CohortFile(path: check, site: site)
        } catch {
          throw fail("\(error)")
        }
        checked = BodyModelAssessment(
          model: model, observations: other.observations, thresholdC: thresholdC, feverReferenceC: feverReference)
      }
      // The file first: if it cannot be written, nothing suggests that it was.
      if let write {
        let notes = [
          "Fitted by thermogate body-model fit on \(source) (site \(site.rawValue))",
          "observations \(assessment.observations), subjects \(assessment.subjects)",
          "bias \(Self.f(assessment.biasC)) °C, limits of agreement \(Self.f(assessment.lowerLimitOfAgreementC))…\(Self.f(assessment.upperLimitOfAgreementC)) °C",
        ]
        do {
          try BodyModelFile.render(model, notes: notes).write(toFile: write, atomically: true, encoding: .utf8)
        } catch {
          throw fail("cannot write '\(write)': \(error.localizedDescription)")
        }
      }
      if json {
        print(Self.json(model, assessment, guarded: guarded, guardBandC: policy.guardBandC, checked: checked))
      } else {
        print(
          Self.text(
            model, assessment, guarded: guarded, guardBandC: policy.guardBandC, cohort: source, checked: checked,
            checkPath: check))
      }
      if !data.skipped.isEmpty {
        print(
          "note: \(data.skipped.count) reading(s) skipped for missing values, first: \(data.skipped[0])",
          to: &standardError)
      }
    }

    /// The site's own pairs, from the database of --database or --config.
    func registerPairs() throws -> (RegisterCohort, String) {
      var standardError = StandardError()
      let path: String
      if let database {
        path = database
      } else if let config {
        do {
          path = try GatewayConfiguration.load(path: config).databasePath
        } catch {
          for problem in error.problems { print(problem.description, to: &standardError) }
          throw ExitCode(1)
        }
      } else {
        throw ValidationError("--register needs the gateway's --config (or --database)")
      }
      guard FileManager.default.fileExists(atPath: path) else {
        print("error: no database at \(path)", to: &standardError)
        throw ExitCode(1)
      }
      let method = ClinicalMethod(rawValue: method) ?? .oral
      let start = since.flatMap(Timestamp.parse) ?? -.infinity
      let pairs = try AlertStore(path: path).clinicalPairs(since: start, methods: [method])
      return (RegisterCohort(pairs: pairs, method: method), "register \(path) (\(method.rawValue) readings)")
    }

    static func f(_ value: Double, _ decimals: Int = 3) -> String { JSONLine.number(value, decimals: decimals) }
    static func percent(_ value: Double) -> String {
      value.isNaN ? "n/a" : JSONLine.number(value * 100, decimals: 1) + " %"
    }

    static func text(
      _ model: BodyModel, _ assessment: BodyModelAssessment, guarded: BodyModelAssessment, guardBandC: Double,
      cohort: String, checked: BodyModelAssessment?, checkPath: String?
    ) -> String {
      var lines = [
        "body model \(model.version): body = \(f(model.intercept, 4)) + \(f(model.skinCoefficient, 4))·skin + \(f(model.ambientCoefficient, 4))·ambient",
        "cohort \(cohort): \(assessment.observations) observations, \(assessment.subjects) subjects, \(assessment.feverObservations) febrile (oral ≥ \(f(assessment.feverReferenceC, 1)) °C)",
        "bias \(f(assessment.biasC)) °C, SD \(f(assessment.differenceStandardDeviationC)) °C, limits of agreement \(f(assessment.lowerLimitOfAgreementC)) … \(f(assessment.upperLimitOfAgreementC)) °C",
        "at threshold \(f(assessment.thresholdC, 1)) °C: sensitivity \(percent(assessment.sensitivity)), specificity \(percent(assessment.specificity))",
        "with guard band \(f(guardBandC, 2)) °C (elevated from \(f(guarded.thresholdC, 2)) °C): sensitivity \(percent(guarded.sensitivity)), specificity \(percent(guarded.specificity))",
      ]
      if let checked, let checkPath {
        lines.append(
          "check on \(checkPath): \(checked.observations) observations, bias \(f(checked.biasC)) °C, limits of agreement \(f(checked.lowerLimitOfAgreementC)) … \(f(checked.upperLimitOfAgreementC)) °C, sensitivity \(percent(checked.sensitivity)), specificity \(percent(checked.specificity))"
        )
      }
      return lines.joined(separator: "\n")
    }

    static func json(
      _ model: BodyModel, _ assessment: BodyModelAssessment, guarded: BodyModelAssessment, guardBandC: Double,
      checked: BodyModelAssessment?
    ) -> String {
      func stats(_ assessment: BodyModelAssessment) -> String {
        var json = JSONLine()
        json.add("observations", assessment.observations)
        json.add("subjects", assessment.subjects)
        json.add("febrile", assessment.feverObservations)
        json.add("bias_c", assessment.biasC, decimals: 4)
        json.add("sd_c", assessment.differenceStandardDeviationC, decimals: 4)
        json.add("loa_lower_c", assessment.lowerLimitOfAgreementC, decimals: 4)
        json.add("loa_upper_c", assessment.upperLimitOfAgreementC, decimals: 4)
        json.add("threshold_c", assessment.thresholdC, decimals: 2)
        json.add("sensitivity", assessment.sensitivity, decimals: 4)
        json.add("specificity", assessment.specificity, decimals: 4)
        return json.string
      }
      var json = JSONLine()
      json.add("version", model.version)
      json.add("intercept", model.intercept, decimals: 9)
      json.add("skin_coefficient", model.skinCoefficient, decimals: 9)
      json.add("ambient_coefficient", model.ambientCoefficient, decimals: 9)
      json.addRaw("fit", stats(assessment))
      json.add("guard_band_c", guardBandC)
      json.addRaw("with_guard_band", stats(guarded))
      json.addRaw("check", checked.map(stats) ?? "null")
      return json.string
    }
  }
}

extension CohortFile.Site: ExpressibleByArgument {}
