import Crypto
import Foundation

/// The robots' JSON bodies: UTF-8, keys in a fixed order (the same alert gives the same bytes),
/// slashes and non-ASCII text as they are.
enum RobotJSON {
  static func bytes(_ value: some Encodable) -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    // Encoding plain structs of strings, numbers and arrays cannot fail.
    return (try? Array(encoder.encode(value))) ?? Array("{}".utf8)
  }

  /// `base64(HMAC-SHA256(key, message))`, the signature both DingTalk and Feishu use (with key
  /// and message the other way round).
  static func signature(key: String, message: String) -> String {
    Data(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: Array(key.utf8))))
      .base64EncodedString()
  }
}
