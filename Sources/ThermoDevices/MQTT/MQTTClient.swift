import CMosquitto
import Foundation
import Synchronization

/// An MQTT connection through libmosquitto's threaded interface: the library's own thread runs
/// the network loop and reconnects with capped backoff; callbacks only hand events over. No
/// C pointer leaves this file.
///
/// A QoS 1 publish counts only when the broker's PUBACK arrives (`on_publish`), never on
/// `mosquitto_publish`'s return: libmosquitto queues the message in memory first, and that
/// queue does not survive a crash.
public final class MQTTClient: @unchecked Sendable {
  // @unchecked: `handle` is only passed to libmosquitto, which is thread-safe with its threaded
  // loop; everything Swift-side is in `events`, a Sendable box behind a Mutex.
  public struct Settings: Sendable {
    public var host: String
    public var port: Int
    public var clientID: String
    /// False keeps the session (and queued QoS 1 messages for subscriptions) at the broker
    /// while the client is away.
    public var cleanSession: Bool
    public var username: String?
    public var password: String?
    /// CA certificate file: turns TLS on.
    public var caFile: String?
    public var keepAlive: Int
    /// Published by the broker if the connection dies: (topic, payload), retained.
    public var will: (topic: String, payload: String)?
    /// Published by the client, retained, on every (re)connect: the counterpart of the will
    /// ("online" where the will says "offline").
    public var birth: (topic: String, payload: String)?

    public init(
      host: String = "127.0.0.1", port: Int = 1883, clientID: String, cleanSession: Bool = true,
      username: String? = nil, password: String? = nil, caFile: String? = nil, keepAlive: Int = 10,
      will: (topic: String, payload: String)? = nil, birth: (topic: String, payload: String)? = nil
    ) {
      self.host = host
      self.port = port
      self.clientID = clientID
      self.cleanSession = cleanSession
      self.username = username
      self.password = password
      self.caFile = caFile
      self.keepAlive = keepAlive
      self.will = will
      self.birth = birth
    }
  }

  public struct Message: Sendable, Equatable {
    public var topic: String
    public var payload: [UInt8]
    public var retained: Bool
  }

  private static let libraryReady: Int32 = mosquitto_lib_init()

  private let handle: OpaquePointer
  private let events: Events
  public let settings: Settings
  public let messages: AsyncStream<Message>

  public init(settings: Settings) throws(MQTTError) {
    _ = Self.libraryReady
    self.settings = settings
    let (stream, continuation) = AsyncStream.makeStream(of: Message.self, bufferingPolicy: .bufferingNewest(10_000))
    messages = stream
    let events = Events(messages: continuation)
    self.events = events
    guard
      let handle = mosquitto_new(
        settings.clientID, settings.cleanSession, Unmanaged.passUnretained(events).toOpaque())
    else { throw MQTTError(code: MOSQ_ERR_NOMEM.rawValue, operation: "create an MQTT client") }
    self.handle = handle
    events.setBirth(settings.birth)
    do {
      try check(mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311), "choose MQTT 3.1.1")
      if let will = settings.will {
        let payload = Array(will.payload.utf8)
        try check(
          mosquitto_will_set(handle, will.topic, Int32(payload.count), payload, 1, true), "set the last will")
      }
      if let username = settings.username {
        try check(mosquitto_username_pw_set(handle, username, settings.password), "set the MQTT credentials")
      }
      if let caFile = settings.caFile {
        try check(mosquitto_tls_set(handle, caFile, nil, nil, nil, nil), "set up TLS with \(caFile)")
      }
      // The callback works with the handle libmosquitto passes and with `Events` only, never
      // with the client object: it must not be what keeps the client alive on libmosquitto's
      // own thread (its deinit would then join that very thread).
      mosquitto_connect_callback_set(handle) { client, object, result in
        guard let object, let client else { return }
        let events = Unmanaged<Events>.fromOpaque(object).takeUnretainedValue()
        events.connected(result == 0)
        if result == 0 { events.restore(on: client) }
      }
      mosquitto_disconnect_callback_set(handle) { _, object, _ in
        guard let object else { return }
        Unmanaged<Events>.fromOpaque(object).takeUnretainedValue().connected(false)
      }
      mosquitto_publish_callback_set(handle) { _, object, mid in
        guard let object else { return }
        Unmanaged<Events>.fromOpaque(object).takeUnretainedValue().acknowledged(mid)
      }
      mosquitto_message_callback_set(handle) { _, object, message in
        guard let object, let message else { return }
        let topic = String(cString: message.pointee.topic)
        let bytes = UnsafeRawBufferPointer(start: message.pointee.payload, count: Int(message.pointee.payloadlen))
        Unmanaged<Events>.fromOpaque(object).takeUnretainedValue().received(
          Message(topic: topic, payload: Array(bytes), retained: message.pointee.retain))
      }
      try check(mosquitto_reconnect_delay_set(handle, 1, 10, true), "set the reconnect delay")
      try check(mosquitto_loop_start(handle), "start the MQTT network thread")
      // An unreachable broker is not an error here: the network thread keeps trying.
      _ = mosquitto_connect_async(handle, settings.host, Int32(settings.port), Int32(settings.keepAlive))
    } catch {
      // Every stored property is set, so deinit runs and destroys the handle (once).
      throw error
    }
  }

  deinit {
    mosquitto_disconnect(handle)
    mosquitto_loop_stop(handle, false)
    mosquitto_destroy(handle)
    events.finish()
  }

  private func check(_ code: Int32, _ operation: String) throws(MQTTError) {
    guard code == MOSQ_ERR_SUCCESS.rawValue else { throw MQTTError(code: code, operation: operation) }
  }

  public var isConnected: Bool { events.isConnected }

  /// Publishes and, for QoS 1, waits up to `timeout` for the broker's PUBACK. Returns normally
  /// only when the broker has the message (QoS 1) or it was handed to the socket layer (QoS 0).
  public func publish(topic: String, payload: [UInt8], qos: Int32 = 1, retain: Bool = false, timeout: Duration)
    async throws(MQTTError)
  {
    var mid: Int32 = 0
    // The PUBACK can arrive on the network thread before mosquitto_publish returns; `Events`
    // keeps such early acknowledgements for the wait below.
    let code = mosquitto_publish(handle, &mid, topic, Int32(payload.count), payload, qos, retain)
    // Without a connection the message is still queued by libmosquitto and sent on reconnect;
    // its PUBACK may still come within the timeout.
    guard code == MOSQ_ERR_SUCCESS.rawValue || code == MOSQ_ERR_NO_CONN.rawValue else {
      throw MQTTError(code: code, operation: "publish to \(topic)")
    }
    guard qos > 0 else { return }
    guard await events.waitForAcknowledgement(of: mid, timeout: timeout) else {
      throw MQTTError(
        code: MOSQ_ERR_TIMEOUT.rawValue,
        operation: "wait for the broker's PUBACK of \(topic) (connected: \(isConnected))")
    }
  }

  /// Subscribes now and again after every reconnect.
  public func subscribe(_ topic: String, qos: Int32 = 1) throws(MQTTError) {
    events.addSubscription(topic, qos: qos)
    if isConnected { try check(mosquitto_subscribe(handle, nil, topic, qos), "subscribe to \(topic)") }
  }

  /// Everything the callbacks touch, Sendable and locked.
  final class Events: Sendable {
    private struct State {
      var connected = false
      var waiters: [Int32: CheckedContinuation<Bool, Never>] = [:]
      /// PUBACKs that came before their waiter, with when they came. Kept briefly: an old one
      /// (the birth message's, one after a timeout) must not answer a later publish that
      /// happens to reuse its 16-bit message id.
      var earlyAcknowledgements: [Int32: ContinuousClock.Instant] = [:]
      var subscriptions: [String: Int32] = [:]
      var birth: (topic: String, payload: String)?
    }

    /// How long a PUBACK may wait for the publish call that made it: the few microseconds
    /// between mosquitto_publish returning and the waiter registering, with a wide margin.
    static let earlyWindow: Duration = .seconds(2)

    private let state = Mutex(State())
    private let messages: AsyncStream<Message>.Continuation

    init(messages: AsyncStream<Message>.Continuation) {
      self.messages = messages
    }

    var isConnected: Bool { state.withLock { $0.connected } }
    var subscriptions: [(String, Int32)] { state.withLock { $0.subscriptions.map { ($0.key, $0.value) } } }

    func addSubscription(_ topic: String, qos: Int32) { state.withLock { $0.subscriptions[topic] = qos } }
    func setBirth(_ birth: (topic: String, payload: String)?) { state.withLock { $0.birth = birth } }

    func connected(_ isUp: Bool) {
      state.withLock { $0.connected = isUp }
    }

    /// After a (re)connect: a clean session forgot the subscriptions, and the birth message
    /// says "online" again.
    func restore(on client: OpaquePointer) {
      let (subscriptions, birth) = state.withLock { ($0.subscriptions, $0.birth) }
      for (topic, qos) in subscriptions { _ = mosquitto_subscribe(client, nil, topic, qos) }
      if let birth {
        let payload = Array(birth.payload.utf8)
        _ = mosquitto_publish(client, nil, birth.topic, Int32(payload.count), payload, 1, true)
      }
    }

    func acknowledged(_ mid: Int32) {
      let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
        if let waiter = state.waiters.removeValue(forKey: mid) { return waiter }
        let now = ContinuousClock.now
        state.earlyAcknowledgements = state.earlyAcknowledgements.filter { now - $0.value < Self.earlyWindow }
        state.earlyAcknowledgements[mid] = now
        return nil
      }
      waiter?.resume(returning: true)
    }

    func waitForAcknowledgement(of mid: Int32, timeout: Duration) async -> Bool {
      let timer = Task { [self] in
        try? await Task.sleep(for: timeout)
        let waiter = state.withLock { $0.waiters.removeValue(forKey: mid) }
        waiter?.resume(returning: false)
      }
      defer { timer.cancel() }
      return await withCheckedContinuation { continuation in
        let already = state.withLock { state -> Bool in
          if let arrived = state.earlyAcknowledgements.removeValue(forKey: mid),
            ContinuousClock.now - arrived < Self.earlyWindow
          {
            return true
          }
          state.waiters[mid] = continuation
          return false
        }
        if already { continuation.resume(returning: true) }
      }
    }

    func received(_ message: Message) { messages.yield(message) }

    func finish() {
      let waiters = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
        defer { state.waiters = [:] }
        return Array(state.waiters.values)
      }
      for waiter in waiters { waiter.resume(returning: false) }
      messages.finish()
    }
  }
}
