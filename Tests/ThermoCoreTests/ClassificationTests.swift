import Testing

@testable import ThermoCore

/// A body model that passes skin straight through, so expected classes read off the numbers.
let passThrough = BodyModel(version: "identity-test", intercept: 0, skinCoefficient: 1, ambientCoefficient: 0)

func pipeline(
  threshold: ThresholdPolicy = .default, calibration: DeviceCalibration = .identity, warmUp: Seconds = 0,
  recheckWindow: Seconds = 600
) -> EntrancePipeline {
  EntrancePipeline(
    configuration: EntranceConfiguration(
      threshold: threshold, calibration: calibration, bodyModel: passThrough, recheckWindow: recheckWindow,
      warmUp: warmUp))
}

func screening(_ rawC: Celsius, at time: Seconds = 100, ambientC: Celsius = 22) -> Screening {
  Screening(time: time, rawObjectC: rawC, ambientC: ambientC, sampleCount: 3)
}

@Suite struct ClassificationTests {
  @Test(arguments: [
    (36.0, ScreeningClass.normal, DecisionReason.belowThreshold),
    (37.24, .normal, .belowThreshold),
    (37.25, .elevated, .withinGuardBand),
    (37.3, .elevated, .atOrAboveThreshold),
    (38.5, .elevated, .atOrAboveThreshold),
    (32.4, .retry, .skinTooCold),
    (27.9, .fault, .rawOutOfRange),
    (45.1, .fault, .rawOutOfRange),
    (23.5, .noSubject, .belowPresenceMargin),
  ])
  func everyScreeningGetsExactlyOneClass(rawC: Double, expected: ScreeningClass, reason: DecisionReason) {
    var entrance = pipeline()
    let decision = entrance.classify(screening(rawC), person: nil)
    #expect(decision.screeningClass == expected)
    #expect(decision.reason == reason)
  }

  @Test(arguments: [(36.0, 15.9), (43.0, 40.1)])
  func ambientOutsideTheOperatingRangeAsksForARetry(rawC: Double, ambientC: Double) {
    var entrance = pipeline()
    let decision = entrance.classify(screening(rawC, ambientC: ambientC), person: nil)
    #expect(decision.screeningClass == .retry)
    #expect(decision.reason == .ambientOutOfRange)
  }

  @Test func sensorFaultsFromTheDetectorAreFaults() {
    var entrance = pipeline()
    var stuck = screening(36.0)
    stuck.sensorFault = .stuckReading
    #expect(entrance.classify(stuck, person: nil).reason == .stuckReading)
    var flagged = screening(36.0)
    flagged.sensorFault = .errorFlag
    let decision = entrance.classify(flagged, person: nil)
    #expect(decision.screeningClass == .fault)
    #expect(decision.reason == .sensorErrorFlag)
  }

  @Test func calibrationIsAppliedBeforeTheBodyModelAndRecorded() {
    let calibration = DeviceCalibration(id: "cal-7", offsetC: 0.5, gain: 1.01)
    var entrance = pipeline(calibration: calibration)
    let decision = entrance.classify(screening(36.0), person: nil)
    #expect(decision.rawObjectC == 36.0)
    #expect(abs((decision.skinC ?? 0) - (1.01 * 36.0 + 0.5)) < 1e-12)
    #expect(decision.bodyC == decision.skinC)
    #expect(decision.calibrationID == "cal-7")
    #expect(decision.bodyModelVersion == "identity-test")
    #expect(decision.screeningClass == .normal)  // 36.86 °C: below the guard band at 37.25
  }

  @Test func theBodyModelUsesSkinAndAmbient() {
    let model = BodyModel(version: "m", intercept: 10, skinCoefficient: 0.8, ambientCoefficient: -0.05)
    var entrance = EntrancePipeline(configuration: EntranceConfiguration(bodyModel: model))
    let decision = entrance.classify(screening(35.0, ambientC: 20), person: nil)
    #expect(abs((decision.bodyC ?? 0) - (10 + 0.8 * 35 - 0.05 * 20)) < 1e-12)
  }

  @Test func theDefaultModelMapsTypicalForeheadReadingsToOralRange() {
    let model = BodyModel.foreheadMaxV1
    let typical = model.bodyEstimate(skinC: 35.3, ambientC: 22)
    #expect(typical > 36.7 && typical < 37.2)
    #expect(model.bodyEstimate(skinC: 37.0, ambientC: 22) > 37.3)
  }

  @Test func decisionsCarryWhatMadeThem() {
    var entrance = pipeline()
    let decision = entrance.classify(screening(36.5, at: 42, ambientC: 21.5), person: "badge-17")
    #expect(decision.time == 42)
    #expect(decision.person == "badge-17")
    #expect(decision.ambientC == 21.5)
    #expect(decision.thresholdC == 37.3)
    #expect(decision.thresholdSource == .fixed)
    #expect(decision.guardBandC == 0.05)
    #expect(decision.sampleCount == 3)
    #expect(decision.recheck == nil)
  }

  @Test func noJudgementDuringWarmUp() {
    var entrance = pipeline(warmUp: 1800)
    entrance.deviceConnected(at: 0)
    let early = entrance.classify(screening(38.0, at: 1799), person: nil)
    #expect(early.screeningClass == .retry)
    #expect(early.reason == .warmingUp)
    let later = entrance.classify(screening(38.0, at: 1800), person: nil)
    #expect(later.screeningClass == .elevated)
  }

  @Test func warmUpStartsAtTheFirstSampleWhenNoConnectionTimeIsGiven() {
    var entrance = pipeline(warmUp: 60)
    var stream = StreamBuilder()
    stream.time = 1000
    stream.pass(at: 36.0)
    let decisions = entrance.run(stream.samples)
    #expect(decisions.map(\.reason) == [.warmingUp])
    stream.samples.removeAll()
    stream.time = 1061
    stream.pass(at: 36.0)
    #expect(entrance.run(stream.samples).map(\.screeningClass) == [.normal])
  }

  @Test func samplesModeRunsTheWholeChain() {
    var entrance = pipeline(calibration: DeviceCalibration(id: "c1", offsetC: 0.3))
    entrance.announcePerson("W-1001", at: 0)
    var stream = StreamBuilder()
    stream.pass(at: 36.0)
    stream.pass(at: 37.1)
    let decisions = entrance.run(stream.samples)
    #expect(decisions.map(\.screeningClass) == [.normal, .elevated])
    #expect(decisions.map(\.person) == ["W-1001", nil])
    #expect(abs((decisions[1].bodyC ?? 0) - 37.4) < 1e-9)
  }

  @Test func anUnstablePassIsARetry() {
    var entrance = pipeline()
    var stream = StreamBuilder()
    stream.idle(3)
    for step in 0..<6 { stream.append(33 + Double(step) * 0.5) }
    stream.idle(3)
    let decisions = entrance.run(stream.samples)
    #expect(decisions.map(\.screeningClass) == [.retry])
    #expect(decisions.first?.reason == .unstableReading)
    #expect(decisions.first?.bodyC == nil)
  }
}

@Suite struct ThresholdPolicyTests {
  @Test(arguments: [34.0, 35.5, 37.3, 39.0])
  func thresholdsOnTheTenthGridAreAccepted(value: Double) throws {
    let policy = try ThresholdPolicy(fixedThresholdC: value)
    #expect(policy.fixedThresholdC == value)
  }

  @Test(arguments: [33.9, 39.1, 37.25, 37.33, Double.nan, Double.infinity])
  func otherThresholdsAreRejectedNamingTheField(value: Double) {
    do {
      _ = try ThresholdPolicy(fixedThresholdC: value)
      Issue.record("accepted \(value)")
    } catch {
      #expect(error.field == "fixed_c")
      #expect(error.message.contains("34.0–39.0"))
    }
  }

  @Test func adaptiveOffsetAndGuardBandAreChecked() {
    #expect(
      throws: ScreeningConfigurationError(
        field: "baseline_offset_c", message: "must be 0.3–2.0 °C in 0.1 °C steps, got 0.2")
    ) {
      try ThresholdPolicy(mode: .adaptive(offsetC: 0.2, idleReset: 60))
    }
    #expect(throws: ScreeningConfigurationError.self) { try ThresholdPolicy(guardBandC: 1.5) }
    #expect(throws: ScreeningConfigurationError.self) {
      try ThresholdPolicy(mode: .adaptive(offsetC: 1.0, idleReset: 0))
    }
  }

  @Test func aThresholdChangesTheDecision() throws {
    var strict = pipeline(threshold: try ThresholdPolicy(fixedThresholdC: 36.5, guardBandC: 0))
    #expect(strict.classify(screening(36.6), person: nil).screeningClass == .elevated)
    #expect(strict.classify(screening(36.4), person: nil).screeningClass == .normal)
  }
}

@Suite struct DeviceLifecycleTests {
  @Test func warmUpEndsInScreeningsModeToo() {
    var entrance = pipeline(warmUp: 600)
    #expect(entrance.classify(screening(36.0, at: 1000), person: nil).reason == .warmingUp)
    #expect(entrance.classify(screening(36.0, at: 1599), person: nil).reason == .warmingUp)
    #expect(entrance.classify(screening(36.0, at: 1600), person: nil).screeningClass == .normal)
  }

  @Test func aNewDeviceBringsItsCalibrationAndWarmUpAndKeepsOpenRechecks() {
    var entrance = pipeline()
    _ = entrance.classify(screening(37.5, at: 0), person: "W-1")
    entrance.deviceChanged(calibration: DeviceCalibration(id: "cal-2", offsetC: -0.5), warmUp: 60, at: 10)
    #expect(entrance.classify(screening(37.5, at: 20), person: "W-1").reason == .warmingUp)
    let after = entrance.classify(screening(37.5, at: 80), person: "W-1")
    #expect(after.calibrationID == "cal-2")
    #expect(after.skinC == 37.0)
    #expect(after.screeningClass == .normal)
    #expect(after.reason == .recheckCleared)
  }
}
