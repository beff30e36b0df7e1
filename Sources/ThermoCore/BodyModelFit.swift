/// One paired observation: what the forehead thermometer saw, the room, and the oral reference.
public struct PairedObservation: Sendable, Equatable {
  public var subject: String
  public var skinC: Celsius
  public var ambientC: Celsius
  public var oralC: Celsius

  public init(subject: String, skinC: Celsius, ambientC: Celsius, oralC: Celsius) {
    self.subject = subject
    self.skinC = skinC
    self.ambientC = ambientC
    self.oralC = oralC
  }
}

/// How a body model agrees with the reference (ISO 80601-2-56 terms) and how the fever decision
/// built on it performs.
public struct BodyModelAssessment: Sendable, Equatable {
  public var observations: Int
  public var subjects: Int
  /// Mean of (estimate − oral).
  public var biasC: Celsius
  public var differenceStandardDeviationC: Celsius
  public var lowerLimitOfAgreementC: Celsius { biasC - 1.96 * differenceStandardDeviationC }
  public var upperLimitOfAgreementC: Celsius { biasC + 1.96 * differenceStandardDeviationC }
  public var feverReferenceC: Celsius
  public var thresholdC: Celsius
  public var feverObservations: Int
  public var truePositives: Int
  public var trueNegatives: Int
  public var sensitivity: Double { feverObservations == 0 ? .nan : Double(truePositives) / Double(feverObservations) }
  public var specificity: Double {
    let negatives = observations - feverObservations
    return negatives == 0 ? .nan : Double(trueNegatives) / Double(negatives)
  }

  /// Compares `model` with the oral reference; a fever is oral ≥ `feverReferenceC`, an alarm is
  /// an estimate ≥ `thresholdC`.
  public init(
    model: BodyModel, observations: [PairedObservation], thresholdC: Celsius,
    feverReferenceC: Celsius = 37.5
  ) {
    var sum = 0.0
    var sumOfSquares = 0.0
    var fevers = 0
    var truePositives = 0
    var trueNegatives = 0
    var subjects = Set<String>()
    for observation in observations {
      let estimate = model.bodyEstimate(skinC: observation.skinC, ambientC: observation.ambientC)
      let difference = estimate - observation.oralC
      sum += difference
      sumOfSquares += difference * difference
      subjects.insert(observation.subject)
      let fever = observation.oralC >= feverReferenceC
      let alarm = estimate >= thresholdC
      if fever { fevers += 1 }
      if fever && alarm { truePositives += 1 }
      if !fever && !alarm { trueNegatives += 1 }
    }
    let count = Double(observations.count)
    let mean = count > 0 ? sum / count : .nan
    self.observations = observations.count
    self.subjects = subjects.count
    biasC = mean
    differenceStandardDeviationC =
      count > 1 ? ((sumOfSquares - count * mean * mean) / (count - 1)).squareRoot() : .nan
    self.feverReferenceC = feverReferenceC
    self.thresholdC = thresholdC
    feverObservations = fevers
    self.truePositives = truePositives
    self.trueNegatives = trueNegatives
  }
}

public enum BodyModelFitError: Error, Equatable, CustomStringConvertible {
  case tooFewObservations(Int)
  case singular(String)

  public var description: String {
    switch self {
    case .tooFewObservations(let count):
      "a linear body model needs at least 4 paired observations, got \(count)"
    case .singular(let detail): "the cohort does not determine the model: \(detail)"
    }
  }
}

extension BodyModel {
  /// Ordinary least squares of oral on skin and ambient. Each observation counts once (a spot
  /// thermometer measures once, so single rounds, not per-subject means, are the right unit).
  public static func fit(
    _ observations: [PairedObservation], version: String
  ) throws(BodyModelFitError) -> BodyModel {
    guard observations.count >= 4 else { throw .tooFewObservations(observations.count) }
    // Centre the columns first: temperatures near 35 °C make the raw normal equations
    // ill-conditioned.
    let count = Double(observations.count)
    var meanSkin = 0.0
    var meanAmbient = 0.0
    var meanOral = 0.0
    for observation in observations {
      meanSkin += observation.skinC
      meanAmbient += observation.ambientC
      meanOral += observation.oralC
    }
    meanSkin /= count
    meanAmbient /= count
    meanOral /= count
    var sss = 0.0, ssa = 0.0, saa = 0.0, sso = 0.0, sao = 0.0
    for observation in observations {
      let skin = observation.skinC - meanSkin
      let ambient = observation.ambientC - meanAmbient
      let oral = observation.oralC - meanOral
      sss += skin * skin
      ssa += skin * ambient
      saa += ambient * ambient
      sso += skin * oral
      sao += ambient * oral
    }
    guard sss > 0 else { throw .singular("every skin reading is the same") }
    let skinCoefficient: Double
    let ambientCoefficient: Double
    let determinant = sss * saa - ssa * ssa
    if saa <= 1e-12 * sss || abs(determinant) <= 1e-12 * sss * saa {
      // A single room temperature (or one collinear with skin) cannot separate the two effects:
      // fit skin alone and say so through a zero ambient term.
      skinCoefficient = sso / sss
      ambientCoefficient = 0
    } else {
      skinCoefficient = (sso * saa - sao * ssa) / determinant
      ambientCoefficient = (sss * sao - ssa * sso) / determinant
    }
    let intercept = meanOral - skinCoefficient * meanSkin - ambientCoefficient * meanAmbient
    return BodyModel(
      version: version, intercept: intercept, skinCoefficient: skinCoefficient,
      ambientCoefficient: ambientCoefficient)
  }
}
