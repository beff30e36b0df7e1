extension Duration {
  /// Milliseconds for poll(2), libusb and friends: rounded up, so a short timeout still waits
  /// rather than spinning; 0 for a duration of zero or less (poll takes a negative number as
  /// "wait forever"); clamped to what an Int32 holds.
  var pollMilliseconds: Int32 {
    // `components` truncates toward zero: -5 ms is (0 s, -5e15 as), so the sign must be
    // checked on the whole duration, not on the seconds.
    guard self > .zero else { return 0 }
    let (seconds, attoseconds) = components
    let total = seconds.multipliedReportingOverflow(by: 1000)
    guard !total.overflow, total.partialValue < Int64(Int32.max) else { return Int32.max }
    let milliseconds = total.partialValue + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
    return Int32(min(milliseconds, Int64(Int32.max)))
  }
}
