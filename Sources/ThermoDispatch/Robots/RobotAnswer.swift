import Foundation
import ThermoStore

/// A chat robot's answer and what it means for the delivery. The robots answer HTTP 200 with
/// the error in the body, so the status alone never says "delivered".
public struct RobotAnswer: Sendable {
  var status: UInt
  var body: [UInt8]

  /// How one vendor writes its verdict: the field holding the code (the first present counts)
  /// and its text, and which non-zero codes are worth another try.
  public struct Reading: Sendable {
    var vendor: String
    var codeFields: [String]
    var messageFields: [String]
    var isRetryable: @Sendable (_ code: Int, _ message: String) -> Bool
  }

  func outcome(_ reading: Reading, address: RobotAddress) -> DeliveryOutcome {
    if status == 429 || (500..<600).contains(status) { return .retry("\(reading.vendor): HTTP \(status)") }
    let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
    guard let object,
      let (field, code) = reading.codeFields.lazy.compactMap({ field in
        (object[field] as? NSNumber).map { (field, $0.intValue) }
      }).first
    else {
      return .failed("\(reading.vendor): HTTP \(status) without \(reading.codeFields[0]) in the answer")
    }
    if code == 0, (200..<300).contains(status) { return .delivered }
    let message = reading.messageFields.lazy.compactMap { object[$0] as? String }.first ?? ""
    let text = "\(reading.vendor): HTTP \(status), \(field) \(code): " + address.redacting(String(message.prefix(200)))
    return code != 0 && reading.isRetryable(code, message) ? .retry(text) : .failed(text)
  }
}
