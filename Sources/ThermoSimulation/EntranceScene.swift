import Foundation
import ThermoCore

/// What an infrared thermometer at an entrance sees over time: the background while nobody is
/// there, and people one after another, each walking up (the object reading rising from the
/// background to their skin temperature), standing for a few seconds, and walking away. Noise,
/// a slow sensor drift, a share of febrile people and some who come in from the cold (skin
/// colder than their body suggests) make it realistic enough to exercise the screening core.
///
/// Deterministic for a seed; time is passed in, never read, so tests and `--speed` can run it
/// faster than real time.
public struct EntranceScene: Sendable {
  public struct Settings: Sendable, Equatable {
    public var arrivalsPerMinute = 4.0
    public var febrileShare = 0.05
    public var coldArrivalShare = 0.1
    public var roomC = 22.0
    /// The wall or floor behind the subject, relative to the room.
    public var backgroundOffsetC = -0.5
    public var noiseC = 0.05
    /// Peak of a slow sinusoidal sensor drift, with a one-hour period.
    public var driftC = 0.1
    /// The sensor head runs a little warmer than the room (its own electronics).
    public var headSelfHeatingC = 0.3
    public var approachSeconds = 1.0
    public var standSeconds = 2.5...5.0
    public var leaveSeconds = 0.8
    /// Share of people who walk past without stopping (too short a stand for a stable reading).
    public var passThroughShare = 0.05
    /// The shortest gap between one person leaving and the next arriving (a queue).
    public var minimumGapSeconds = 0.3
    /// Spread of skin temperature around what the body model predicts. 0.6 °C of skin is the
    /// body model's own residual (SD 0.37 °C of body over the cohort, README) divided by its
    /// skin coefficient, so the simulated core is no more accurate than the real one.
    public var skinScatterC = 0.6
    /// A constant error of this sensor, for calibration to correct.
    public var sensorBiasC = 0.0
    /// How much colder the skin of someone coming in from the cold reads.
    public var coldSkinDropC = 1.5...4.0
    /// People this warm (body; the gateway holds from threshold 37.3 less its 0.1 guard band) are
    /// held at the gate and present again for a re-check after
    /// `recheckDelaySeconds`, as the guard would send them: the same work ID, the same body,
    /// a fresh skin reading. Infinity: nobody comes back.
    public var recheckBodyC = 37.2
    public var recheckDelaySeconds = 120.0
    /// People carry work IDs E10000 up to E10000 + this − 1 (a site's staff, for a directory).
    public var staffCount = 90_000

    public init() {}
  }

  /// One simulated person and what they will read.
  public struct Visitor: Sendable, Equatable {
    public var workID: String
    public var arrival: Double
    public var bodyC: Double
    public var skinC: Double
    public var standSeconds: Double
    public var isFebrile: Bool
    public var isFromTheCold: Bool
    /// Back at the sensor for a re-check after being held.
    public var isRecheck = false
  }

  public let settings: Settings
  public let bodyModel: BodyModel
  private var random: SeededRandom
  private var upcoming: Visitor
  private var current: Visitor?
  /// Held people waiting to be re-checked, earliest first.
  private var returning: [Visitor] = []

  public init(seed: UInt64, settings: Settings = Settings(), bodyModel: BodyModel = .foreheadMaxV1) {
    self.settings = settings
    self.bodyModel = bodyModel
    random = SeededRandom(seed: seed)
    upcoming = Visitor(
      workID: "", arrival: 0, bodyC: 0, skinC: 0, standSeconds: 0, isFebrile: false, isFromTheCold: false)
    upcoming = makeVisitor(notBefore: 2)
  }

  private var passSeconds: Double { settings.approachSeconds + settings.leaveSeconds }

  private mutating func makeVisitor(notBefore earliest: Double) -> Visitor {
    let arrival = earliest + random.exponential(rate: max(settings.arrivalsPerMinute, 0.001) / 60)
    // A held person due back comes before the next newcomer.
    if let held = returning.first, held.arrival <= arrival {
      returning.removeFirst()
      var again = held
      again.arrival = max(held.arrival, earliest)
      again.skinC = skin(forBody: held.bodyC, fromTheCold: false)
      return again
    }
    let isFebrile = Double.random(in: 0..<1, using: &random) < settings.febrileShare
    let isFromTheCold = Double.random(in: 0..<1, using: &random) < settings.coldArrivalShare
    let bodyC =
      isFebrile
      ? random.normal(mean: 38.6, standardDeviation: 0.5) : random.normal(mean: 36.8, standardDeviation: 0.3)
    let skinC = skin(forBody: bodyC, fromTheCold: isFromTheCold)
    let visitor = Visitor(
      workID: String(format: "E%05d", 10_000 + Int(random.next() % UInt64(max(1, settings.staffCount)))),
      arrival: arrival, bodyC: bodyC, skinC: skinC,
      standSeconds: Double.random(in: 0..<1, using: &random) < settings.passThroughShare
        ? Double.random(in: 0.1...0.5, using: &random) : Double.random(in: settings.standSeconds, using: &random),
      isFebrile: isFebrile, isFromTheCold: isFromTheCold)
    if bodyC >= settings.recheckBodyC, settings.recheckDelaySeconds.isFinite {
      var held = visitor
      held.arrival = arrival + settings.recheckDelaySeconds
      // A re-check is a deliberate stop in front of the sensor.
      held.standSeconds = max(visitor.standSeconds, settings.standSeconds.lowerBound)
      held.isFromTheCold = false
      held.isRecheck = true
      returning.append(held)
      returning.sort { $0.arrival < $1.arrival }
    }
    return visitor
  }

  private mutating func skin(forBody bodyC: Double, fromTheCold: Bool) -> Double {
    var skinC =
      (bodyC - bodyModel.intercept - bodyModel.ambientCoefficient * settings.roomC) / bodyModel.skinCoefficient
    skinC += random.normal(mean: 0, standardDeviation: settings.skinScatterC)
    if fromTheCold { skinC -= Double.random(in: settings.coldSkinDropC, using: &random) }
    return skinC
  }

  /// The visitor in front of the sensor at `time`, or nil.
  public var visitor: Visitor? { current }

  /// The object and head temperatures the sensor reads at `time`. Times must not go backwards;
  /// an earlier time is treated as the latest one seen.
  public mutating func reading(at time: Double) -> (objectC: Double, ambientC: Double) {
    // A scene first read on the wall clock (the daemon's) starts its people from then, rather
    // than walking everyone past since 1970.
    if time - upcoming.arrival > 3600 {
      returning.removeAll()
      upcoming = makeVisitor(notBefore: time + 2)
    }
    while time >= upcoming.arrival + upcoming.standSeconds + passSeconds {
      upcoming = makeVisitor(
        notBefore: upcoming.arrival + upcoming.standSeconds + passSeconds + settings.minimumGapSeconds)
    }
    let drift = settings.driftC * sin(2 * .pi * time / 3600)
    let background = settings.roomC + settings.backgroundOffsetC
    var object = background
    current = nil
    if time >= upcoming.arrival {
      current = upcoming
      let since = time - upcoming.arrival
      let standEnd = settings.approachSeconds + upcoming.standSeconds
      let presence: Double
      if since < settings.approachSeconds {
        presence = smoothstep(since / settings.approachSeconds)
      } else if since < standEnd {
        presence = 1
      } else {
        presence = 1 - smoothstep((since - standEnd) / settings.leaveSeconds)
      }
      object = background + (upcoming.skinC - background) * presence
    }
    object += drift + settings.sensorBiasC + random.normal(mean: 0, standardDeviation: settings.noiseC)
    let head = settings.roomC + settings.headSelfHeatingC + random.normal(mean: 0, standardDeviation: 0.01)
    return ((object * 100).rounded() / 100, (head * 100).rounded() / 100)
  }

  private func smoothstep(_ x: Double) -> Double {
    let t = min(max(x, 0), 1)
    return t * t * (3 - 2 * t)
  }
}
