import ArgumentParser
import Foundation
import ThermoConfiguration
import ThermoDispatch
import ThermoGateway
import ThermoStore

/// Where the alert store and screening register live, for the commands that read them.
struct StoreOption: ParsableArguments {
  @Option(
    name: .customLong("database"),
    help: ArgumentHelp(
      "The gateway's database (alerts, deliveries, silences, screening register, calibration log); default: the "
        + "--config file's, else $THERMOGATE_DATABASE, else state/thermogate.sqlite.", valueName: "database"))
  var databaseOption: String?

  @Option(
    name: .customLong("config"),
    help: "The gateway's configuration: its database and person-ID rule are the ones used.")
  var configPath: String?

  /// The configuration named by --config; its problems end the command (exit 1).
  func configuration() throws -> GatewayConfiguration? {
    guard let configPath else { return nil }
    do {
      return try GatewayConfiguration.load(path: configPath)
    } catch {
      var standardError = StandardError()
      for problem in error.problems { print(problem.description, to: &standardError) }
      throw ExitCode(1)
    }
  }

  var database: String {
    get throws {
      if let databaseOption { return databaseOption }
      if let configuration = try configuration() { return configuration.databasePath }
      return ProcessInfo.processInfo.environment["THERMOGATE_DATABASE"] ?? "state/thermogate.sqlite"
    }
  }

  func open() throws -> AlertStore {
    var standardError = StandardError()
    let database = try database
    guard FileManager.default.fileExists(atPath: database) else {
      print("error: no database at \(database) (is the gateway running here? see --database)", to: &standardError)
      throw ExitCode(1)
    }
    do {
      return try AlertStore(path: database)
    } catch {
      print("error: \(error)", to: &standardError)
      throw ExitCode(1)
    }
  }

  /// Opens the store, creating it (and its directory) when there is none yet.
  func openCreating() throws -> AlertStore {
    var standardError = StandardError()
    let database = try database
    if !FileManager.default.fileExists(atPath: database) {
      print(
        "note: creating a new database at \(database); the daemon reads the one its configuration names "
          + "(give --config FILE to use that)", to: &standardError)
    }
    do {
      try FileManager.default.createDirectory(
        atPath: (database as NSString).deletingLastPathComponent.isEmpty
          ? "." : (database as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      return try AlertStore(path: database)
    } catch {
      print("error: \(error)", to: &standardError)
      throw ExitCode(1)
    }
  }

  /// Runs a store operation; a storage failure is one `error:` line and exit 1.
  func report<T>(_ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as StoreError {
      var standardError = StandardError()
      print("error: \(error)", to: &standardError)
      throw ExitCode(1)
    }
  }

  /// Opens the store and runs `body` on it; a storage failure is one `error:` line and exit 1.
  func withStore<T>(_ body: (AlertStore) throws -> T) throws -> T {
    let store = try open()
    do {
      return try body(store)
    } catch let error as StoreError {
      var standardError = StandardError()
      print("error: \(error)", to: &standardError)
      throw ExitCode(1)
    }
  }
}

/// Reads a time given as ISO 8601 or seconds since 1970.
func parseTime(_ text: String, option: String) throws -> Double {
  guard let seconds = Timestamp.parse(text) else {
    throw ValidationError("\(option): '\(text)' is not a time (ISO 8601 like 2026-11-29T08:00:00Z, or seconds)")
  }
  return seconds
}
