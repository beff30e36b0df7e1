/// Why a word read through a bridge failed: the bridge, the sensor's answer, or the caller.
public enum WordReadError<BridgeFailure: Error & Sendable & Equatable & CustomStringConvertible>: Error, Sendable,
  Equatable, CustomStringConvertible
{
  case bridge(BridgeFailure)
  case sensor(MLX90614.WordError)
  /// The state machine was fed before `start` or after the read ended.
  case protocolMisuse

  public var description: String {
    switch self {
    case .bridge(let error): error.description
    case .sensor(let error): error.description
    case .protocolMisuse: "SMBus word read used out of order"
    }
  }
}

/// A HID report of `size` bytes: `first` (command or report ID), then `payload`, zero-filled.
func zeroFilledReport(size: Int, first: UInt8, payload: [UInt8]) -> [UInt8] {
  var report = [UInt8](repeating: 0, count: size)
  report[0] = first
  for (index, byte) in payload.prefix(size - 1).enumerated() { report[index + 1] = byte }
  return report
}
