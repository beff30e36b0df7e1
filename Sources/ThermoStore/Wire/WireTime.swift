/// An instant as a wire shape carries it: ISO 8601 text (`Timestamp.format`, UTC, milliseconds)
/// where people and files read it, or seconds since 1970 where a program computes with it (the
/// dashboard's ages, the webhook's `raised_at`). Which one a field takes is part of its format,
/// so both are kept as they have always been written.
public enum WireTime: Sendable, Equatable, Codable {
  case text(Double)
  case seconds(Double)

  public var seconds: Double {
    switch self {
    case .text(let seconds), .seconds(let seconds): seconds
    }
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if let seconds = try? container.decode(Double.self) {
      self = .seconds(seconds)
      return
    }
    let text = try container.decode(String.self)
    guard let seconds = Timestamp.parse(text) else {
      throw DecodingError.dataCorruptedError(
        in: container, debugDescription: "'\(text)' is neither seconds nor an ISO 8601 instant")
    }
    self = .text(seconds)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .text(let seconds): try container.encode(Timestamp.format(seconds))
    case .seconds(let seconds): try container.encode(seconds)
    }
  }

  /// Text instants are equal when they read the same: the text keeps milliseconds only.
  public static func == (left: WireTime, right: WireTime) -> Bool {
    switch (left, right) {
    case (.text(let a), .text(let b)): Timestamp.format(a) == Timestamp.format(b)
    case (.seconds(let a), .seconds(let b)): a == b
    default: false
    }
  }
}
