/// The recent normal body estimates at one entrance, FLIR-style: the last ten, highest and
/// lowest dropped, the rest averaged. Until ten exist there is no baseline (the fixed threshold
/// applies), so the first person through is never assumed normal.
public struct AdaptiveBaseline: Sendable, Equatable {
  public static let capacity = 10

  private var values = InlineArray<10, Double>(repeating: 0)
  private var nextSlot = 0
  public private(set) var count = 0

  public init() {}

  public mutating func record(_ bodyC: Celsius) {
    values[nextSlot] = bodyC
    nextSlot = (nextSlot + 1) % Self.capacity
    count = min(count + 1, Self.capacity)
  }

  public mutating func reset() {
    nextSlot = 0
    count = 0
  }

  /// Trimmed mean of the last ten normals, or nil while fewer than ten are known.
  public var baselineC: Celsius? {
    guard count == Self.capacity else { return nil }
    var sum = 0.0
    var lowest = Double.infinity
    var highest = -Double.infinity
    for index in values.indices {
      sum += values[index]
      lowest = min(lowest, values[index])
      highest = max(highest, values[index])
    }
    return (sum - lowest - highest) / Double(Self.capacity - 2)
  }

  public static func == (lhs: AdaptiveBaseline, rhs: AdaptiveBaseline) -> Bool {
    lhs.count == rhs.count && lhs.baselineC == rhs.baselineC
  }
}
