/// Turns a calibrated skin reading and the ambient temperature into a body-equivalent (oral)
/// estimate. Versioned, because every decision records which model produced its number.
public struct BodyModel: Sendable, Equatable {
  public var version: String
  /// `body = intercept + skinCoefficient · skin + ambientCoefficient · ambient`
  public var intercept: Double
  public var skinCoefficient: Double
  public var ambientCoefficient: Double

  public init(version: String, intercept: Double, skinCoefficient: Double, ambientCoefficient: Double) {
    self.version = version
    self.intercept = intercept
    self.skinCoefficient = skinCoefficient
    self.ambientCoefficient = ambientCoefficient
  }

  @inline(__always)
  public func bodyEstimate(skinC: Celsius, ambientC: Celsius) -> Celsius {
    intercept + skinCoefficient * skinC + ambientCoefficient * ambientC
  }

  /// Least-squares fit of oral temperature (`aveOralM`) on maximum forehead temperature
  /// (`T_FH_Max1…4`, each round one observation) and room temperature (`T_atm`) over the FLIR
  /// group-1 cohort (PhysioNet doi:10.13026/3bhc-9065, 2,139 observations of 544 subjects), as
  /// `thermogate body-model fit --cohort flir-group1.csv --site forehead-max` prints it.
  /// Room temperature in that cohort spans only 20.2–24.0 °C: outside it the ambient term is an
  /// extrapolation.
  public static let foreheadMaxV1 = BodyModel(
    version: "forehead-max-linear-v1",
    intercept: 16.78889906,
    skinCoefficient: 0.617062492,
    ambientCoefficient: -0.06860591
  )
}
