import Foundation
import XCTest

/// `thermogate read`, `simulate` and `devices` as a technician runs them.
final class DeviceCommandTests: XCTestCase {
  func records(_ output: String) throws -> [[String: Any]] {
    try CLI.jsonLines(output)
  }

  func testReadingASimulatedBridgePrintsTheRequiredFields() throws {
    let run = try CLI.run(["read", "sim:mlx90614?seed=3", "--count", "3", "--interval", "0", "--json"])
    XCTAssertEqual(run.status, 0, run.errors)
    let lines = try records(run.output)
    XCTAssertEqual(lines.count, 3)
    for line in lines {
      XCTAssertEqual(line["device"] as? String, "sim:mlx90614?seed=3")
      XCTAssertEqual(line["status"] as? String, "ok")
      XCTAssertNotNil(
        (line["time"] as? String).flatMap { try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse($0) })
      // Nobody is in front of the sensor in the first seconds: it sees the background.
      let object = try XCTUnwrap(line["object_c"] as? Double)
      let ambient = try XCTUnwrap(line["ambient_c"] as? Double)
      XCTAssert((18...26).contains(object), "\(object)")
      XCTAssert((18...26).contains(ambient), "\(ambient)")
    }
  }

  func testAPlugOrderNameIsRefusedWithTheExpectedForm() throws {
    let run = try CLI.run(["read", "optris:/dev/ttyUSB0"])
    XCTAssertEqual(run.status, 1)
    XCTAssert(run.errors.contains("/dev/serial/by-id"), run.errors)
    XCTAssert(run.errors.contains("DRIVER:LOCATOR"), run.errors)
    XCTAssertEqual(run.output, "")
  }

  func testAnAbsentDeviceIsARecordWithANonOkStatusNotACrash() throws {
    let run = try CLI.run(["read", "mcp2221:serial=0001234567", "--count", "2", "--interval", "0", "--json"])
    XCTAssertEqual(run.status, 1)
    let lines = try records(run.output)
    XCTAssertEqual(lines.count, 2)
    XCTAssertEqual(lines.first?["status"] as? String, "disconnected")
    XCTAssert((lines.first?["message"] as? String)?.contains("04d8:00dd") == true)
    XCTAssert(lines.first?["object_c"] is NSNull)
    let unknown = try CLI.run(["read", "sim:thermos", "--count", "1", "--json"])
    XCTAssertEqual(unknown.status, 1)
    XCTAssert(try records(unknown.output).first?["message"].map { "\($0)" }?.contains("mlx90614") == true)
  }

  /// A serial simulator on a real pty, read through real termios by a second process; when the
  /// simulator goes away mid-stream the reader reports it and keeps trying.
  func testSimulatedPyroUSBOnAPtyIsReadAndItsDisappearanceReported() throws {
    let simulator = Process()
    simulator.executableURL = CLI.binary
    simulator.arguments = ["simulate", "pyrousb", "--duration", "2", "--seed", "4"]
    let output = Pipe()
    simulator.standardOutput = output
    simulator.standardError = Pipe()
    try simulator.run()
    defer { simulator.terminate() }
    let firstLine = output.fileHandleForReading.availableData
    let path = String(decoding: firstLine, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    XCTAssert(path.hasPrefix("/dev/pts/"), path)
    let reader = Process()
    reader.executableURL = CLI.binary
    reader.arguments = ["read", "pyrousb:\(path)", "--count", "0", "--interval", "0.2", "--json"]
    let readings = Pipe()
    reader.standardOutput = readings
    reader.standardError = Pipe()
    try reader.run()
    defer { reader.terminate() }
    // Read records as they come until the reader reports the device gone (the simulator
    // stops after two seconds); the test's time limit catches a reader that never does.
    var text = ""
    while !text.contains("\"disconnected\"") {
      let chunk = readings.fileHandleForReading.availableData
      guard !chunk.isEmpty else { break }
      text += String(decoding: chunk, as: UTF8.self)
    }
    let lines = text.split(separator: "\n").filter { $0.hasSuffix("}") }.joined(separator: "\n")
    let statuses = try CLI.jsonLines(lines).compactMap { $0["status"] as? String }
    XCTAssertEqual(statuses.first, "ok", "\(statuses)")
    XCTAssertGreaterThanOrEqual(statuses.filter { $0 == "ok" }.count, 3)
    XCTAssertEqual(statuses.last, "disconnected", "\(statuses)")
    // Still running after the device went: it waits for it to come back.
    XCTAssert(reader.isRunning)
  }

  func testDevicesListsAsJSON() throws {
    let run = try CLI.run(["devices", "--json"])
    XCTAssertEqual(run.status, 0, run.errors)
    let list = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [[String: Any]])
    // Whatever this machine has, each entry says whether it can be opened, and why not.
    for entry in list {
      XCTAssertNotNil(entry["address"])
      let canOpen = try XCTUnwrap(entry["can_open"] as? Bool)
      if !canOpen { XCTAssertNotNil(entry["fix"]) }
    }
  }

  func testARelayThatIsNotThereIsAClearErrorNotASwitch() throws {
    let byID = try CLI.run(["relay", "relay:serial=ABCDE", "on", "--channel", "1"])
    XCTAssertEqual(byID.status, 1)
    XCTAssert(byID.errors.contains("no relay board with ID ABCDE"), byID.errors)
    let byPort = try CLI.run(["relay", "relay:port=1-1.4", "status"])
    XCTAssertEqual(byPort.status, 1)
    XCTAssert(byPort.errors.contains("16c0:05df"), byPort.errors)
    let notARelay = try CLI.run(["relay", "mcp2221:serial=1", "on"])
    XCTAssertNotEqual(notARelay.status, 0)
    XCTAssert(notARelay.errors.contains("not a relay address"), notARelay.errors)
  }
}

/// `thermogate badge` against a FIFO carrying real `input_event` structs (no /dev/input here,
/// hence --no-grab: a FIFO cannot be grabbed).
final class BadgeCommandTests: XCTestCase {
  func event(_ type: UInt16, _ code: UInt16, _ value: Int32) -> [UInt8] {
    let seconds = Int64(Date().timeIntervalSince1970)
    var bytes: [UInt8] = []
    withUnsafeBytes(of: seconds.littleEndian) { bytes += $0 }
    withUnsafeBytes(of: Int64(0).littleEndian) { bytes += $0 }
    withUnsafeBytes(of: type.littleEndian) { bytes += $0 }
    withUnsafeBytes(of: code.littleEndian) { bytes += $0 }
    withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    return bytes
  }

  func typed(_ codes: [UInt16]) -> [UInt8] {
    codes.flatMap { event(1, $0, 1) + event(0, 0, 0) + event(1, $0, 0) + event(0, 0, 0) }
  }

  func testABadgeTypedOnTheReaderIsPrintedAndABrokenLineIsNot() throws {
    let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("badge-\(UUID().uuidString)").path
    XCTAssertEqual(mkfifo(fifo, 0o600), 0)
    defer { unlink(fifo) }
    // Held open read-write so the reader never sees end-of-file before the test is done.
    let writer = open(fifo, O_RDWR)
    XCTAssertGreaterThanOrEqual(writer, 0)
    defer { close(writer) }
    let reader = Process()
    reader.executableURL = CLI.binary
    reader.arguments = ["badge", fifo, "--no-grab", "--count", "1", "--json"]
    let output = Pipe()
    let errors = Pipe()
    reader.standardOutput = output
    reader.standardError = errors
    try reader.run()
    // "1", KEY_DOT, "2", Enter: a line with a key no ID has, rejected; then "4", "2", Enter.
    let bytes = typed([2, 52, 3, 28]) + typed([5, 3, 28])
    XCTAssertEqual(bytes.withUnsafeBytes { write(writer, $0.baseAddress, $0.count) }, bytes.count)
    reader.waitUntilExit()
    XCTAssertEqual(reader.terminationStatus, 0)
    let lines = try CLI.jsonLines(String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    XCTAssertEqual(lines.count, 1)
    XCTAssertEqual(lines.first?["id"] as? String, "42")
    let diagnostics = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    XCTAssert(diagnostics.contains("unknown key"), diagnostics)
    // The rejected line's characters never appear anywhere.
    XCTAssertFalse(diagnostics.contains("12"))
  }

  func testAMissingReaderIsAClearError() throws {
    let run = try CLI.run(["badge", "/dev/input/thermogate-missing"])
    XCTAssertEqual(run.status, 1)
    XCTAssert(run.errors.contains("cannot open badge reader /dev/input/thermogate-missing"), run.errors)
  }
}
