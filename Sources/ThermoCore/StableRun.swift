/// The longest recent run of samples that fits in a time window and a spread limit.
///
/// Fixed-capacity ring buffers plus monotonic min/max queues give amortised O(1) work per
/// sample and no allocation after `init`.
struct StableRun: Sendable {
  private var times: [Seconds]
  private var values: [Celsius]
  private var minimumQueue: [Int]
  private var maximumQueue: [Int]
  private var scratch: [Celsius]
  private let mask: Int
  /// Most samples held (the requested capacity; the buffers round it up to a power of two).
  private let limit: Int
  /// Sequence numbers: `oldest..<next` are the samples held; slot = sequence & mask.
  private var oldest = 0
  private var next = 0
  private var minimumHead = 0
  private var minimumTail = 0
  private var maximumHead = 0
  private var maximumTail = 0

  init(capacity requested: Int) {
    var capacity = 1
    while capacity < requested { capacity <<= 1 }
    mask = capacity - 1
    times = Array(repeating: 0, count: capacity)
    values = Array(repeating: 0, count: capacity)
    minimumQueue = Array(repeating: 0, count: capacity)
    maximumQueue = Array(repeating: 0, count: capacity)
    scratch = []
    scratch.reserveCapacity(capacity)
    limit = requested
  }

  var count: Int { next - oldest }
  var minimum: Celsius { values[minimumQueue[minimumHead & mask] & mask] }
  var maximum: Celsius { values[maximumQueue[maximumHead & mask] & mask] }
  var spread: Celsius { count == 0 ? 0 : maximum - minimum }

  mutating func removeAll() {
    oldest = next
    minimumHead = minimumTail
    maximumHead = maximumTail
  }

  /// Adds a sample, then drops the oldest ones until the run fits `window` and `maximumSpread`.
  mutating func append(time: Seconds, value: Celsius, window: Seconds, maximumSpread: Celsius) {
    if count == limit { dropOldest() }
    let sequence = next
    times[sequence & mask] = time
    values[sequence & mask] = value
    next += 1
    while minimumTail > minimumHead, values[minimumQueue[(minimumTail - 1) & mask] & mask] >= value {
      minimumTail -= 1
    }
    minimumQueue[minimumTail & mask] = sequence
    minimumTail += 1
    while maximumTail > maximumHead, values[maximumQueue[(maximumTail - 1) & mask] & mask] <= value {
      maximumTail -= 1
    }
    maximumQueue[maximumTail & mask] = sequence
    maximumTail += 1
    // Tolerances keep the limits inclusive despite binary fractions: 36.2 − 36.0 > 0.2 in Double,
    // and an epoch timestamp resolves only ~2.4e-7 s.
    while count > 1, time - times[oldest & mask] > window + 1e-6 || maximum - minimum > maximumSpread + 1e-9 {
      dropOldest()
    }
  }

  private mutating func dropOldest() {
    if minimumQueue[minimumHead & mask] == oldest { minimumHead += 1 }
    if maximumQueue[maximumHead & mask] == oldest { maximumHead += 1 }
    oldest += 1
  }

  /// Median of the run (mean of the middle two for an even count). Sorts a reused scratch copy.
  mutating func median() -> Celsius {
    scratch.removeAll(keepingCapacity: true)
    for sequence in oldest..<next { scratch.append(values[sequence & mask]) }
    scratch.sort()
    let middle = scratch.count / 2
    return scratch.count % 2 == 1 ? scratch[middle] : (scratch[middle - 1] + scratch[middle]) / 2
  }
}
