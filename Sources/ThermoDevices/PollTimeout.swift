extension Duration {
  /// Milliseconds for poll(2), libusb and friends: rounded up, so a short timeout still waits
  /// rather than spinning; 0 for a negative duration; clamped to what an Int32 holds.
  var pollMilliseconds: Int32 {
    let (seconds, attoseconds) = components
    guard seconds >= 0 else { return 0 }
    let total = seconds.multipliedReportingOverflow(by: 1000)
    guard !total.overflow, total.partialValue < Int64(Int32.max) else { return Int32.max }
    let milliseconds = total.partialValue + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
    return Int32(min(milliseconds, Int64(Int32.max)))
  }
}
