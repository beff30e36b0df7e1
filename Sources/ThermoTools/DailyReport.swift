import ThermoStore

/// One day at the site, per entrance and in total: how many were screened and with what result,
/// how many the gates let in or turned away and why, and what the secondary station and the
/// doctors made of those sent there. Counts only: no person appears in it, so it can go upward.
public struct DailyReport: Sendable, Equatable {
  public struct Figures: Sendable, Equatable {
    public var entrance: String
    /// Screenings by class (`normal`, `elevated`, `fever`, `retry`, …).
    public var screenings: [String: Int] = [:]
    public var granted = 0
    /// Denials by reason.
    public var denied: [String: Int] = [:]
    /// Secondary cases by outcome: `waiting`, `cleared_clinical`, `cleared_infrared`,
    /// `fever_clinical`, `fever_infrared`.
    public var secondary: [String: Int] = [:]
    /// Dispositions of confirmed fevers; `none` for those without one yet.
    public var dispositions: [String: Int] = [:]

    public init(entrance: String) { self.entrance = entrance }

    public var screened: Int { screenings.values.reduce(0, +) }
    public var deniedTotal: Int { denied.values.reduce(0, +) }

    mutating func add(_ other: Figures) {
      screenings.merge(other.screenings, uniquingKeysWith: +)
      granted += other.granted
      denied.merge(other.denied, uniquingKeysWith: +)
      secondary.merge(other.secondary, uniquingKeysWith: +)
      dispositions.merge(other.dispositions, uniquingKeysWith: +)
    }
  }

  public var entrances: [Figures]
  public var total: Figures

  public init(screenings: [String: [String: Int]], passages: [PassageCount], secondary: [SecondaryCount]) {
    var byEntrance: [String: Figures] = [:]
    func update(_ entrance: String, _ change: (inout Figures) -> Void) {
      var figures = byEntrance[entrance] ?? Figures(entrance: entrance)
      change(&figures)
      byEntrance[entrance] = figures
    }
    for (entrance, classes) in screenings { update(entrance) { $0.screenings.merge(classes, uniquingKeysWith: +) } }
    for count in passages {
      update(count.entrance) { figures in
        if count.outcome == "granted" {
          figures.granted += count.count
        } else {
          figures.denied[count.reason, default: 0] += count.count
        }
      }
    }
    for count in secondary {
      update(count.entrance) { figures in
        let key =
          count.status == "waiting"
          ? "waiting" : "\(count.status)_\(count.settledHow == "clinical" ? "clinical" : "infrared")"
        figures.secondary[key, default: 0] += count.count
        if count.status == "fever" {
          figures.dispositions[count.disposition.isEmpty ? "none" : count.disposition, default: 0] += count.count
        }
      }
    }
    entrances = byEntrance.values.sorted { $0.entrance < $1.entrance }
    var total = Figures(entrance: "all")
    for figures in entrances { total.add(figures) }
    self.total = total
  }
}
