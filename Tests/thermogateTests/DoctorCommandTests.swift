import Foundation
import XCTest

final class DoctorCommandTests: XCTestCase {
  func testDoctorReadsEachDeviceAndNamesWhatFailsWithItsFix() throws {
    let directory = NSTemporaryDirectory() + "thermogate-doctor-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let config = "\(directory)/gate.yaml"
    try """
    state_directory: state
    entrances:
      - name: north
        thermometer: sim:mcp2221?seed=2
      - name: south
        thermometer: pyrousb:\(directory)/no-such-head
        badge: \(directory)/no-such-reader
    sinks:
      - {name: log, type: log}
      - {name: office, type: mqtt, host: 127.0.0.1, port: 1}
    """.write(toFile: config, atomically: true, encoding: .utf8)
    let run = try CLI.run(["doctor", "--config", config, "--udev-rules", "\(directory)/none.rules"])
    XCTAssertEqual(run.status, 1, run.output + run.errors)
    XCTAssertTrue(run.output.contains("ok    configuration \(config) is valid (2 entrance(s))"), run.output)
    XCTAssertTrue(run.output.contains("ok    database \(directory)/state/thermogate.sqlite is writable"), run.output)
    XCTAssertTrue(run.output.contains("ok    north thermometer sim:mcp2221?seed=2 reads"), run.output)
    XCTAssertTrue(
      run.output.contains("FAIL  south thermometer pyrousb:\(directory)/no-such-head: disconnected"), run.output)
    XCTAssertTrue(run.output.contains("fix: plug it in, or correct its address"), run.output)
    XCTAssertTrue(run.output.contains("FAIL  south badge reader \(directory)/no-such-reader is not there"), run.output)
    XCTAssertTrue(run.output.contains("FAIL  sink office: MQTT broker 127.0.0.1:1:"), run.output)
    XCTAssertTrue(run.output.contains("FAIL  no udev rules"), "hardware is configured, so missing rules fail")
    XCTAssertTrue(run.output.contains("check(s) failed"))
  }

  func testAnInvalidConfigurationIsReportedWithItsPlace() throws {
    let directory = NSTemporaryDirectory() + "thermogate-doctor-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let config = "\(directory)/gate.yaml"
    try "sample_rate_hz: fast\n".write(toFile: config, atomically: true, encoding: .utf8)
    let run = try CLI.run(["doctor", "--config", config])
    XCTAssertEqual(run.status, 1)
    XCTAssertTrue(run.output.contains("FAIL  \(config):1:17: sample_rate_hz must be a number"), run.output)
  }
}
