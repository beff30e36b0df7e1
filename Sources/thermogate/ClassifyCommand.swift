import ArgumentParser
import Foundation
import ThermoConfiguration
import ThermoCore
import ThermoGateway
import ThermoStore
import ThermoTools

struct ClassifyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "classify",
    abstract: "Classify thermometer samples or screenings from a CSV or JSON Lines file.",
    discussion: """
      Input: CSV with a header row, or JSON Lines, with fields entrance,time,object_c,ambient_c and \
      optional person,device,sensor_error. time is seconds or ISO 8601. Output: one JSON object per \
      decision (event "screening") or expired re-check (event "recheck_expired") on standard output.
      Bad rows are reported on standard error with their line and field; the other rows are still \
      processed and the exit status is 3. A configuration or input file that cannot be used exits \
      with status 1. A summary line ends standard error.
      """
  )

  @Argument(help: "Input file, or - for standard input.")
  var file: String = "-"

  @Option(help: "samples: run the detector over raw samples; screenings: each row is one screening.")
  var mode: ClassifyRunner.Mode = .samples

  @Option(help: "YAML configuration (thresholds, detector, body model, per-device calibration and warm-up).")
  var config: String?

  @Option(
    help: ArgumentHelp(
      "Staff directory CSV (work_id,name,department,role,valid_from,valid_until,status): every screening also "
        + "gets the access decision an access-mode entrance would give, the person column being the ID shown.",
      valueName: "file"))
  var directory: String?

  func run() throws {
    var standardError = StandardError()
    let settings: ScreeningSettings
    do {
      settings =
        try config.map { path throws(ConfigProblems) in try ScreeningSettings.load(path: path) }
        ?? ScreeningSettings()
    } catch {
      print(error.description, to: &standardError)
      throw ExitCode(1)
    }
    var accessDirectory: AccessDirectory?
    if let directory {
      guard let data = FileManager.default.contents(atPath: directory) else {
        print("error: \(directory): cannot read the staff directory", to: &standardError)
        throw ExitCode(1)
      }
      do {
        accessDirectory = AccessDirectory(
          staff: try DirectoryCSV.parse(String(decoding: data, as: UTF8.self), file: directory))
      } catch {
        print(error.description, to: &standardError)
        throw ExitCode(1)
      }
    }
    let source: LineSource
    do {
      source = try LineSource(path: file)
    } catch {
      print("error: \(error)", to: &standardError)
      throw ExitCode(1)
    }
    var parser = ReadingParser(source: source.name)
    var runner = ClassifyRunner(settings: settings, mode: mode, directory: accessDirectory)
    var badRows = 0
    var decisions = 0
    source.forEach { line, number in
      switch parser.parse(line: line, lineNumber: number) {
      case .none: break
      case .failure(let error)?:
        badRows += 1
        print("error: \(error)", to: &standardError)
      case .success(let row)?:
        do throws(InputError) {
          for output in try runner.process(row) {
            decisions += 1
            print(output)
          }
        } catch {
          badRows += 1
          var located = error
          located.source = source.name
          print("error: \(located)", to: &standardError)
        }
      }
    }
    for output in runner.finish() {
      decisions += 1
      print(output)
    }
    fflush(nil)  // all C streams: the summary comes after the results, also when both go to one file
    print("summary: \(runner.summary)", to: &standardError)
    if badRows > 0 {
      print("\(badRows) bad row(s) in \(source.name); \(decisions) result(s) written", to: &standardError)
      throw ExitCode(3)
    }
  }
}

extension ClassifyRunner.Mode: ExpressibleByArgument {}
