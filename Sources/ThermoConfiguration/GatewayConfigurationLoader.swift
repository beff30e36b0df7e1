import Foundation
import ThermoCore
import ThermoDevices
import ThermoDispatch
import ThermoStore
import Yams

/// Reads a gateway configuration, collecting every problem with its place in the file.
struct GatewayConfigurationLoader {
  var reader: YAMLReader
  let environment: [String: String]

  private var directory: String { (reader.file as NSString).deletingLastPathComponent }

  mutating func configuration(_ root: Node) -> GatewayConfiguration {
    var configuration = GatewayConfiguration(file: reader.file)
    guard let top = reader.mapping(root, "the configuration", allowed: GatewayConfiguration.topLevelKeys) else {
      return configuration
    }
    var screening = ScreeningSettings.Loader(reader: reader)
    configuration.screening = screening.settings(top: top)
    reader = screening.reader

    if let node = top["site"], let site = name(node, "site") { configuration.site = site }
    if let node = top["state_directory"], let path = reader.string(node, "state_directory") {
      configuration.stateDirectory = resolve(path)
    }
    configuration.databasePath = configuration.stateDirectory + "/thermogate.sqlite"
    if let node = top["database"], let path = reader.string(node, "database") {
      configuration.databasePath = path.hasPrefix("/") ? path : configuration.stateDirectory + "/" + path
    }
    if let node = top["sample_rate_hz"], let rate = reader.double(node, "sample_rate_hz", in: 0.5...100) {
      configuration.sampleRateHz = rate
    }
    if let node = top["gate_hold_s"], let seconds = reader.double(node, "gate_hold_s", in: 5...3600) {
      configuration.maximumGateHold = seconds
    }
    var access = AccessSettings(mode: .screen)
    if let node = top["access"] { access = accessDefaults(node, into: &configuration) }
    if let node = top["entrances"] { configuration.entrances = entrances(node, access: access) }
    if let node = top["sinks"] { configuration.sinks = sinks(node) }
    let sinkNames = Set(configuration.sinks.map(\.name))
    var onCall = OnCallSettingsLoader(reader: reader, directory: directory, sinks: sinkNames)
    configuration.timeZone = onCall.timeZone(top: top)
    configuration.onCall = onCall.plan(top: top, timeZone: configuration.timeZone)
    reader = onCall.reader
    let hasRoster = top["on_call"] != nil || top["on_call_file"] != nil
    if let node = top["routes"] {
      configuration.routes = routes(
        node, sinks: hasRoster ? sinkNames.union([Routing.onCallSink]) : sinkNames,
        entrances: Set(configuration.entrances.map(\.name)))
    } else if top["sinks"] != nil {
      // Sinks without routes: every alert to every sink (the gate only acts on people).
      configuration.routes = [Route(sinks: configuration.sinks.map(\.name))]
    }
    if hasRoster, !configuration.routes.contains(where: { $0.sinks.contains(Routing.onCallSink) }) {
      reader.report(
        top["on_call"] ?? top["on_call_file"],
        "the on-call roster is called by no route: add on_call to a route's sinks (routes: - kinds: [fever], sinks: [gate, log, on_call])"
      )
    }
    if let node = top["alerts"] { alerts(node, into: &configuration) }
    if let node = top["retention"], let fields = reader.mapping(node, "retention", allowed: ["screenings_days"]) {
      if let value = fields["screenings_days"],
        let days = reader.double(value, "retention.screenings_days", in: 1...3650)
      {
        configuration.retentionDays = days
      }
    }
    if let node = top["person_ids"] { configuration.personIDs = personIDs(node) }
    if let node = top["http"] { configuration.http = http(node) }
    if let node = top["secondary"] { configuration.secondary = secondary(node) }
    if configuration.http.token == nil, let token = environment["THERMOGATE_API_TOKEN"], !token.isEmpty {
      if token.count < 16 {
        reader.report(top["http"] ?? root, "THERMOGATE_API_TOKEN must be at least 16 characters")
      } else {
        configuration.http.token = Secret(token)
      }
    }
    return configuration
  }

  // MARK: Entrances

  /// The `access:` section: defaults for every entrance, and the release pulse.
  private mutating func accessDefaults(_ node: Node, into configuration: inout GatewayConfiguration) -> AccessSettings {
    var settings = AccessSettings(mode: .screen)
    guard let fields = reader.mapping(node, "access", allowed: GatewayConfiguration.accessKeys) else { return settings }
    settings = access(fields, "access", base: settings)
    if let value = fields["release_pulse_ms"],
      let milliseconds = reader.double(value, "access.release_pulse_ms", in: 100...2000)
    {
      configuration.releasePulse = milliseconds / 1000
    }
    return settings
  }

  private mutating func access(_ fields: [String: Node], _ path: String, base: AccessSettings) -> AccessSettings {
    var settings = base
    if let node = fields["mode"], let text = reader.string(node, "\(path).mode") {
      if let mode = AccessMode(rawValue: text) {
        settings.mode = mode
      } else {
        reader.report(node, "\(path).mode must be 'access' (ID and a normal reading release one passage) or 'screen'")
      }
    }
    if let node = fields["pairing_window_s"], let seconds = reader.double(node, "\(path).pairing_window_s", in: 1...120)
    {
      settings.pairingWindow = seconds
    }
    return settings
  }

  private mutating func entrances(_ node: Node, access defaults: AccessSettings) -> [GatewayConfiguration.Entrance] {
    // Not a list: already reported by the screening loader, which reads the same node.
    guard case .sequence(let items) = node else { return [] }
    var result: [GatewayConfiguration.Entrance] = []
    var thermometers: [String: String] = [:]
    var badges: [String: String] = [:]
    var gates: [String: String] = [:]
    var names: Set<String> = []
    for (index, item) in items.enumerated() {
      let path = "entrances[\(index)]"
      // Unknown keys were reported by the screening loader, which reads the same mapping.
      guard case .mapping(let mapping) = item else { continue }
      var fields: [String: Node] = [:]
      for (key, value) in mapping { if let key = key.scalar?.string { fields[key] = value } }
      guard let nameNode = fields["name"], let entranceName = name(nameNode, "\(path).name") else { continue }
      guard names.insert(entranceName).inserted else { continue }  // reported as "defined twice"
      guard let thermometerNode = fields["thermometer"] else {
        reader.report(item, "\(path) (entrance '\(entranceName)') needs a 'thermometer' device address")
        continue
      }
      guard let thermometer = address(thermometerNode, "\(path).thermometer") else { continue }
      if case .model(let model) = thermometer.locator, !DeviceAddress.simulatedThermometerKinds.contains(model) {
        reader.report(
          thermometerNode,
          "\(path).thermometer: no simulated thermometer '\(model)' (known: "
            + DeviceAddress.simulatedThermometerKinds.joined(separator: ", ") + ")")
      }
      if thermometer.driver == .relay {
        reader.report(thermometerNode, "\(path).thermometer: a relay is not a thermometer")
      }
      if thermometer.driver != .sim {
        if let other = thermometers[thermometer.description] {
          reader.report(
            thermometerNode, "\(path).thermometer: device \(thermometer) is already bound to entrance '\(other)'")
        }
        thermometers[thermometer.description] = entranceName
      }
      var entrance = GatewayConfiguration.Entrance(name: entranceName, thermometer: thermometer)
      entrance.access = access(fields, path, base: defaults)
      if let node = fields["ambient_reference"], let reference = address(node, "\(path).ambient_reference") {
        if reference == thermometer {
          reader.report(node, "\(path).ambient_reference must be another device than the thermometer")
        } else if reference.driver != .sim {
          if let other = thermometers[reference.description] {
            reader.report(
              node, "\(path).ambient_reference: device \(reference) is already bound to entrance '\(other)'")
          }
          thermometers[reference.description] = entranceName
        }
        entrance.ambientReference = reference
      }
      if let node = fields["badge"], let text = reader.string(node, "\(path).badge") {
        if text == "sim" {
          entrance.badge = .simulated
        } else if text.hasPrefix("/") {
          if let other = badges[text] {
            reader.report(node, "\(path).badge: reader \(text) is already bound to entrance '\(other)'")
          }
          badges[text] = entranceName
          entrance.badge = .evdev(path: text)
        } else {
          reader.report(node, "\(path).badge must be an input device path (/dev/input/by-id/…-event-kbd) or 'sim'")
        }
      }
      if let node = fields["gate"], let gate = address(node, "\(path).gate") {
        let isRelay = gate.driver == .relay || (gate.driver == .sim && gate.locator == .model("relay"))
        if !isRelay {
          reader.report(node, "\(path).gate must be a relay: relay:serial=ID?channel=N (or sim:relay?channel=N)")
        } else if gate.integerOption("channel") == nil {
          reader.report(node, "\(path).gate needs ?channel=N, the relay channel that holds this turnstile")
        } else {
          // One channel, however its number is written (1, 01, 0x1), holds one turnstile.
          var board = gate
          board.options["channel"] = nil
          let key = "\(board)#\(gate.integerOption("channel") ?? 0)"
          if let other = gates[key] {
            reader.report(node, "\(path).gate: relay channel \(gate) already holds entrance '\(other)'")
          }
          gates[key] = entranceName
        }
        entrance.gate = gate
      }
      if entrance.access.mode == .access, entrance.badge == nil {
        // Nobody could ever be let in: every person would be denied for want of an ID.
        reader.report(
          fields["mode"] ?? item,
          "\(path) (entrance '\(entranceName)') is in access mode but has no 'badge' reader to read IDs from")
      }
      result.append(entrance)
    }
    return result
  }

  private mutating func address(_ node: Node, _ path: String) -> DeviceAddress? {
    guard let text = reader.string(node, path) else { return nil }
    do {
      return try DeviceAddress(parsing: text)
    } catch {
      reader.report(node, "\(path): \(error.description)")
      return nil
    }
  }

  /// Entrance, site and sink names end up in metric labels, MQTT topics and URLs.
  private mutating func name(_ node: Node, _ path: String) -> String? {
    guard let text = reader.string(node, path) else { return nil }
    let allowed = text.unicodeScalars.allSatisfy {
      ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
    }
    guard allowed, text.count <= 64 else {
      reader.report(node, "\(path) '\(text)' may use only letters, digits, '-' and '_' (at most 64)")
      return nil
    }
    return text
  }

  private func resolve(_ path: String) -> String {
    path.hasPrefix("/") ? path : (directory as NSString).appendingPathComponent(path)
  }

  // MARK: Sinks and routes

  private mutating func sinks(_ node: Node) -> [GatewayConfiguration.Sink] {
    guard let items = reader.sequence(node, "sinks") else { return [] }
    var result: [GatewayConfiguration.Sink] = []
    for (index, item) in items.enumerated() {
      let path = "sinks[\(index)]"
      let keys = [
        "name", "type", "url", "secret_env", "secret_file", "timeout_s", "host", "port", "username", "password_env",
        "password_file", "ca_file", "smtp_host", "smtp_port", "starttls", "from", "to", "url_env", "at_mobiles",
      ]
      guard let fields = reader.mapping(item, path, allowed: keys) else { continue }
      guard let nameNode = fields["name"], let sinkName = name(nameNode, "\(path).name") else {
        if fields["name"] == nil { reader.report(item, "\(path) needs a 'name'") }
        continue
      }
      if result.contains(where: { $0.name == sinkName }) {
        reader.report(nameNode, "sink '\(sinkName)' is defined twice")
        continue
      }
      guard let typeNode = fields["type"], let type = reader.string(typeNode, "\(path).type") else {
        if fields["type"] == nil { reader.report(item, "\(path) needs a 'type' (\(Self.sinkTypes))") }
        continue
      }
      let allowedByType: [String: Set<String>] = [
        "log": [], "gate": [], "webhook": ["url", "secret_env", "secret_file", "timeout_s"],
        "mqtt": ["host", "port", "username", "password_env", "password_file", "ca_file"],
        "email": [
          "smtp_host", "smtp_port", "starttls", "username", "password_env", "password_file", "from", "to", "ca_file",
          "timeout_s",
        ],
        "dingtalk": ["url_env", "secret_env", "secret_file", "at_mobiles", "timeout_s"],
        "wecom": ["url_env", "at_mobiles", "timeout_s"],
        "feishu": ["url_env", "secret_env", "secret_file", "timeout_s"],
      ]
      guard let ownKeys = allowedByType[type] else {
        reader.report(typeNode, "\(path).type must be \(Self.sinkTypes), got '\(type)'")
        continue
      }
      for key in fields.keys where key != "name" && key != "type" && !ownKeys.contains(key) {
        reader.report(fields[key], "\(path): '\(key)' does not apply to a \(type) sink")
      }
      let kind: GatewayConfiguration.SinkKind?
      switch type {
      case "log": kind = .log
      case "gate": kind = .gate
      case "webhook": kind = webhook(fields, item, path)
      case "mqtt": kind = mqtt(fields, path)
      case "email": kind = email(fields, item, path)
      default: kind = robot(type, fields, item, path)
      }
      if let kind { result.append(GatewayConfiguration.Sink(name: sinkName, kind: kind)) }
    }
    return result
  }

  static let sinkTypes = "log, gate, webhook, mqtt, email, dingtalk, wecom or feishu"

  private mutating func email(_ fields: [String: Node], _ item: Node, _ path: String) -> GatewayConfiguration.SinkKind?
  {
    for key in ["smtp_host", "from", "to"] where fields[key] == nil {
      reader.report(item, "\(path) (e-mail) needs '\(key)'")
    }
    let host = fields["smtp_host"].flatMap { reader.string($0, "\(path).smtp_host") }
    let from = fields["from"].flatMap { mailbox($0, "\(path).from") }
    var to: [String]?
    if let node = fields["to"], let items = reader.sequence(node, "\(path).to") {
      let boxes = items.enumerated().compactMap { mailbox($0.element, "\(path).to[\($0.offset)]") }
      if items.isEmpty { reader.report(node, "\(path).to must name at least one address") }
      to = boxes.count == items.count && !items.isEmpty ? boxes : nil
    }
    guard let host, let from, let to else { return nil }
    var email = GatewayConfiguration.Email(host: host, from: from, to: to)
    if let node = fields["smtp_port"], let port = reader.integer(node, "\(path).smtp_port", in: 1...65535) {
      email.port = port
    }
    if let node = fields["starttls"], let value = bool(node, "\(path).starttls") { email.startTLS = value }
    email.username = fields["username"].flatMap { reader.string($0, "\(path).username") }
    email.password = secret(fields, "password", nil, path, required: false)
    if email.password != nil, email.username == nil {
      reader.report(fields["password_env"] ?? fields["password_file"], "\(path): a password needs a 'username'")
    }
    if email.username != nil, !email.startTLS, !NetworkHost.isLoopback(host) {
      reader.report(
        fields["starttls"],
        "\(path).starttls: false would send the password to \(host) in clear; only a server on this machine may take it"
      )
    }
    email.caFile = caFile(fields, path)
    if let node = fields["timeout_s"], let value = reader.double(node, "\(path).timeout_s", in: 1...300) {
      email.timeoutSeconds = value
    }
    return .email(email)
  }

  /// A bare address (`duty@example.org`): it goes into headers and SMTP commands as it is.
  private mutating func mailbox(_ node: Node, _ path: String) -> String? {
    guard let text = reader.string(node, path) else { return nil }
    let parts = text.split(separator: "@", omittingEmptySubsequences: false)
    let plain = text.unicodeScalars.allSatisfy {
      $0.value > 0x20 && $0.value != 0x7F && !"<>(),;:\"[]\\".unicodeScalars.contains($0)
    }
    guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, plain else {
      reader.report(node, "\(path) must be an e-mail address such as duty@example.org, got '\(text)'")
      return nil
    }
    return text
  }

  /// A chat group's robot: its address from `url_env` (never written in the file, never shown
  /// past its host), its signing secret where the vendor signs, the mobiles it mentions.
  private mutating func robot(_ type: String, _ fields: [String: Node], _ item: Node, _ path: String)
    -> GatewayConfiguration.SinkKind?
  {
    let url = secret(fields, "url", item, path, required: true)
    if let url, let node = fields["url_env"] {
      do {
        _ = try RobotAddress(parsing: url.value)
      } catch {
        reader.report(node, "\(path).url_env: the address in \(node.scalar?.string ?? "it") \(error)")
        return nil
      }
    }
    let signingSecret = type == "wecom" ? nil : secret(fields, "secret", item, path, required: true)
    var atMobiles: [String] = []
    if let node = fields["at_mobiles"], let items = reader.sequence(node, "\(path).at_mobiles") {
      for (index, item) in items.enumerated() {
        guard let mobile = reader.string(item, "\(path).at_mobiles[\(index)]") else { continue }
        guard mobile.count <= 20, mobile.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "+" || $0 == "-") }) else {
          reader.report(item, "\(path).at_mobiles[\(index)] must be a mobile number, got '\(mobile)'")
          continue
        }
        atMobiles.append(mobile)
      }
    }
    var timeout = 5.0
    if let node = fields["timeout_s"], let value = reader.double(node, "\(path).timeout_s", in: 0.1...120) {
      timeout = value
    }
    guard let url else { return nil }
    switch (type, signingSecret) {
    case ("wecom", _): return .wecom(url: url, atMobiles: atMobiles, timeoutSeconds: timeout)
    case ("dingtalk", let secret?):
      return .dingtalk(url: url, secret: secret, atMobiles: atMobiles, timeoutSeconds: timeout)
    case ("feishu", let secret?): return .feishu(url: url, secret: secret, timeoutSeconds: timeout)
    default: return nil
    }
  }

  private mutating func caFile(_ fields: [String: Node], _ path: String) -> String? {
    guard let node = fields["ca_file"], let file = reader.string(node, "\(path).ca_file") else { return nil }
    let caFile = resolve(file)
    if !FileManager.default.isReadableFile(atPath: caFile) {
      reader.report(node, "\(path).ca_file: cannot read \(caFile)")
    }
    return caFile
  }

  private mutating func webhook(_ fields: [String: Node], _ item: Node, _ path: String)
    -> GatewayConfiguration.SinkKind?
  {
    guard let urlNode = fields["url"] else {
      reader.report(item, "\(path) (a webhook) needs a 'url'")
      return nil
    }
    guard let url = reader.string(urlNode, "\(path).url") else { return nil }
    if !(url.hasPrefix("http://") || url.hasPrefix("https://")) || URL(string: url)?.host == nil {
      reader.report(urlNode, "\(path).url must be an http:// or https:// address, got '\(url)'")
    }
    let secret = secret(fields, "secret", item, path, required: true)
    var timeout = 5.0
    if let node = fields["timeout_s"], let value = reader.double(node, "\(path).timeout_s", in: 0.1...120) {
      timeout = value
    }
    guard let secret else { return nil }
    return .webhook(url: url, secret: secret, timeoutSeconds: timeout)
  }

  private mutating func mqtt(_ fields: [String: Node], _ path: String) -> GatewayConfiguration.SinkKind? {
    var host = "127.0.0.1"
    var port = 1883
    if let node = fields["host"], let value = reader.string(node, "\(path).host") { host = value }
    if let node = fields["port"], let value = reader.integer(node, "\(path).port", in: 1...65535) { port = value }
    let username = fields["username"].flatMap { reader.string($0, "\(path).username") }
    let password = secret(fields, "password", nil, path, required: false)
    let caFile = caFile(fields, path)
    if password != nil, username == nil {
      reader.report(fields["password_env"] ?? fields["password_file"], "\(path): a password needs a 'username'")
    }
    return .mqtt(host: host, port: port, username: username, password: password, caFile: caFile)
  }

  /// `<key>_env: NAME` or `<key>_file: PATH`; the value itself never appears in a message.
  private mutating func secret(
    _ fields: [String: Node], _ key: String, _ item: Node?, _ path: String, required: Bool
  ) -> Secret? {
    let envNode = fields["\(key)_env"]
    let fileNode = fields["\(key)_file"]
    if envNode != nil, fileNode != nil {
      reader.report(fileNode, "\(path): give \(key)_env or \(key)_file, not both")
      return nil
    }
    if let envNode, let variable = reader.string(envNode, "\(path).\(key)_env") {
      guard let value = environment[variable], !value.isEmpty else {
        // Name the variable only when it looks like one: a secret pasted here by mistake must
        // not end up in the output or the journal.
        let looksLikeAName =
          !variable.isEmpty && variable.count <= 64
          && variable.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
        reader.report(
          envNode,
          looksLikeAName
            ? "\(path).\(key)_env: environment variable \(variable) is not set"
            : "\(path).\(key)_env must name an environment variable (upper-case letters, digits, _), not hold the secret"
        )
        return nil
      }
      return Secret(value)
    }
    if let fileNode, let file = reader.string(fileNode, "\(path).\(key)_file") {
      guard let data = FileManager.default.contents(atPath: resolve(file)) else {
        reader.report(fileNode, "\(path).\(key)_file: cannot read \(resolve(file))")
        return nil
      }
      let value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
      guard !value.isEmpty else {
        reader.report(fileNode, "\(path).\(key)_file: \(resolve(file)) is empty")
        return nil
      }
      return Secret(value)
    }
    if required, envNode == nil, fileNode == nil {
      reader.report(item, "\(path) needs '\(key)_env' (an environment variable) or '\(key)_file'")
    }
    return nil
  }

  private mutating func routes(_ node: Node, sinks: Set<String>, entrances: Set<String>) -> [Route] {
    guard let items = reader.sequence(node, "routes") else { return [] }
    var result: [Route] = []
    for (index, item) in items.enumerated() {
      let path = "routes[\(index)]"
      let keys = ["kinds", "entrances", "devices", "sinks", "continue", "escalate_to", "escalate_after_s"]
      guard let fields = reader.mapping(item, path, allowed: keys) else { continue }
      var route = Route(sinks: [])
      if let node = fields["kinds"] {
        for (kindNode, text) in strings(node, "\(path).kinds") {
          if let kind = AlertKind(rawValue: text) {
            route.kinds.insert(kind)
          } else {
            reader.report(
              kindNode,
              "\(path).kinds: unknown alert kind '\(text)' (known: "
                + AlertKind.allCases.map(\.rawValue).joined(separator: ", ") + ")")
          }
        }
      }
      if let node = fields["entrances"] {
        for (entranceNode, text) in strings(node, "\(path).entrances") {
          if !entrances.isEmpty, !entrances.contains(text) {
            reader.report(entranceNode, "\(path).entrances: no entrance named '\(text)'")
          }
          route.entrances.insert(text)
        }
      }
      if let node = fields["devices"] { route.devices = Set(strings(node, "\(path).devices").map(\.1)) }
      guard let sinksNode = fields["sinks"] else {
        reader.report(item, "\(path) needs 'sinks', the sinks its alerts go to")
        continue
      }
      route.sinks = sinkNames(sinksNode, "\(path).sinks", known: sinks)
      if let node = fields["escalate_to"] { route.escalateTo = sinkNames(node, "\(path).escalate_to", known: sinks) }
      if let node = fields["escalate_after_s"] {
        route.escalateAfter = reader.double(node, "\(path).escalate_after_s", in: 1...86_400)
      }
      if let node = fields["continue"] { route.continues = bool(node, "\(path).continue") ?? false }
      result.append(route)
    }
    return result
  }

  private mutating func sinkNames(_ node: Node, _ path: String, known: Set<String>) -> [String] {
    strings(node, path).compactMap { node, text in
      guard known.contains(text) else {
        reader.report(
          node,
          text == Routing.onCallSink
            ? "\(path): 'on_call' calls the doctor on call and needs a roster (on_call: or on_call_file:)"
            : "\(path): no sink named '\(text)' (defined: \(known.sorted().joined(separator: ", ")))")
        return nil
      }
      return text
    }
  }

  private mutating func strings(_ node: Node, _ path: String) -> [(Node, String)] {
    if node.scalar != nil { return reader.string(node, path).map { [(node, $0)] } ?? [] }
    guard let items = reader.sequence(node, path) else { return [] }
    return items.compactMap { item in reader.string(item, path).map { (item, $0) } }
  }

  private mutating func bool(_ node: Node, _ path: String) -> Bool? {
    switch node.scalar?.string {
    case "true", "yes", "on": return true
    case "false", "no", "off": return false
    default:
      reader.report(node, "\(path) must be true or false")
      return nil
    }
  }

  // MARK: Alerts, person IDs, HTTP

  private mutating func alerts(_ node: Node, into configuration: inout GatewayConfiguration) {
    let keys = ["repeat_kinds", "repeat_interval_s", "retry_initial_s", "retry_maximum_s"]
    guard let fields = reader.mapping(node, "alerts", allowed: keys) else { return }
    if let node = fields["repeat_interval_s"],
      let value = reader.double(node, "alerts.repeat_interval_s", in: 10...86_400)
    {
      configuration.repeatInterval = value
    }
    if let node = fields["repeat_kinds"] {
      configuration.repeatKinds = Set(
        strings(node, "alerts.repeat_kinds").compactMap { node, text in
          guard let kind = AlertKind(rawValue: text) else {
            reader.report(node, "alerts.repeat_kinds: unknown alert kind '\(text)'")
            return nil
          }
          return kind
        })
    }
    if let node = fields["retry_initial_s"], let value = reader.double(node, "alerts.retry_initial_s", in: 0.1...3600) {
      configuration.retry.initialDelay = value
    }
    if let node = fields["retry_maximum_s"], let value = reader.double(node, "alerts.retry_maximum_s", in: 1...86_400) {
      configuration.retry.maximumDelay = value
    }
    if configuration.retry.maximumDelay < configuration.retry.initialDelay {
      reader.report(
        fields["retry_maximum_s"] ?? fields["retry_initial_s"],
        "alerts.retry_maximum_s (\(configuration.retry.maximumDelay) s) must not be below retry_initial_s")
    }
  }

  private mutating func personIDs(_ node: Node) -> PersonIDPolicy {
    if let text = node.scalar?.string {
      switch text {
      case "plain": return .plain
      case "omitted": return .omitted
      case "hashed":
        reader.report(node, "person_ids: hashed needs a key: {mode: hashed, key_env: NAME} or key_file")
        return .plain
      default:
        reader.report(node, "person_ids must be plain, hashed or omitted, got '\(text)'")
        return .plain
      }
    }
    guard let fields = reader.mapping(node, "person_ids", allowed: ["mode", "key_env", "key_file"]) else {
      return .plain
    }
    guard let modeNode = fields["mode"], let mode = reader.string(modeNode, "person_ids.mode") else {
      if fields["mode"] == nil { reader.report(node, "person_ids needs a 'mode' (plain, hashed or omitted)") }
      return .plain
    }
    switch mode {
    case "plain", "omitted":
      if let extra = fields["key_env"] ?? fields["key_file"] {
        reader.report(extra, "person_ids: a key applies only to mode hashed")
      }
      return mode == "plain" ? .plain : .omitted
    case "hashed":
      guard let key = secret(fields, "key", node, "person_ids", required: true) else { return .plain }
      guard key.bytes.count >= 16 else {
        reader.report(fields["key_env"] ?? fields["key_file"], "person_ids: the key must be at least 16 bytes")
        return .plain
      }
      return .hashed(key: key.bytes)
    default:
      reader.report(modeNode, "person_ids.mode must be plain, hashed or omitted, got '\(mode)'")
      return .plain
    }
  }

  private mutating func http(_ node: Node) -> GatewayConfiguration.HTTP {
    var http = GatewayConfiguration.HTTP()
    let keys = ["enabled", "address", "port", "token_env", "token_file"]
    guard let fields = reader.mapping(node, "http", allowed: keys) else { return http }
    if let node = fields["enabled"], let enabled = bool(node, "http.enabled") { http.enabled = enabled }
    if let node = fields["address"], let host = reader.string(node, "http.address") { http.host = host }
    if let node = fields["port"], let port = reader.integer(node, "http.port", in: 0...65535) { http.port = port }
    http.token = secret(fields, "token", node, "http", required: false)
    if let token = http.token, token.value.count < 16 {
      reader.report(fields["token_env"] ?? fields["token_file"], "http: the API token must be at least 16 characters")
    }
    return http
  }
}
