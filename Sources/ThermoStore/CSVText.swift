/// RFC 4180 records (UTF-8, CRLF, quoted fields over several lines) for files read outside the
/// store, such as the on-call roster: each record with the line it starts on, and a quoting
/// mistake named by the field it is in.
public struct CSVRecord: Sendable, Equatable {
  public var line: Int
  public var fields: [String]
  /// The 0-based field with a quoting mistake, and the mistake: the record cannot be trusted.
  public var broken: (field: Int, message: String)?

  public static func == (left: CSVRecord, right: CSVRecord) -> Bool {
    left.line == right.line && left.fields == right.fields && left.broken?.field == right.broken?.field
      && left.broken?.message == right.broken?.message
  }

  /// The records of `text`, a leading byte-order mark dropped and blank lines skipped.
  public static func records(_ text: String) -> [CSVRecord] {
    CSVRecords.split(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text).map { record in
      CSVRecord(line: record.line, fields: record.fields, broken: record.broken.map { ($0.field, $0.message) })
    }
  }
}
