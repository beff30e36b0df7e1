import ArgumentParser
import Foundation
import ThermoStore

@main
struct Thermogate: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "thermogate",
    abstract: "Infrared fever-screening gateway for building entrances.",
    discussion: """
      Screens people at entrances with USB infrared thermometers: one decision per person \
      (no_subject, fault, retry, normal, elevated → re-check, fever), with every number that made it.
      """,
    subcommands: [
      RunCommand.self, DemoCommand.self, ConfigCommand.self, CalibrateCommand.self, CalibrationCommand.self,
      DoctorCommand.self,
      AlertsCommand.self, ClassifyCommand.self,
      BodyModelCommand.self, BadgeCommand.self, DevicesCommand.self, ReadCommand.self, RelayCommand.self,
      RegisterCommand.self, SilenceCommand.self, SimulateCommand.self, DispatchDrillCommand.self,
      DirectoryCommand.self, VisitorCommand.self, SecondaryCommand.self, OnCallCommand.self,
    ]
  )
}

/// Writes to standard error, for diagnostics that must not mix with JSON on standard output.
struct StandardError: TextOutputStream {
  mutating func write(_ string: String) {
    FileHandle.standardError.write(Data(string.utf8))
  }
}
