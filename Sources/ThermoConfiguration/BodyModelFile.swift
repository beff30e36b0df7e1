import Foundation
import ThermoCore
import ThermoStore
import Yams

/// A body model stored as YAML, as `body-model fit --write` produces it and `--config` uses it.
public enum BodyModelFile {
  static let keys = ["version", "form", "intercept", "skin_coefficient", "ambient_coefficient"]

  public static func load(path: String) throws(ConfigProblems) -> BodyModel {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ConfigProblems([ConfigProblem(file: path, line: 1, column: 1, message: "cannot read the body model file")])
    }
    return try parse(String(decoding: data, as: UTF8.self), file: path)
  }

  public static func parse(_ text: String, file: String) throws(ConfigProblems) -> BodyModel {
    var reader = YAMLReader(file: file)
    guard let root = try YAMLReader.compose(text, file: file) else {
      throw ConfigProblems([ConfigProblem(file: file, line: 1, column: 1, message: "the body model file is empty")])
    }
    let model = read(root, path: "body model", reader: &reader)
    if let model, reader.problems.isEmpty { return model }
    throw ConfigProblems(reader.problems)
  }

  static func read(_ node: Node, path: String, reader: inout YAMLReader) -> BodyModel? {
    guard let fields = reader.mapping(node, path, allowed: keys) else { return nil }
    var missing = false
    func required(_ key: String) -> Node? {
      if let value = fields[key] { return value }
      reader.report(node, "\(path) needs '\(key)'")
      missing = true
      return nil
    }
    if let form = fields["form"], let name = reader.string(form, "\(path).form"), name != "linear" {
      reader.report(form, "\(path).form '\(name)' is not supported (only 'linear')")
    }
    let version = required("version").flatMap { reader.string($0, "\(path).version") }
    let intercept = required("intercept").flatMap { reader.double($0, "\(path).intercept") }
    let skin = required("skin_coefficient").flatMap { reader.double($0, "\(path).skin_coefficient", in: -5...5) }
    let ambient = required("ambient_coefficient").flatMap {
      reader.double($0, "\(path).ambient_coefficient", in: -5...5)
    }
    guard !missing, let version, let intercept, let skin, let ambient else { return nil }
    return BodyModel(version: version, intercept: intercept, skinCoefficient: skin, ambientCoefficient: ambient)
  }

  /// YAML for `model`, with the assessment that justified it as comments.
  public static func render(_ model: BodyModel, notes: [String]) -> String {
    var text = notes.map { "# \($0)\n" }.joined()
    // Quoted, so that any version name reads back as the same string.
    text += "version: \(JSONLine.quoted(model.version))\n"
    text += "form: linear\n"
    text += "intercept: \(model.intercept)\n"
    text += "skin_coefficient: \(model.skinCoefficient)\n"
    text += "ambient_coefficient: \(model.ambientCoefficient)\n"
    return text
  }
}
