import Foundation
import Testing
import ThermoCore
import ThermoTools

/// The fit is checked against numbers this file computes its own way: the uncentred normal
/// equations solved by Cramer's rule, and plain two-pass statistics.
@Suite struct BodyModelFitTests {
  static let cohortPath = Bundle.module.path(forResource: "flir-group1", ofType: "csv", inDirectory: "Fixtures")

  static func independentFit(_ rows: [PairedObservation]) -> (Double, Double, Double) {
    var m = [[Double]](repeating: [Double](repeating: 0, count: 3), count: 3)
    var v = [Double](repeating: 0, count: 3)
    for row in rows {
      let x = [1, row.skinC, row.ambientC]
      for i in 0..<3 {
        v[i] += x[i] * row.oralC
        for j in 0..<3 { m[i][j] += x[i] * x[j] }
      }
    }
    func det(_ a: [[Double]]) -> Double {
      a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
        + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0])
    }
    let d = det(m)
    func replaced(_ column: Int) -> [[Double]] {
      var copy = m
      for row in 0..<3 { copy[row][column] = v[row] }
      return copy
    }
    return (det(replaced(0)) / d, det(replaced(1)) / d, det(replaced(2)) / d)
  }

  @Test func exactDataIsRecoveredExactly() throws {
    var rows: [PairedObservation] = []
    for index in 0..<40 {
      let skin = 33.0 + Double(index % 9) * 0.4
      let ambient = 18.0 + Double(index % 7) * 1.5
      rows.append(
        PairedObservation(
          subject: "s\(index)", skinC: skin, ambientC: ambient, oralC: 14.0 + 0.65 * skin - 0.04 * ambient))
    }
    let model = try BodyModel.fit(rows, version: "exact")
    #expect(abs(model.intercept - 14.0) < 1e-9)
    #expect(abs(model.skinCoefficient - 0.65) < 1e-11)
    #expect(abs(model.ambientCoefficient + 0.04) < 1e-11)
    let assessment = BodyModelAssessment(model: model, observations: rows, thresholdC: 37.3)
    #expect(abs(assessment.biasC) < 1e-9)
    #expect(assessment.differenceStandardDeviationC < 1e-9)
  }

  @Test func aSingleRoomTemperatureFallsBackToSkinOnly() throws {
    let rows = (0..<10).map {
      PairedObservation(subject: "s\($0)", skinC: 34 + Double($0) * 0.2, ambientC: 22, oralC: 36 + Double($0) * 0.1)
    }
    let model = try BodyModel.fit(rows, version: "one-room")
    #expect(model.ambientCoefficient == 0)
    #expect(abs(model.skinCoefficient - 0.5) < 1e-12)
    #expect(throws: BodyModelFitError.tooFewObservations(2)) { try BodyModel.fit(Array(rows.prefix(2)), version: "x") }
  }

  @Test func theCohortFitMatchesAnIndependentSolutionAndTheShippedDefault() throws {
    let path = try #require(Self.cohortPath)
    let cohort = try CohortFile(path: path, site: .foreheadMax)
    #expect(cohort.observations.count == 2139)
    #expect(Set(cohort.observations.map(\.subject)).count == 544)
    let model = try BodyModel.fit(cohort.observations, version: "check")
    let (a, b, c) = Self.independentFit(cohort.observations)
    #expect(abs(model.intercept - a) < 1e-6)
    #expect(abs(model.skinCoefficient - b) < 1e-8)
    #expect(abs(model.ambientCoefficient - c) < 1e-8)
    let shipped = BodyModel.foreheadMaxV1
    #expect(abs(shipped.intercept - a) < 1e-6)
    #expect(abs(shipped.skinCoefficient - b) < 1e-6)
    #expect(abs(shipped.ambientCoefficient - c) < 1e-6)

    let differences = cohort.observations.map { model.bodyEstimate(skinC: $0.skinC, ambientC: $0.ambientC) - $0.oralC }
    let mean = differences.reduce(0, +) / Double(differences.count)
    let sd = (differences.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(differences.count - 1)).squareRoot()
    let assessment = BodyModelAssessment(model: model, observations: cohort.observations, thresholdC: 37.3)
    #expect(abs(assessment.biasC - mean) < 1e-9)
    #expect(abs(assessment.differenceStandardDeviationC - sd) < 1e-9)
    #expect(abs(assessment.upperLimitOfAgreementC - (mean + 1.96 * sd)) < 1e-9)
    let fevers = cohort.observations.filter { $0.oralC >= 37.5 }
    let caught = fevers.filter { model.bodyEstimate(skinC: $0.skinC, ambientC: $0.ambientC) >= 37.3 }
    #expect(assessment.feverObservations == fevers.count)
    #expect(abs(assessment.sensitivity - Double(caught.count) / Double(fevers.count)) < 1e-12)
  }

  @Test func otherSitesReadTheirOwnColumns() throws {
    let path = try #require(Self.cohortPath)
    let forehead = try CohortFile(path: path, site: .foreheadMax)
    let canthus = try CohortFile(path: path, site: .canthus)
    #expect(canthus.observations.first?.skinC == 35.36)  // canthiMax1 of subject 161117-1
    #expect(forehead.observations.first?.skinC == 34.47)  // T_FH_Max1
    #expect(forehead.observations.first?.oralC == 36.59)
    #expect(forehead.observations.first?.ambientC == 24)
  }
}
