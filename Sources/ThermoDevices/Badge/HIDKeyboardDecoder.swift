/// Turns a reader's stream of boot keyboard reports into key-downs. A report lists the keys held,
/// not the keys pressed, so a key types once when it first appears and not again while it stays.
public struct HIDKeyboardDecoder: Sendable {
  private var held: [UInt8] = []

  public init() {}

  /// The keys that went down in this report, in report order.
  public mutating func decode(_ bytes: [UInt8]) throws(HIDKeyboardReport.DecodeError) -> [BadgeKey] {
    let report = try HIDKeyboardReport(bytes: bytes)
    // An error report carries no key state; keep the last known one so that nothing retypes.
    guard !report.isErrorReport else { return [] }
    let pressed = report.keys.filter { !held.contains($0) }
    held = report.keys
    return pressed.compactMap { HIDKeyboardReport.badgeKey(usage: $0, shifted: report.isShifted) }
  }
}
