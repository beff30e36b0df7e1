/// A radiometric calibration against a blackbody: readings at set-points → as-found errors, a
/// fitted correction (offset for one point, offset and gain for two or more), residuals, the
/// expanded uncertainty and the verdict. Pure arithmetic; the CLI collects the readings.
public struct CalibrationPolicy: Sendable, Equatable {
  /// Every point must be within ± this after adjustment (ASTM E1965 / ISO 80601-2-56 forehead
  /// class 0.3 °C; 0.4 °C screeners, 0.5 °C imagers).
  public var toleranceC: Celsius = 0.3
  /// A set-point whose readings spread wider than this is refused as unstable (aim, draughts,
  /// a blackbody still settling).
  public var maximumSpreadC: Celsius = 0.3
  public var offsetBoundsC: ClosedRange<Celsius> = -1.0...1.0
  public var gainBounds: ClosedRange<Double> = 0.95...1.05
  /// The field drift check's tolerance at its one point.
  public var driftToleranceC: Celsius = 0.2
  /// The display resolution of the devices we read (MLX90614: 0.02 °C).
  public var resolutionC: Celsius = 0.02
  /// Where the correction's size is judged: the middle of the screening range. (The offset term
  /// alone is the correction at 0 °C, where gain and offset trade off; ±1 °C there says nothing
  /// about skin temperatures.)
  public var workingPointC: Celsius = 37

  public init() {}

  /// The reference may contribute at most a third of the class (EURAMET / JJF 1107 practice).
  public var maximumReferenceUncertaintyC: Celsius { toleranceC / 3 }
}

/// The readings taken at one blackbody set-point.
public struct CalibrationPoint: Sendable, Equatable {
  public var setPointC: Celsius
  /// Raw (uncorrected) object readings.
  public var readings: [Celsius]

  public init(setPointC: Celsius, readings: [Celsius]) {
    self.setPointC = setPointC
    self.readings = readings
  }

  public var meanC: Celsius { readings.reduce(0, +) / Double(max(readings.count, 1)) }
  public var spreadC: Celsius { (readings.max() ?? 0) - (readings.min() ?? 0) }
  /// Sample standard deviation (0 with one reading).
  public var standardDeviationC: Celsius {
    guard readings.count > 1 else { return 0 }
    let mean = meanC
    let sum = readings.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    return (sum / Double(readings.count - 1)).squareRoot()
  }
}

public enum CalibrationProblem: Error, Sendable, Equatable, CustomStringConvertible {
  case noPoints
  case noReadings(setPointC: Celsius)
  case repeatedSetPoint(Celsius)
  case unstablePoint(setPointC: Celsius, spreadC: Celsius, limitC: Celsius)
  case referenceTooUncertain(uncertaintyC: Celsius, limitC: Celsius)

  public var description: String {
    switch self {
    case .noPoints: "no set-points: give at least one --point"
    case .noReadings(let point): "no readings at \(format(point)) °C"
    case .repeatedSetPoint(let point): "set-point \(format(point)) °C is given twice; a gain needs distinct points"
    case .unstablePoint(let point, let spread, let limit):
      "the readings at \(format(point)) °C spread \(format(spread, 3)) °C, more than \(format(limit, 2)) °C: "
        + "the reading is not stable (check the aim and distance, let the blackbody settle, shield from draughts) "
        + "and repeat the point"
    case .referenceTooUncertain(let uncertainty, let limit):
      "the reference's uncertainty \(format(uncertainty, 3)) °C exceeds a third of the class (\(format(limit, 3)) °C); "
        + "use a better reference"
    }
  }
}

public struct CalibrationResult: Sendable, Equatable {
  public struct PointResult: Sendable, Equatable {
    public var setPointC: Celsius
    public var meanRawC: Celsius
    public var spreadC: Celsius
    public var standardDeviationC: Celsius
    public var count: Int
    /// As found: the reading with the correction in force before this calibration, minus the
    /// set-point.
    public var asFoundErrorC: Celsius
    /// As left: with the new correction, minus the set-point.
    public var residualC: Celsius
  }

  public var points: [PointResult]
  public var offsetC: Celsius
  public var gain: Double
  /// Expanded uncertainty (k = 2) of a corrected reading.
  public var expandedUncertaintyC: Celsius
  /// Empty when the device passes; otherwise why it is out of service.
  public var failures: [String]
  public var passed: Bool { failures.isEmpty }
}

public enum CalibrationFit {
  /// Fits `reference = gain · raw + offset` through the point means and judges it.
  public static func fit(
    _ points: [CalibrationPoint], asFound: DeviceCalibration, referenceUncertaintyC: Celsius,
    policy: CalibrationPolicy = CalibrationPolicy()
  ) throws(CalibrationProblem) -> CalibrationResult {
    guard !points.isEmpty else { throw .noPoints }
    guard referenceUncertaintyC <= policy.maximumReferenceUncertaintyC + 1e-12 else {
      throw .referenceTooUncertain(uncertaintyC: referenceUncertaintyC, limitC: policy.maximumReferenceUncertaintyC)
    }
    var seen: [Celsius] = []
    for point in points {
      guard !point.readings.isEmpty else { throw .noReadings(setPointC: point.setPointC) }
      guard !seen.contains(where: { abs($0 - point.setPointC) < 0.05 }) else {
        throw .repeatedSetPoint(point.setPointC)
      }
      seen.append(point.setPointC)
      guard point.spreadC <= policy.maximumSpreadC + 1e-9 else {
        throw .unstablePoint(setPointC: point.setPointC, spreadC: point.spreadC, limitC: policy.maximumSpreadC)
      }
    }

    let means = points.map(\.meanC)
    let targets = points.map(\.setPointC)
    var gain = 1.0
    var offset: Celsius
    if points.count == 1 {
      offset = targets[0] - means[0]
    } else {
      let n = Double(points.count)
      let meanX = means.reduce(0, +) / n
      let meanY = targets.reduce(0, +) / n
      var sxx = 0.0
      var sxy = 0.0
      for (x, y) in zip(means, targets) {
        sxx += (x - meanX) * (x - meanX)
        sxy += (x - meanX) * (y - meanY)
      }
      gain = sxy / sxx
      offset = meanY - gain * meanX
    }

    let results = points.map { point in
      CalibrationResult.PointResult(
        setPointC: point.setPointC, meanRawC: point.meanC, spreadC: point.spreadC,
        standardDeviationC: point.standardDeviationC, count: point.readings.count,
        asFoundErrorC: asFound.corrected(point.meanC) - point.setPointC,
        residualC: gain * point.meanC + offset - point.setPointC)
    }

    // Combined standard uncertainty: the reference, the repeatability of the worst point's
    // mean, the scatter of the points about the fit (with two or more degrees of freedom
    // left), and the display resolution (rectangular).
    let repeatability =
      points.map { $0.standardDeviationC / Double($0.readings.count).squareRoot() }.max() ?? 0
    let freedom = points.count - (points.count == 1 ? 1 : 2)
    let fitScatter =
      freedom > 0 ? (results.reduce(0) { $0 + $1.residualC * $1.residualC } / Double(freedom)).squareRoot() : 0
    let resolution = policy.resolutionC / 12.0.squareRoot()
    let combined =
      (referenceUncertaintyC * referenceUncertaintyC + repeatability * repeatability + fitScatter * fitScatter
      + resolution * resolution).squareRoot()

    var failures: [String] = []
    for point in results where abs(point.residualC) > policy.toleranceC + 1e-9 {
      failures.append(
        "at \(format(point.setPointC)) °C the adjusted reading is off by \(format(point.residualC, 2)) °C, "
          + "beyond ±\(format(policy.toleranceC, 2)) °C")
    }
    let correctionAtWorkingPoint = gain * policy.workingPointC + offset - policy.workingPointC
    if !policy.offsetBoundsC.contains(correctionAtWorkingPoint) {
      failures.append(
        "the correction at \(format(policy.workingPointC)) °C is \(format(correctionAtWorkingPoint, 3)) °C, outside "
          + "\(format(policy.offsetBoundsC.lowerBound, 1))…\(format(policy.offsetBoundsC.upperBound, 1)) °C")
    }
    if !policy.gainBounds.contains(gain) {
      failures.append(
        "gain \(format(gain, 4)) is outside \(format(policy.gainBounds.lowerBound, 2))…"
          + "\(format(policy.gainBounds.upperBound, 2))")
    }
    if 2 * combined > policy.toleranceC {
      failures.append(
        "the expanded uncertainty \(format(2 * combined, 3)) °C exceeds the class ±\(format(policy.toleranceC, 2)) °C")
    }
    return CalibrationResult(
      points: results, offsetC: offset, gain: gain, expandedUncertaintyC: 2 * combined, failures: failures)
  }
}

/// Fixed-point text without Foundation: `format(36.789, 2)` is "36.79".
func format(_ value: Double, _ decimals: Int = 1) -> String {
  guard value.isFinite else { return "\(value)" }
  var scale = 1.0
  for _ in 0..<decimals { scale *= 10 }
  let scaled = (abs(value) * scale).rounded()
  let whole = Int(scaled / scale)
  let fraction = Int(scaled - Double(whole) * scale)
  let sign = value < 0 && scaled > 0 ? "-" : ""
  guard decimals > 0 else { return sign + String(whole) }
  let digits = String(fraction)
  return sign + String(whole) + "." + String(repeating: "0", count: decimals - digits.count) + digits
}

/// The field drift check: one point, the correction in force, ± `driftToleranceC`.
public struct DriftCheck: Sendable, Equatable {
  public var point: CalibrationPoint
  public var correctedMeanC: Celsius
  public var errorC: Celsius
  public var toleranceC: Celsius
  public var passed: Bool { abs(errorC) <= toleranceC + 1e-9 }

  public init(
    _ point: CalibrationPoint, calibration: DeviceCalibration, policy: CalibrationPolicy = CalibrationPolicy()
  ) throws(CalibrationProblem) {
    guard !point.readings.isEmpty else { throw .noReadings(setPointC: point.setPointC) }
    guard point.spreadC <= policy.maximumSpreadC + 1e-9 else {
      throw .unstablePoint(setPointC: point.setPointC, spreadC: point.spreadC, limitC: policy.maximumSpreadC)
    }
    self.point = point
    correctedMeanC = calibration.corrected(point.meanC)
    errorC = correctedMeanC - point.setPointC
    toleranceC = policy.driftToleranceC
  }
}
