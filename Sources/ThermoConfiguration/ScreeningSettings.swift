import Foundation
import ThermoCore
import Yams

/// The screening part of a gateway configuration: defaults for every entrance, per-entrance
/// overrides and per-device settings. Loaded from YAML with every problem reported as
/// `file:line:column: message`.
public struct ScreeningSettings: Sendable, Equatable {
  /// What belongs to one thermometer rather than to the entrance it serves.
  public struct DeviceSettings: Sendable, Equatable {
    public var calibration: DeviceCalibration?
    /// Overrides the entrance's warm-up for this device (its model's settling time).
    public var warmUp: Seconds?

    public init(calibration: DeviceCalibration? = nil, warmUp: Seconds? = nil) {
      self.calibration = calibration
      self.warmUp = warmUp
    }
  }

  public var defaults: EntranceConfiguration
  public var entrances: [String: EntranceConfiguration]
  public var devices: [String: DeviceSettings]

  public init(
    defaults: EntranceConfiguration = EntranceConfiguration(),
    entrances: [String: EntranceConfiguration] = [:], devices: [String: DeviceSettings] = [:]
  ) {
    self.defaults = defaults
    self.entrances = entrances
    self.devices = devices
  }

  /// The pipeline configuration for one entrance read by one device.
  public func configuration(entrance: String, device: String?) -> EntranceConfiguration {
    var configuration = entrances[entrance] ?? defaults
    guard let device, let settings = devices[device] else { return configuration }
    if let calibration = settings.calibration { configuration.calibration = calibration }
    if let warmUp = settings.warmUp { configuration.warmUp = warmUp }
    return configuration
  }

  public static func load(path: String) throws(ConfigProblems) -> ScreeningSettings {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ConfigProblems([
        ConfigProblem(file: path, line: 1, column: 1, message: "cannot read the configuration file")
      ])
    }
    return try parse(String(decoding: data, as: UTF8.self), file: path)
  }

  public static func parse(_ text: String, file: String) throws(ConfigProblems) -> ScreeningSettings {
    guard let root = try YAMLReader.compose(text, file: file) else { return ScreeningSettings() }
    var loader = Loader(reader: YAMLReader(file: file))
    let settings = loader.settings(root)
    if loader.reader.problems.isEmpty { return settings }
    throw ConfigProblems(loader.reader.problems)
  }

  struct Loader {
    var reader: YAMLReader
    static let screeningKeys = ["threshold", "detector", "recheck_window_s", "warm_up_s", "body_model"]

    /// The screening parts of a configuration; the gateway's own keys (devices, sinks, …) are
    /// accepted here and checked by `GatewayConfiguration`, so one file serves both.
    mutating func settings(_ root: Node) -> ScreeningSettings {
      guard let top = reader.mapping(root, "the configuration", allowed: GatewayConfiguration.topLevelKeys) else {
        return ScreeningSettings()
      }
      return settings(top: top)
    }

    mutating func settings(top: [String: Node]) -> ScreeningSettings {
      var settings = ScreeningSettings()
      if let screening = top["screening"],
        let fields = reader.mapping(screening, "screening", allowed: Self.screeningKeys)
      {
        settings.defaults = entrance(fields, "screening", base: settings.defaults)
      }
      if let list = top["entrances"], let items = reader.sequence(list, "entrances") {
        for (index, item) in items.enumerated() {
          let path = "entrances[\(index)]"
          guard
            let fields = reader.mapping(
              item, path, allowed: ["name"] + Self.screeningKeys + GatewayConfiguration.entranceBindingKeys)
          else { continue }
          guard let nameNode = fields["name"] else {
            reader.report(item, "\(path) needs a 'name'")
            continue
          }
          guard let name = reader.string(nameNode, "\(path).name") else { continue }
          if settings.entrances[name] != nil {
            reader.report(nameNode, "entrance '\(name)' is defined twice")
            continue
          }
          settings.entrances[name] = entrance(fields, path, base: settings.defaults)
        }
      }
      if let devices = top["devices"], let items = reader.sequence(devices, "devices") {
        for (index, item) in items.enumerated() {
          let path = "devices[\(index)]"
          guard let fields = reader.mapping(item, path, allowed: ["id", "calibration", "warm_up_s"]) else {
            continue
          }
          guard let idNode = fields["id"], let id = reader.string(idNode, "\(path).id") else {
            if fields["id"] == nil { reader.report(item, "\(path) needs an 'id'") }
            continue
          }
          if settings.devices[id] != nil {
            reader.report(idNode, "device '\(id)' is defined twice")
            continue
          }
          var device = DeviceSettings()
          if let node = fields["calibration"] { device.calibration = calibration(node, "\(path).calibration") }
          if let node = fields["warm_up_s"] { device.warmUp = reader.double(node, "\(path).warm_up_s", in: 0...86_400) }
          settings.devices[id] = device
        }
      }
      return settings
    }

    /// Applies the screening keys of one mapping (already checked for unknown keys) over `base`.
    mutating func entrance(_ fields: [String: Node], _ path: String, base: EntranceConfiguration)
      -> EntranceConfiguration
    {
      var configuration = base
      if let value = fields["recheck_window_s"],
        let seconds = reader.double(value, "\(path).recheck_window_s", in: 10...86_400)
      {
        configuration.recheckWindow = seconds
      }
      if let value = fields["warm_up_s"], let seconds = reader.double(value, "\(path).warm_up_s", in: 0...86_400) {
        configuration.warmUp = seconds
      }
      if let value = fields["body_model"] {
        if let model = bodyModel(value, "\(path).body_model") { configuration.bodyModel = model }
      }
      if let value = fields["detector"] {
        configuration.detector = detector(value, "\(path).detector", base: configuration.detector)
      }
      if let value = fields["threshold"] {
        configuration.threshold = threshold(value, "\(path).threshold", base: configuration.threshold)
      }
      return configuration
    }

    mutating func bodyModel(_ node: Node, _ path: String) -> BodyModel? {
      if case .mapping = node { return BodyModelFile.read(node, path: path, reader: &reader) }
      guard let name = reader.string(node, path) else { return nil }
      if name == BodyModel.foreheadMaxV1.version { return .foreheadMaxV1 }
      let directory = (reader.file as NSString).deletingLastPathComponent
      let resolved = name.hasPrefix("/") ? name : (directory as NSString).appendingPathComponent(name)
      do {
        return try BodyModelFile.load(path: resolved)
      } catch {
        reader.report(
          node, "\(path): cannot use '\(name)': \(error.problems.map(\.description).joined(separator: "; "))")
        return nil
      }
    }

    mutating func threshold(_ node: Node, _ path: String, base: ThresholdPolicy) -> ThresholdPolicy {
      let keys = ["mode", "fixed_c", "guard_band_c", "confirm_offset_c", "baseline_offset_c", "baseline_idle_reset_s"]
      guard let fields = reader.mapping(node, path, allowed: keys) else { return base }
      var offset = 1.0
      var idleReset: Seconds = 1800
      if case .adaptive(let baseOffset, let baseIdle) = base.mode {
        offset = baseOffset
        idleReset = baseIdle
      }
      var adaptive = { if case .adaptive = base.mode { return true } else { return false } }()
      if let value = fields["mode"], let mode = reader.string(value, "\(path).mode") {
        switch mode {
        case "fixed": adaptive = false
        case "adaptive": adaptive = true
        default: reader.report(value, "\(path).mode must be 'fixed' or 'adaptive', got '\(mode)'")
        }
      }
      var fixed = base.fixedThresholdC
      var guardBand = base.guardBandC
      var confirmOffset = base.confirmOffsetC
      if let value = fields["fixed_c"], let number = reader.double(value, "\(path).fixed_c") { fixed = number }
      if let value = fields["guard_band_c"], let number = reader.double(value, "\(path).guard_band_c") {
        guardBand = number
      }
      if let value = fields["confirm_offset_c"], let number = reader.double(value, "\(path).confirm_offset_c") {
        confirmOffset = number
      }
      if let value = fields["baseline_offset_c"], let number = reader.double(value, "\(path).baseline_offset_c") {
        offset = number
      }
      if let value = fields["baseline_idle_reset_s"],
        let number = reader.double(value, "\(path).baseline_idle_reset_s")
      {
        idleReset = number
      }
      do {
        return try ThresholdPolicy(
          mode: adaptive ? .adaptive(offsetC: offset, idleReset: idleReset) : .fixed,
          fixedThresholdC: fixed, guardBandC: guardBand, confirmOffsetC: confirmOffset)
      } catch {
        reader.report(fields[error.field] ?? node, "\(path).\(error.field) \(error.message)")
        return base
      }
    }

    mutating func detector(_ node: Node, _ path: String, base: DetectorConfiguration) -> DetectorConfiguration {
      var configuration = base
      let doubles: [(String, WritableKeyPath<DetectorConfiguration, Double>)] = [
        ("presence_margin_c", \.presenceMarginC), ("departure_margin_c", \.departureMarginC),
        ("burst_window_s", \.burstWindow), ("maximum_spread_c", \.maximumSpreadC),
        ("maximum_sample_gap_s", \.maximumSampleGap), ("departure_gap_s", \.departureGap),
        ("stuck_minimum_duration_s", \.stuckMinimumDuration), ("stuck_idle_duration_s", \.stuckIdleDuration),
        ("screened_pass_timeout_s", \.screenedPassTimeout), ("badge_hold_time_s", \.badgeHoldTime),
      ]
      let integers: [(String, WritableKeyPath<DetectorConfiguration, Int>)] = [
        ("minimum_burst_samples", \.minimumBurstSamples), ("departure_samples", \.departureSamples),
        ("error_samples_for_fault", \.errorSamplesForFault), ("stuck_sample_count", \.stuckSampleCount),
        ("burst_capacity", \.burstCapacity),
      ]
      let keys = doubles.map(\.0) + integers.map(\.0) + ["burst_value", "skin_range_c"]
      guard let fields = reader.mapping(node, path, allowed: keys) else { return base }
      for (key, keyPath) in doubles {
        if let value = fields[key], let number = reader.double(value, "\(path).\(key)") {
          configuration[keyPath: keyPath] = number
        }
      }
      for (key, keyPath) in integers {
        if let value = fields[key], let number = reader.integer(value, "\(path).\(key)", in: 1...100_000) {
          configuration[keyPath: keyPath] = number
        }
      }
      if let value = fields["skin_range_c"], let items = reader.sequence(value, "\(path).skin_range_c") {
        let bounds = items.compactMap { reader.double($0, "\(path).skin_range_c") }
        if items.count != 2 {
          reader.report(value, "\(path).skin_range_c must be a list of two numbers [lowest, highest]")
        } else if bounds.count == 2, bounds[0] < bounds[1] {
          configuration.plausibleSkinRangeC = bounds[0]...bounds[1]
        } else if bounds.count == 2 {
          reader.report(value, "\(path).skin_range_c must list the lowest value first")
        }
      }
      if let value = fields["burst_value"], let name = reader.string(value, "\(path).burst_value") {
        if let rule = DetectorConfiguration.BurstValue(rawValue: name) {
          configuration.burstValue = rule
        } else {
          reader.report(value, "\(path).burst_value must be 'median' or 'maximum', got '\(name)'")
        }
      }
      do {
        return try configuration.validated()
      } catch {
        reader.report(fields[error.field] ?? node, "\(path).\(error.field) \(error.message)")
        return base
      }
    }

    mutating func calibration(_ node: Node, _ path: String) -> DeviceCalibration? {
      guard let fields = reader.mapping(node, path, allowed: ["id", "offset_c", "gain"]) else { return nil }
      guard let idNode = fields["id"] else {
        reader.report(node, "\(path) needs an 'id' (the calibration record it comes from)")
        return nil
      }
      guard let id = reader.string(idNode, "\(path).id") else { return nil }
      var calibration = DeviceCalibration(id: id)
      if let value = fields["offset_c"], let number = reader.double(value, "\(path).offset_c", in: -1...1) {
        calibration.offsetC = number
      }
      if let value = fields["gain"], let number = reader.double(value, "\(path).gain", in: 0.95...1.05) {
        calibration.gain = number
      }
      return calibration
    }
  }
}
