import ThermoDispatch
import ThermoStore

extension AlertView {
  /// One alert as a JSON object: the API's and `thermogate alerts --json`'s form.
  public var json: String {
    var line = JSONLine()
    line.add("id", Int(id))
    line.add("kind", kind.rawValue)
    line.add("entrance", entrance)
    line.add("device", device)
    line.add("raised_at", Timestamp.format(raisedAt))
    line.add("summary", summary)
    line.add("acknowledged_by", acknowledgedBy)
    line.add("acknowledged_at", acknowledgedAt.map(Timestamp.format))
    line.add("resolved_at", resolvedAt.map(Timestamp.format))
    let entries = deliveries.map { delivery -> String in
      var entry = JSONLine()
      entry.add("sink", delivery.sink)
      entry.add("sequence", delivery.sequence)
      entry.add("status", delivery.status)
      entry.add("attempts", delivery.attempts)
      entry.add("last_error", delivery.lastError)
      return entry.string
    }
    line.addRaw("deliveries", "[" + entries.joined(separator: ",") + "]")
    return line.string
  }
}
