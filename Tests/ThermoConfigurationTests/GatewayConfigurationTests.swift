import Foundation
import Testing
import ThermoConfiguration
import ThermoDevices
import ThermoDispatch

@Suite struct GatewayConfigurationTests {
  static let valid = """
    site: hq
    state_directory: /var/lib/thermogate
    entrances:
      - name: north
        thermometer: mcp2221:serial=0001234567
        badge: /dev/input/by-id/usb-reader-event-kbd
        gate: relay:serial=ABCDE?channel=1
        threshold: {fixed_c: 37.5}
      - name: lobby
        thermometer: pyrousb:/dev/serial/by-id/usb-pyro
        ambient_reference: cp2112:serial=REF1
    sinks:
      - {name: gate, type: gate}
      - {name: log, type: log}
      - {name: doctor, type: webhook, url: "https://example.org/hook", secret_env: HOOK_SECRET}
      - {name: broker, type: mqtt, host: 127.0.0.1, username: gw, password_env: MQTT_PASSWORD}
    routes:
      - {kinds: [fever, elevated], sinks: [gate, log, doctor], escalate_to: [broker], escalate_after_s: 120}
      - {sinks: [log, broker]}
    retention: {screenings_days: 14}
    person_ids: {mode: hashed, key_env: PERSON_KEY}
    http: {address: 127.0.0.1, port: 8081, token_env: API_TOKEN}
    """
  static let environment = [
    "HOOK_SECRET": "hook-secret", "MQTT_PASSWORD": "mqtt-password", "PERSON_KEY": "0123456789abcdef-key",
    "API_TOKEN": "token-0123456789abcdef",
  ]

  func problems(_ text: String, environment: [String: String] = environment) -> [String] {
    do {
      _ = try GatewayConfiguration.parse(text, file: "gate.yaml", environment: environment)
      return []
    } catch {
      return error.problems.map(\.description)
    }
  }

  @Test func aFullConfigurationLoadsEveryPart() throws {
    let configuration = try GatewayConfiguration.parse(Self.valid, file: "gate.yaml", environment: Self.environment)
    #expect(configuration.site == "hq")
    #expect(configuration.entrances.map(\.name) == ["north", "lobby"])
    #expect(configuration.entrances[0].gate?.integerOption("channel") == 1)
    #expect(configuration.entrances[0].badge == .evdev(path: "/dev/input/by-id/usb-reader-event-kbd"))
    #expect(configuration.entrances[1].ambientReference?.driver == .cp2112)
    #expect(configuration.pipelineConfiguration(for: configuration.entrances[0]).threshold.fixedThresholdC == 37.5)
    #expect(configuration.sinks.map(\.name) == ["gate", "log", "doctor", "broker"])
    #expect(configuration.routes[0].escalateTo == ["broker"])
    #expect(configuration.retentionDays == 14)
    #expect(configuration.http.port == 8081)
    #expect(configuration.http.token?.value == "token-0123456789abcdef")
    #expect(configuration.databasePath == "/var/lib/thermogate/thermogate.sqlite")
    guard case .hashed = configuration.personIDs else {
      Issue.record("person IDs should be hashed")
      return
    }
  }

  @Test func secretsNeverPrint() throws {
    let configuration = try GatewayConfiguration.parse(Self.valid, file: "gate.yaml", environment: Self.environment)
    let printed = "\(configuration)"
    for secret in Self.environment.values { #expect(!printed.contains(secret)) }
  }

  @Test func unknownKeysAreNamedWithTheirPlace() {
    #expect(
      problems("site: x\nentrances:\n  - name: a\n    thermometer: sim:mcp2221\n    thermomter: x\n")
        .contains { $0.hasPrefix("gate.yaml:5:5: unknown key 'thermomter' in entrances[0]") })
    #expect(problems("sitename: x\n").contains { $0.hasPrefix("gate.yaml:1:1: unknown key 'sitename'") })
  }

  @Test func wrongTypesAreNamed() {
    #expect(problems("http: {port: eighty}\n") == ["gate.yaml:1:14: http.port must be a whole number, got 'eighty'"])
    #expect(problems("entrances: north\n") == ["gate.yaml:1:12: entrances must be a list"])
  }

  @Test func outOfRangeThresholdsAreNamed() {
    let found = problems(
      "entrances:\n  - name: a\n    thermometer: sim:mcp2221\n    threshold: {fixed_c: 41}\n")
    #expect(found.count == 1)
    #expect(found.first?.hasPrefix("gate.yaml:4:") == true)
    #expect(found.first?.contains("fixed_c") == true)
  }

  @Test func duplicateDevicesAreRefused() {
    let found = problems(
      """
      entrances:
        - {name: a, thermometer: "mcp2221:serial=1", gate: "relay:serial=R1?channel=1"}
        - {name: b, thermometer: "mcp2221:serial=1", gate: "relay:serial=R1?channel=1"}
      """)
    #expect(found.contains { $0.hasPrefix("gate.yaml:3:") && $0.contains("already bound to entrance 'a'") })
    #expect(found.contains { $0.hasPrefix("gate.yaml:3:") && $0.contains("already holds entrance 'a'") })
  }

  @Test func aRelayChannelWrittenTwoWaysIsStillOneChannel() {
    let found = problems(
      """
      entrances:
        - {name: a, thermometer: "mcp2221:serial=1", gate: "relay:serial=R1?channel=1"}
        - {name: b, thermometer: "mcp2221:serial=2", gate: "relay:serial=R1?channel=0x1"}
        - {name: c, thermometer: "mcp2221:serial=3", ambient_reference: "mcp2221:serial=1"}
      """)
    #expect(found.contains { $0.hasPrefix("gate.yaml:3:") && $0.contains("already holds entrance 'a'") })
    #expect(found.contains { $0.hasPrefix("gate.yaml:4:") && $0.contains("already bound to entrance 'a'") })
  }

  @Test func aSecretPastedIntoAnEnvKeyIsNotEchoed() {
    let found = problems(
      "sinks:\n  - {name: d, type: webhook, url: \"https://x.org/h\", secret_env: \"s3cr3t-value-9f8e\"}\n")
    #expect(found.count == 1)
    #expect(!found[0].contains("s3cr3t-value-9f8e"))
    #expect(found[0].contains("must name an environment variable"))
  }

  @Test func undefinedSinksAreNamed() {
    let found = problems("sinks:\n  - {name: log, type: log}\nroutes:\n  - {sinks: [log, pager]}\n")
    #expect(found == ["gate.yaml:4:19: routes[0].sinks: no sink named 'pager' (defined: log)"])
  }

  @Test func badDeviceAddressesAreNamed() {
    let found = problems("entrances:\n  - name: a\n    thermometer: usb:whatever\n")
    #expect(found.count == 1)
    #expect(found.first?.hasPrefix("gate.yaml:3:18: entrances[0].thermometer: device address 'usb:whatever'") == true)
  }

  @Test func missingSecretsAreNamedButNeverShown() {
    let found = problems(Self.valid, environment: ["MQTT_PASSWORD": "p", "PERSON_KEY": "0123456789abcdef-key"])
    #expect(found.contains { $0.contains("sinks[2].secret_env: environment variable HOOK_SECRET is not set") })
    #expect(found.contains { $0.contains("http.token_env: environment variable API_TOKEN is not set") })
  }

  @Test func everyProblemIsReportedAtOnce() {
    let found = problems(
      """
      site: "bad site"
      entrances:
        - name: a
        - name: b
          thermometer: sim:nosuch
      retention: {screenings_days: 0}
      """)
    #expect(found.count == 4, "\(found)")
  }
}
