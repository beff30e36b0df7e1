import Foundation
import Testing

/// The core promises to import nothing and to read no clock, so that it runs the same under
/// test, in the benchmark and in the gateway. This checks the promise on the source itself.
@Suite struct CorePurityTests {
  static var coreSources: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Sources/ThermoCore")
  }

  @Test func theCoreImportsNothingAndReadsNoClock() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.coreSources.path)
      .filter { $0.hasSuffix(".swift") }
    #expect(files.count > 5)
    let forbidden = ["ContinuousClock", "SuspendingClock", "Date(", "DispatchTime", "clock_gettime", "gettimeofday"]
    for file in files {
      let text = try String(contentsOf: Self.coreSources.appendingPathComponent(file), encoding: .utf8)
      for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let code = line.trimmingCharacters(in: .whitespaces)
        if code.hasPrefix("//") { continue }
        #expect(!code.hasPrefix("import "), "\(file):\(number + 1) imports: \(code)")
        for word in forbidden {
          #expect(!code.contains(word), "\(file):\(number + 1) reads a clock: \(code)")
        }
      }
    }
  }
}
