import Testing
import ThermoCore

@Suite struct CalibrationFitTests {
  /// Readings a device with `corrected = gain · raw + offset` gives at `setPoint`.
  func readings(_ setPoint: Double, offset: Double, gain: Double, jitter: [Double] = [0, 0.02, -0.02, 0.01, -0.01])
    -> [Double]
  {
    jitter.map { (setPoint - offset) / gain + $0 }
  }

  @Test func twoPointsRecoverOffsetAndGain() throws {
    let points = [35.0, 39.0].map { CalibrationPoint(setPointC: $0, readings: readings($0, offset: 0.3, gain: 1.01)) }
    let result = try CalibrationFit.fit(points, asFound: .identity, referenceUncertaintyC: 0.05)
    #expect(abs(result.gain - 1.01) < 1e-9)
    #expect(abs(result.offsetC - 0.3) < 1e-9)
    #expect(result.passed, "\(result.failures)")
    #expect(result.points.allSatisfy { abs($0.residualC) < 1e-9 })
    // As found (no correction): the raw mean minus the set-point.
    #expect(abs(result.points[0].asFoundErrorC - ((35 - 0.3) / 1.01 - 35)) < 1e-9)
  }

  @Test func onePointFitsAnOffsetOnly() throws {
    let point = CalibrationPoint(setPointC: 35, readings: readings(35, offset: 0.25, gain: 1))
    let result = try CalibrationFit.fit(
      [point], asFound: DeviceCalibration(id: "old", offsetC: 0.1), referenceUncertaintyC: 0.05)
    #expect(result.gain == 1)
    #expect(abs(result.offsetC - 0.25) < 1e-9)
    #expect(abs(result.points[0].asFoundErrorC - (-0.15)) < 1e-9, "as found with the old 0.1 °C correction")
  }

  @Test func threePointsOffTheLineLeaveResidualsAndTheUncertaintyCountsThem() throws {
    let points = [
      CalibrationPoint(setPointC: 35, readings: [35.0, 35.0]), CalibrationPoint(setPointC: 37, readings: [37.2, 37.2]),
      CalibrationPoint(setPointC: 39, readings: [39.0, 39.0]),
    ]
    let result = try CalibrationFit.fit(points, asFound: .identity, referenceUncertaintyC: 0.05)
    // Least squares through (35,35), (37.2,37), (39,39): the middle point sits 0.2 above.
    let residuals = result.points.map(\.residualC)
    #expect(abs(residuals.reduce(0, +)) < 1e-9, "least-squares residuals sum to zero")
    #expect(residuals[1] > 0.1, "the middle point reads high, so its adjusted value is high")
    // u = √(u_ref² + u_rep² + s_fit² + (0.02/√12)²), s_fit with one degree of freedom.
    let fitScatter = (residuals.map { $0 * $0 }.reduce(0, +) / 1).squareRoot()
    let expected = 2 * (0.05 * 0.05 + fitScatter * fitScatter + 0.02 * 0.02 / 12).squareRoot()
    #expect(abs(result.expandedUncertaintyC - expected) < 1e-9)
  }

  @Test func aCorrectionBeyondItsBoundsPutsTheDeviceOutOfService() throws {
    let points = [35.0, 39.0].map { CalibrationPoint(setPointC: $0, readings: readings($0, offset: 0, gain: 1.08)) }
    let result = try CalibrationFit.fit(points, asFound: .identity, referenceUncertaintyC: 0.05)
    #expect(!result.passed)
    #expect(result.failures.contains { $0.hasPrefix("gain 1.08") })
    let offset = try CalibrationFit.fit(
      [CalibrationPoint(setPointC: 35, readings: readings(35, offset: 1.4, gain: 1))], asFound: .identity,
      referenceUncertaintyC: 0.05)
    #expect(offset.failures.contains { $0.hasPrefix("the correction at 37.0 °C is 1.4") })
    // Judged where people are screened, not at 0 °C: a device 2.6 °C high at 37 °C fails though
    // its offset term is small, and one within 0.1 °C passes though its offset term is large.
    let far = try CalibrationFit.fit(
      [35.0, 39.0].map { CalibrationPoint(setPointC: $0, readings: readings($0, offset: -0.85, gain: 0.955)) },
      asFound: .identity, referenceUncertaintyC: 0.05)
    #expect(!far.passed)
    let near = try CalibrationFit.fit(
      [35.0, 39.0].map { CalibrationPoint(setPointC: $0, readings: readings($0, offset: 1.45, gain: 0.962)) },
      asFound: .identity, referenceUncertaintyC: 0.05)
    #expect(near.passed, "\(near.failures)")
  }

  @Test func aPointOutsideTheClassAfterAdjustmentFails() throws {
    let points = [
      CalibrationPoint(setPointC: 35, readings: [35.0]), CalibrationPoint(setPointC: 37, readings: [38.0]),
      CalibrationPoint(setPointC: 39, readings: [39.0]),
    ]
    let result = try CalibrationFit.fit(points, asFound: .identity, referenceUncertaintyC: 0.05)
    #expect(result.failures.contains { $0.contains("at 37.0 °C the adjusted reading is off") })
  }

  @Test func refusals() {
    let good = CalibrationPoint(setPointC: 35, readings: [35, 35.1])
    do {
      _ = try CalibrationFit.fit([good], asFound: .identity, referenceUncertaintyC: 0.2)
      Issue.record("a reference at 0.2 °C for a 0.3 °C class was accepted")
    } catch {
      guard case .referenceTooUncertain(let uncertainty, let limit) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(uncertainty == 0.2 && abs(limit - 0.1) < 1e-12)
    }
    #expect(throws: CalibrationProblem.unstablePoint(setPointC: 35, spreadC: 0.5, limitC: 0.3)) {
      try CalibrationFit.fit(
        [CalibrationPoint(setPointC: 35, readings: [35, 35.5])], asFound: .identity, referenceUncertaintyC: 0.05)
    }
    #expect(throws: CalibrationProblem.repeatedSetPoint(35)) {
      try CalibrationFit.fit([good, good], asFound: .identity, referenceUncertaintyC: 0.05)
    }
    #expect(throws: CalibrationProblem.noPoints) {
      try CalibrationFit.fit([], asFound: .identity, referenceUncertaintyC: 0.05)
    }
  }

  @Test func theDriftCheckAppliesTheCorrectionInForce() throws {
    let calibration = DeviceCalibration(id: "c", offsetC: 0.4, gain: 1.02)
    let fine = try DriftCheck(
      CalibrationPoint(setPointC: 35, readings: readings(35, offset: 0.4, gain: 1.02)), calibration: calibration)
    #expect(fine.passed)
    let drifted = try DriftCheck(
      CalibrationPoint(setPointC: 35, readings: readings(35, offset: 0.1, gain: 1.02)), calibration: calibration)
    #expect(!drifted.passed)
    #expect(abs(drifted.errorC - 0.3) < 1e-9)
  }
}
