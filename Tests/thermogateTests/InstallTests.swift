import Foundation
import XCTest

/// `make install` staged into a DESTDIR with the already built binary: every file lands where
/// the unit expects it, the unit runs the daemon the way it should, and the example
/// configuration it installs passes `config check`.
final class InstallTests: XCTestCase {
  func testMakeInstallStagesBinaryUnitRulesAndAValidExampleConfiguration() throws {
    let stage = NSTemporaryDirectory() + "thermogate-install-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: stage) }
    let make = Process()
    make.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    make.arguments = [
      "make", "--no-print-directory", "-C", CLI.packageRoot.path, "install", "DESTDIR=\(stage)", "PREFIX=/opt/tg",
      "INSTALL_BIN=\(CLI.binary.path)",
    ]
    let errors = Pipe()
    make.standardError = errors
    make.standardOutput = FileHandle.nullDevice
    try make.run()
    let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    make.waitUntilExit()
    XCTAssertEqual(make.terminationStatus, 0, errorText)

    let files = [
      "/opt/tg/bin/thermogate", "/etc/systemd/system/thermogate.service", "/etc/thermogate/thermogate.yaml",
      "/etc/udev/rules.d/70-thermogate.rules", "/etc/modprobe.d/thermogate.conf",
      "/opt/tg/share/doc/thermogate/README.md",
    ]
    for file in files { XCTAssertTrue(FileManager.default.fileExists(atPath: stage + file), file) }
    XCTAssertTrue(FileManager.default.isExecutableFile(atPath: stage + "/opt/tg/bin/thermogate"))

    let unit = try String(contentsOfFile: stage + "/etc/systemd/system/thermogate.service", encoding: .utf8)
    let settings = unit.split(separator: "\n").filter { !$0.hasPrefix("#") && $0.contains("=") }
      .map { $0.split(separator: "=", maxSplits: 1).map(String.init) }
    func values(_ key: String) -> [String] { settings.filter { $0[0] == key }.map { $0[1] } }
    XCTAssertEqual(values("ExecStart"), ["/opt/tg/bin/thermogate run --config /etc/thermogate/thermogate.yaml"])
    XCTAssertEqual(values("Type"), ["notify"])
    XCTAssertEqual(values("User"), ["thermogate"])
    XCTAssertEqual(values("NoNewPrivileges"), ["yes"])
    XCTAssertEqual(values("ProtectSystem"), ["strict"])
    XCTAssertEqual(values("PrivateTmp"), ["yes"])
    XCTAssertEqual(values("DevicePolicy"), ["closed"])
    XCTAssertTrue(values("DeviceAllow").contains("char-usb_device rw"))
    XCTAssertTrue(values("DeviceAllow").contains("char-ttyUSB rw"))
    XCTAssertFalse(unit.contains("/usr/local"), "PREFIX reaches every path in the unit")

    let check = try CLI.run(["config", "check", stage + "/etc/thermogate/thermogate.yaml"])
    XCTAssertEqual(check.status, 0, check.errors)
    XCTAssertTrue(check.output.contains("entrance north"))
  }
}
