import ThermoStore

extension AlertView {
  /// One alert as a JSON object: the API's and `thermogate alerts --json`'s form.
  public var json: String { WireJSON.string(AlertMessage(record: self)) }
}
