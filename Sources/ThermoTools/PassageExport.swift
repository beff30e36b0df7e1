import ThermoStore

/// The access decisions as CSV (RFC 4180 quoting) or JSON Lines: every person let in or turned
/// away, with the reason, whether or not they were screened (an unknown badge, an ID nobody was
/// measured for).
public enum PassageExport {
  public static let columns = [
    "id", "time", "entrance", "mode", "outcome", "reason", "person", "holder", "screening_id", "screening_class",
    "body_c",
  ]

  public static var csvHeader: String { columns.joined(separator: ",") }

  public static func csvRow(_ entry: PassageEntry) -> String {
    fields(entry).map { RegisterExport.csvField($0 ?? "") }.joined(separator: ",")
  }

  public static func jsonLine(_ entry: PassageEntry) -> String {
    var json = JSONLine()
    json.add("id", entry.id.map { Int($0) } ?? 0)
    json.add("time", Timestamp.format(entry.time))
    json.add("entrance", entry.entrance)
    json.add("mode", entry.mode)
    json.add("outcome", entry.outcome)
    json.add("reason", entry.reason)
    json.add("person", entry.person)
    json.add("holder", entry.holder)
    if let screening = entry.screeningID { json.add("screening_id", Int(screening)) }
    json.add("screening_class", entry.screeningClass)
    json.add("body_c", entry.bodyC)
    return json.string
  }

  private static func fields(_ entry: PassageEntry) -> [String?] {
    [
      entry.id.map { "\($0)" }, Timestamp.format(entry.time), entry.entrance, entry.mode, entry.outcome, entry.reason,
      entry.person, entry.holder, entry.screeningID.map { "\($0)" }, entry.screeningClass,
      entry.bodyC.map { JSONLine.number($0, decimals: 2) },
    ]
  }
}
