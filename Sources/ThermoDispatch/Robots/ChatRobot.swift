/// One vendor's group robot: how a message is put on the wire and how its answer is read.
public protocol ChatRobot: Sendable {
  var address: RobotAddress { get }
  /// The URL and JSON body for `text`, signed (where the vendor signs) at `now`, Unix seconds.
  func request(text: String, now: Double) -> (url: String, body: [UInt8])
  var reading: RobotAnswer.Reading { get }
}
