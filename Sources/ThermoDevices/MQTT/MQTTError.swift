import CMosquitto

/// A libmosquitto failure, with what was being done.
public struct MQTTError: Error, Sendable, Equatable, CustomStringConvertible {
  public var code: Int32
  public var operation: String

  /// The libmosquitto codes the sink tells apart.
  public enum Code {
    public static let invalidArguments = MOSQ_ERR_INVAL.rawValue
    public static let payloadSize = MOSQ_ERR_PAYLOAD_SIZE.rawValue
    public static let malformedUTF8 = MOSQ_ERR_MALFORMED_UTF8.rawValue
  }

  public var description: String {
    let text = mosquitto_strerror(code).map { String(cString: $0) } ?? "error \(code)"
    return "MQTT: \(operation): \(text)"
  }
}
