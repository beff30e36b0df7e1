import ArgumentParser
import Foundation
import ThermoDispatch
import ThermoGateway
import ThermoStore

struct SilenceCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "silence",
    abstract: "Maintenance silences: alerts they cover are recorded but not delivered until they end.",
    subcommands: [Add.self, List.self, Remove.self],
    defaultSubcommand: List.self
  )

  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Silence an entrance, a device or a kind for a while.")

    @OptionGroup var store: StoreOption
    @Option(help: "Only this entrance.") var entrance: String?
    @Option(help: "Only this device address.") var device: String?
    @Option(help: "Only this kind (\(AlertKind.allCases.map(\.rawValue).joined(separator: ", "))).")
    var kind: String?
    @Option(help: "How long, in minutes.") var minutes: Double
    @Option(help: "Why (recorded).") var reason: String
    @Option(help: "Who sets it (recorded).") var by: String

    func validate() throws {
      guard entrance != nil || device != nil || kind != nil else {
        throw ValidationError("name at least one of --entrance, --device, --kind: a silence of everything is refused")
      }
      guard minutes > 0, minutes <= 7 * 24 * 60 else { throw ValidationError("--minutes must be between 0 and 10080") }
      if let kind, AlertKind(rawValue: kind) == nil {
        throw ValidationError(
          "--kind \(kind): not one of \(AlertKind.allCases.map(\.rawValue).joined(separator: ", "))")
      }
    }

    func run() throws {
      let now = Date().timeIntervalSince1970
      let silence = Silence(
        entrance: entrance, device: device, kind: kind.flatMap(AlertKind.init(rawValue:)), reason: reason,
        createdBy: by, startsAt: now, endsAt: now + minutes * 60)
      let id = try store.withStore { try $0.addSilence(silence) }
      print("silence #\(id) until \(Timestamp.format(silence.endsAt))")
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Silences that have not ended.")
    @OptionGroup var store: StoreOption

    func run() throws {
      let silences = try store.withStore { try $0.silences(activeAt: Date().timeIntervalSince1970) }
      for silence in silences {
        let scope = [
          silence.entrance.map { "entrance \($0)" }, silence.device.map { "device \($0)" },
          silence.kind.map { "kind \($0.rawValue)" },
        ].compactMap { $0 }.joined(separator: ", ")
        print(
          "#\(silence.id ?? 0)  \(scope)  until \(Timestamp.format(silence.endsAt))  by \(silence.createdBy): \(silence.reason)"
        )
      }
    }
  }

  struct Remove: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "End a silence now.")
    @OptionGroup var store: StoreOption
    @Argument(help: "The silence's number.") var id: Int64

    func run() throws {
      var standardError = StandardError()
      guard try store.withStore({ try $0.removeSilence(id: id) }) else {
        print("error: there is no silence #\(id)", to: &standardError)
        throw ExitCode(1)
      }
      print("silence #\(id) removed")
    }
  }
}
