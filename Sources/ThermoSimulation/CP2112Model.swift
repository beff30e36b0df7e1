import ThermoDevices

/// The device side of a CP2112 for SMBus write-read transfers (protocol reference §2.2–2.5):
/// requests get no direct reply, transfer status answers `15 01`, data comes on force-send, and
/// by default the chip's trailing empty `13 00 00` follows the data, as FBOSS reports.
public struct CP2112Model: ReportDeviceModel {
  public var sensor: MLX90614Model?
  /// Status polls answered "busy, read in progress" before the transfer completes.
  public var busyPolls = 0
  public var sendsTrailingEmptyResponse = true
  /// The bus is held by someone else: transfers complete with error, status1 1.
  public var busNotFree = false

  private enum Transfer: Sendable {
    case idle
    case running(data: [UInt8]?, busyLeft: Int)
    case complete(data: [UInt8])
    case failed(status1: UInt8)
  }

  private var transfer = Transfer.idle

  public init(sensor: MLX90614Model?) {
    self.sensor = sensor
  }

  public mutating func handle(_ out: [UInt8]) -> [[UInt8]] {
    guard out.count == CP2112Report.size, let id = CP2112Report.ID(rawValue: out[0]) else { return [] }
    switch id {
    case .dataWriteReadRequest:
      let address = out[1] >> 1
      let length = Int(out[2]) << 8 | Int(out[3])
      let reply = out[4] == 1 ? sensor?.readWordReply(address: address, command: out[5]) : nil
      transfer = .running(data: reply.flatMap { $0.count == length ? $0 : nil }, busyLeft: busyPolls)
      return []
    case .transferStatusRequest:
      return [statusReport()]
    case .dataReadForceSend:
      guard case .complete(let data) = transfer else { return [CP2112Report.make(.dataReadResponse, [0x03, 0x00])] }
      transfer = .idle
      let response = CP2112Report.make(.dataReadResponse, [0x02, UInt8(data.count)] + data)
      return sendsTrailingEmptyResponse ? [response, CP2112Report.make(.dataReadResponse, [0x00, 0x00])] : [response]
    case .cancelTransfer:
      transfer = .idle
      return []
    case .dataWrite:
      let length = Int(out[2])
      let taken = sensor?.writeWord(address: out[1] >> 1, payload: Array(out[3..<min(out.count, 3 + length)]))
      transfer = .running(data: taken == true ? [] : nil, busyLeft: busyPolls)
      return []
    case .dataReadRequest, .dataReadResponse, .transferStatusResponse:
      return []
    }
  }

  private mutating func statusReport() -> [UInt8] {
    switch transfer {
    case .idle:
      return CP2112Report.make(.transferStatusResponse, [0x00, 0x00])
    case .running(let data, let busyLeft) where busyLeft > 0:
      transfer = .running(data: data, busyLeft: busyLeft - 1)
      return CP2112Report.make(.transferStatusResponse, [0x01, 0x02])
    case .running(let data, _):
      if busNotFree {
        transfer = .failed(status1: 0x01)
      } else if let data {
        transfer = .complete(data: data)
      } else {
        transfer = .failed(status1: 0x00)
      }
      return statusReport()
    case .complete(let data):
      return CP2112Report.make(.transferStatusResponse, [0x02, 0x05, 0x00, 0x00, 0x00, UInt8(data.count)])
    case .failed(let status1):
      transfer = .idle
      return CP2112Report.make(.transferStatusResponse, [0x03, status1])
    }
  }
}
