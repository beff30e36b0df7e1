import Foundation
import ThermoGateway
import ThermoTools

/// The lines of a file or of standard input ("-"), numbered from 1.
struct LineSource {
  let name: String
  private let fileLines: [Substring]?

  init(path: String) throws {
    guard path != "-" else {
      name = "<stdin>"
      fileLines = nil
      return
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw InputError(source: path, line: 0, field: nil, message: "cannot read the input file")
    }
    name = path
    let text = String(decoding: data, as: UTF8.self)
    fileLines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
  }

  func forEach(_ body: (Substring, Int) -> Void) {
    if let fileLines {
      for (index, line) in fileLines.enumerated() { body(line, index + 1) }
      return
    }
    var number = 0
    while let line = readLine(strippingNewline: true) {
      number += 1
      body(Substring(line), number)
    }
  }
}
