import ThermoCore

/// A deterministic six-entrance stream at 20 Hz: mostly empty scenes, people passing with
/// sensor noise, some febrile, some cold, some unstable. Generated once, outside measurement.
enum SyntheticStream {
  static let entrances = 6

  /// Interleaved samples: entry i belongs to entrance `i % entrances`.
  static func make(samplesPerEntrance: Int) -> [Sample] {
    var generator = SplitMix64(seed: 0x7E57_6A7E)
    var perEntrance: [[Sample]] = []
    for entrance in 0..<entrances {
      var samples: [Sample] = []
      samples.reserveCapacity(samplesPerEntrance)
      var time = Double(entrance) * 0.01
      let ambient = 20.0 + Double(entrance) * 0.7
      while samples.count < samplesPerEntrance {
        let idle = 20 + Int(generator.next() % 60)
        for _ in 0..<idle {
          samples.append(Sample(time: time, objectC: ambient + 0.4 + generator.noise(0.05), ambientC: ambient))
          time += 0.05
        }
        let kind = generator.next() % 10
        let skin: Double =
          switch kind {
          case 0: 36.6  // febrile
          case 1: 31.5  // came in from the cold
          default: 34.6 + Double(generator.next() % 100) / 100
          }
        let hold = 10 + Int(generator.next() % 30)
        for step in 0..<hold {
          let wobble = kind == 2 ? Double(step % 2) * 0.5 : 0  // never settles
          samples.append(
            Sample(
              time: time, objectC: skin + wobble + generator.noise(0.04), ambientC: ambient + generator.noise(0.01)))
          time += 0.05
        }
      }
      perEntrance.append(Array(samples.prefix(samplesPerEntrance)))
    }
    var interleaved: [Sample] = []
    interleaved.reserveCapacity(samplesPerEntrance * entrances)
    for index in 0..<samplesPerEntrance {
      for entrance in 0..<entrances { interleaved.append(perEntrance[entrance][index]) }
    }
    return interleaved
  }
}

struct SplitMix64 {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  /// Roughly uniform noise in ±amplitude, quantised to 0.01 °C like a real sensor.
  mutating func noise(_ amplitude: Double) -> Double {
    let unit = Double(next() % 2001) / 1000 - 1
    return (unit * amplitude * 100).rounded() / 100
  }
}
