/// Opens the USB HID relay board a `relay:` address names. Boards carry their five-character ID
/// in a feature report, not in the USB serial number (hardware-notes.md), so `relay:serial=ID`
/// opens each relay board in turn and asks it; `relay:port=1-1.4` opens the one in that socket.
public enum GateRelayOpener {
  public static func open(_ address: DeviceAddress, usb: USBContext) throws(DeviceFault) -> USBRelayBoard<
    USBHIDTransport
  > {
    let ids = VendorProduct(vendorID: USBRelay.vendorID, productID: USBRelay.productID)
    switch address.locator {
    case .port(let port):
      return try board(at: port, usb: usb, ids: ids)
    case .serial(let wanted):
      let candidates: [USBDeviceInfo]
      do { candidates = try usb.devices(matching: [ids]) } catch { throw DeviceFault(.usb(error)) }
      var seen: [String] = []
      for candidate in candidates where candidate.product?.hasPrefix(USBRelay.productPrefix) != false {
        guard var board = try? board(at: candidate.portPath, usb: usb, ids: ids),
          let state = try? board.state()
        else { continue }
        if state.serial == wanted { return board }
        seen.append("\(state.serial) at port \(candidate.portPath)")
      }
      throw DeviceFault(
        kind: .disconnected,
        message: "no relay board with ID \(wanted)"
          + (seen.isEmpty ? " (no relay boards found)" : " (found: \(seen.joined(separator: ", ")))"))
    default:
      throw DeviceFault(kind: .protocolError, message: "\(address): a relay is named by serial=ID or port=…")
    }
  }

  private static func board(at port: String, usb: USBContext, ids: VendorProduct) throws(DeviceFault) -> USBRelayBoard<
    USBHIDTransport
  > {
    let handle: USBDeviceHandle
    let transport: USBHIDTransport
    do {
      handle = try usb.open(ids, portPath: port)
      transport = try USBHIDTransport(device: handle, interface: 0, reportLength: USBRelay.dataLength)
    } catch {
      if error.code == .notFound { throw DeviceFault(kind: .disconnected, message: error.description) }
      throw DeviceFault(.usb(error))
    }
    do {
      return try USBRelayBoard(transport: transport, product: handle.info.product ?? "")
    } catch {
      throw DeviceFault(kind: .protocolError, message: error.description)
    }
  }
}
