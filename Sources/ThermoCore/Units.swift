/// Temperatures in the core are plain degrees Celsius; the alias documents intent at every use.
public typealias Celsius = Double

/// Instants and durations in seconds. The core never reads a clock: every instant is handed in
/// by the caller, measured from whatever epoch the caller uses (Unix time at the gateway).
public typealias Seconds = Double
