import ArgumentParser
import Foundation
import ThermoDevices
import ThermoGateway
import ThermoStore

struct BadgeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "badge",
    abstract: "Read badges from a badge reader that types like a keyboard.",
    discussion: """
      Opens the reader's input event node (/dev/input/by-id/…-event-kbd or a /dev/thermogate/ \
      link), grabs it so card numbers reach no console, and prints one line per badge (one JSON \
      object with --json: time, id). Lines that are not badges (too long, abandoned, with keys no \
      ID is made of) are reported on standard error without their characters. For checking a \
      reader at the gate; the daemon hands badges to the entrance.
      """
  )

  @Argument(help: "The reader's input event node.")
  var node: String

  @Option(help: "Stop after this many badges; 0 reads until interrupted.")
  var count = 0

  @Flag(help: "Do not grab the reader (it keeps typing into the system too).")
  var noGrab = false

  @Flag(help: "One JSON object per badge.")
  var json = false

  func run() throws {
    var standardError = StandardError()
    let reader: EvdevBadgeReader
    do {
      reader = try EvdevBadgeReader(path: node, grab: !noGrab)
    } catch {
      print("error: \(error)", to: &standardError)
      throw ExitCode(1)
    }
    var assembler = BadgeAssembler()
    var badges = 0
    while count == 0 || badges < count {
      let keys: [(key: BadgeKey, time: Double)]
      do {
        keys = try reader.readKeys(timeout: .milliseconds(250))
      } catch {
        print("error: \(error)", to: &standardError)
        throw ExitCode(1)
      }
      var outputs = keys.compactMap { assembler.accept($0.key, at: $0.time) }
      if keys.isEmpty, let expired = assembler.expire(at: Date().timeIntervalSince1970) { outputs.append(expired) }
      for output in outputs {
        switch output {
        case .badge(let id):
          badges += 1
          let now = Timestamp.format(Date().timeIntervalSince1970)
          if json {
            var line = JSONLine()
            line.add("time", now)
            line.add("id", id)
            FileHandle.standardOutput.write(Data((line.string + "\n").utf8))
          } else {
            FileHandle.standardOutput.write(Data("\(now)  \(id)\n".utf8))
          }
        case .rejected(let reason):
          print(reason.description, to: &standardError)
        }
      }
    }
  }
}
