import ThermoCore

/// Collects a reader's key-downs into badge IDs, one per Enter. Pure: every key comes with the
/// time it was typed, so the gap rule runs the same on recorded input as at the gate.
public struct BadgeAssembler: Sendable {
  public enum Output: Sendable, Equatable {
    case badge(String)
    case rejected(Rejection)
  }

  /// A line that is not taken as a badge. Only lengths are kept: a partial badge number is still
  /// personal data and has no business in a log.
  public enum Rejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// The line ran past `limit` characters before its Enter (a stuck key, a keyboard that is not
    /// a badge reader, a barcode that is not a badge).
    case tooLong(length: Int, limit: Int)
    /// Typing stopped before Enter for longer than the character gap (a card pulled away mid-read,
    /// someone at a keyboard).
    case abandoned(length: Int)
    /// The line held a key no ID is made of, or the reader's key stream lost events in it.
    case corrupted(length: Int)

    public var description: String {
      switch self {
      case .tooLong(let length, let limit):
        "badge reader typed a line of \(length) characters, longer than \(limit); not taken as a badge"
      case .abandoned(let length):
        "badge reader stopped after \(length) characters without Enter; the partial ID was discarded"
      case .corrupted(let length):
        "badge reader line of \(length) characters had an unknown key or lost keys; not taken as a badge"
      }
    }
  }

  public let maximumLength: Int
  /// The longest pause between two keys of one ID. Readers type a whole ID within tens of
  /// milliseconds, people far slower.
  public let characterGap: Seconds
  private var line = ""
  private var length = 0
  private var lastKeyTime: Seconds?
  private var isCorrupt = false

  public init(maximumLength: Int = 32, characterGap: Seconds = 0.5) {
    self.maximumLength = max(1, maximumLength)
    self.characterGap = characterGap
  }

  /// Whether part of an ID is waiting for more keys.
  public var isTyping: Bool { length > 0 }

  /// Takes one key typed at `time`; returns a badge on Enter, or why a line was dropped.
  public mutating func accept(_ key: BadgeKey, at time: Seconds) -> Output? {
    let expired = expire(at: time)
    lastKeyTime = time
    switch key {
    case .unrecognized, .eventsLost:
      length += 1
      isCorrupt = true
      return expired
    case .character(let character):
      length += 1
      // Past the limit only the count grows, so a reader that never sends Enter costs no memory.
      if length <= maximumLength { line.append(character) }
      return expired
    case .enter:
      // An expired partial line, then Enter alone: the expiry is the news, the empty line is not.
      if let expired { return expired }
      defer { reset() }
      guard length > 0 else { return nil }
      guard length <= maximumLength else { return .rejected(.tooLong(length: length, limit: maximumLength)) }
      guard !isCorrupt else { return .rejected(.corrupted(length: length)) }
      return .badge(line)
    }
  }

  /// Discards a partial ID whose last key is older than the character gap at `time`; for a
  /// caller whose read timed out, so a stale half ID is dropped without waiting for a next key.
  public mutating func expire(at time: Seconds) -> Output? {
    guard length > 0, let last = lastKeyTime, time - last > characterGap else { return nil }
    let dropped = length
    reset()
    return .rejected(.abandoned(length: dropped))
  }

  private mutating func reset() {
    line = ""
    length = 0
    isCorrupt = false
  }
}
