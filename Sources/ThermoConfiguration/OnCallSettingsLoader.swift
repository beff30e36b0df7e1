import Foundation
import ThermoDispatch
import Yams

/// Reads the site's `time_zone` and the on-call keys: the roster (`on_call:` in the file or
/// `on_call_file:` a CSV beside it), `duty_office:` and `on_call_ack_deadline_s`. A CSV problem
/// is reported at the `on_call_file` key with its own line and field.
struct OnCallSettingsLoader {
  static let keys = ["time_zone", "on_call", "on_call_file", "duty_office", "on_call_ack_deadline_s"]

  var reader: YAMLReader
  /// The configuration's directory: a relative `on_call_file` is read from there.
  let directory: String
  let sinks: Set<String>

  /// The site's time zone: `time_zone` (an IANA name) or the system's.
  mutating func timeZone(top: [String: Node]) -> TimeZone {
    guard let node = top["time_zone"], let name = reader.string(node, "time_zone") else { return .current }
    guard let zone = TimeZone(identifier: name), name.contains("/") || name == "UTC" else {
      reader.report(node, "time_zone: '\(name)' is not an IANA time zone name (e.g. Asia/Shanghai, Europe/Berlin, UTC)")
      return .current
    }
    return zone
  }

  /// The plan, or nil when the file has no roster.
  mutating func plan(top: [String: Node], timeZone: TimeZone) -> OnCallPlan? {
    let inline = top["on_call"]
    let file = top["on_call_file"]
    if inline != nil, let file {
      reader.report(file, "give on_call (the roster here) or on_call_file (a CSV), not both")
      return nil
    }
    guard inline != nil || file != nil else {
      for key in ["duty_office", "on_call_ack_deadline_s"] where top[key] != nil {
        reader.report(top[key], "\(key) applies only with an on-call roster (on_call or on_call_file)")
      }
      return nil
    }
    var dutyOffice: [String] = []
    if let node = top["duty_office"] {
      dutyOffice = sinkNames(node, "duty_office")
      if dutyOffice.isEmpty, case .sequence = node { reader.report(node, "duty_office names no sink") }
    } else {
      reader.report(
        inline ?? file,
        "an on-call roster needs duty_office: [sinks], the last stage when nobody acknowledges (and the only one when nobody is on call)"
      )
    }
    var deadline = 120.0
    if let node = top["on_call_ack_deadline_s"],
      let value = reader.double(node, "on_call_ack_deadline_s", in: 10...86_400)
    {
      deadline = value
    }
    let roster: OnCallRoster?
    if let inline {
      roster = rosterInline(inline)
    } else if let file {
      roster = rosterFile(file)
    } else {
      roster = nil
    }
    guard let roster else { return nil }
    return OnCallPlan(roster: roster, dutyOffice: dutyOffice, acknowledgementDeadline: deadline, timeZone: timeZone)
  }

  private mutating func rosterInline(_ node: Node) -> OnCallRoster? {
    guard let items = reader.sequence(node, "on_call") else { return nil }
    var written: [OnCallRosterReader.Written] = []
    var nodes: [(index: Int, item: Node, fields: [String: Node])] = []
    for (index, item) in items.enumerated() {
      let path = "on_call[\(index)]"
      guard let fields = reader.mapping(item, path, allowed: OnCallRosterReader.fields) else { continue }
      guard let nameNode = fields["name"], let name = reader.string(nameNode, "\(path).name") else {
        if fields["name"] == nil { reader.report(item, "\(path) needs a 'name'") }
        continue
      }
      var entry = OnCallRosterReader.Written(name: name, channels: [])
      if let node = fields["channels"] {
        entry.channels = strings(node, "\(path).channels").map(\.1)
      } else {
        reader.report(item, "\(path) (\(name)) needs 'channels', the sinks that reach them")
      }
      if let node = fields["weekdays"] {
        entry.weekdays = strings(node, "\(path).weekdays").map(\.1).joined(separator: ",")
      }
      if let node = fields["from"] { entry.from = reader.string(node, "\(path).from") }
      if let node = fields["to"] { entry.to = reader.string(node, "\(path).to") }
      if let node = fields["backup"] { entry.backup = reader.string(node, "\(path).backup") }
      written.append(entry)
      nodes.append((index, item, fields))
    }
    let (roster, problems) = OnCallRosterReader.roster(written, sinks: sinks)
    for problem in problems {
      let (index, item, fields) = nodes[problem.entry]
      reader.report(fields[problem.field] ?? item, "on_call[\(index)].\(problem.field): \(problem.message)")
    }
    return roster
  }

  private mutating func rosterFile(_ node: Node) -> OnCallRoster? {
    guard let name = reader.string(node, "on_call_file") else { return nil }
    let path = name.hasPrefix("/") ? name : (directory as NSString).appendingPathComponent(name)
    guard let data = FileManager.default.contents(atPath: path) else {
      reader.report(node, "on_call_file: cannot read \(path)")
      return nil
    }
    let (roster, problems) = OnCallRosterReader.roster(csv: String(decoding: data, as: UTF8.self), sinks: sinks)
    for problem in problems { reader.report(node, "on_call_file: \(path):\(problem)") }
    return roster
  }

  private mutating func sinkNames(_ node: Node, _ path: String) -> [String] {
    strings(node, path).compactMap { item, text in
      guard sinks.contains(text) else {
        reader.report(item, "\(path): no sink named '\(text)' (defined: \(sinks.sorted().joined(separator: ", ")))")
        return nil
      }
      return text
    }
  }

  /// A list, or one scalar standing for a list of one (`mon-fri`).
  private mutating func strings(_ node: Node, _ path: String) -> [(Node, String)] {
    if node.scalar != nil { return reader.string(node, path).map { [(node, $0)] } ?? [] }
    guard let items = reader.sequence(node, path) else { return [] }
    return items.compactMap { item in reader.string(item, path).map { (item, $0) } }
  }
}
