import GRDB

/// One pending delivery of an alert to a sink, with what its message needs.
public struct DeliveryJob: Sendable, Equatable {
  public var alertID: Int64
  public var sink: String
  /// 0 for the first notification; repeats and escalations count up.
  public var sequence: Int
  /// Attempts made so far.
  public var attempts: Int
  public var kind: AlertKind
  public var entrance: String
  public var device: String?
  public var raisedAt: Double
  public var summary: String
  public var details: String
  /// The store the alert lives in (`AlertStore.storeID`); empty for a job made by hand.
  public var storeID = ""

  public init(
    alertID: Int64, sink: String, sequence: Int, attempts: Int, kind: AlertKind, entrance: String, device: String?,
    raisedAt: Double, summary: String, details: String
  ) {
    self.alertID = alertID
    self.sink = sink
    self.sequence = sequence
    self.attempts = attempts
    self.kind = kind
    self.entrance = entrance
    self.device = device
    self.raisedAt = raisedAt
    self.summary = summary
    self.details = details
  }

  init(row: Row) throws(StoreError) {
    alertID = row["alert_id"]
    sink = row["sink"]
    sequence = row["sequence"]
    attempts = row["attempts"]
    kind = try AlertKind(stored: row["kind"], alertID: alertID)
    entrance = row["entrance"]
    device = row["device"]
    raisedAt = row["raised_at"]
    summary = row["summary"]
    details = row["details"]
  }

  /// The same for every attempt of this delivery, so a receiver can drop the duplicates that
  /// at-least-once delivery makes (a crash between sending and recording, a lost PUBACK).
  public var idempotencyKey: String {
    storeID.isEmpty ? localKey : "\(storeID):\(localKey)"
  }

  /// The key within one store: `alert-<id>-<sink>[-<repeat>]`.
  public var localKey: String {
    "alert-\(alertID)-\(sink)" + (sequence == 0 ? "" : "-\(sequence)")
  }
}

extension AlertKind {
  /// The kind a stored alert row names. One this gateway does not know (a newer version wrote
  /// it, or the row was edited by hand) is an error naming the row: guessing a kind would send
  /// the wrong alert to people and hold or release the wrong gate.
  init(stored text: String, alertID: Int64) throws(StoreError) {
    guard let kind = AlertKind(rawValue: text) else {
      throw StoreError(
        operation: "read alert \(alertID)", message: "unknown alert kind '\(text)'", alertID: alertID)
    }
    self = kind
  }
}

/// What one delivery attempt came to.
public enum DeliveryOutcome: Sendable, Equatable {
  case delivered
  /// Worth trying again later (timeout, 5xx, 429, broker away).
  case retry(String)
  /// Will never work as it is (4xx other than 429, a malformed message): escalate.
  case failed(String)
}

/// An alert as stored, for the CLI, the API and the dashboard.
public struct AlertView: Sendable, Equatable {
  public var id: Int64
  public var kind: AlertKind
  public var entrance: String
  public var device: String?
  public var raisedAt: Double
  public var summary: String
  public var details: String
  public var acknowledgedBy: String?
  public var acknowledgedAt: Double?
  public var resolvedAt: Double?
  public var escalatedAt: Double?
  /// The doctor on call when it was raised, for an alert that called the on-call roster.
  public var onCall: String?
  public var deliveries: [DeliveryView]

  init(row: Row, deliveries: [DeliveryView]) throws(StoreError) {
    id = row["id"]
    kind = try AlertKind(stored: row["kind"], alertID: id)
    entrance = row["entrance"]
    device = row["device"]
    raisedAt = row["raised_at"]
    summary = row["summary"]
    details = row["details"]
    acknowledgedBy = row["acknowledged_by"]
    acknowledgedAt = row["acknowledged_at"]
    resolvedAt = row["resolved_at"]
    escalatedAt = row["escalated_at"]
    onCall = row["on_call"]
    self.deliveries = deliveries
  }

  public var isOpen: Bool { resolvedAt == nil && acknowledgedAt == nil }
}

public struct DeliveryView: Sendable, Equatable {
  public var sink: String
  public var sequence: Int
  public var status: String
  public var attempts: Int
  public var nextAttemptAt: Double
  public var lastError: String?
  public var deliveredAt: Double?

  init(row: Row) {
    sink = row["sink"]
    sequence = row["sequence"]
    status = row["status"]
    attempts = row["attempts"]
    nextAttemptAt = row["next_attempt_at"]
    lastError = row["last_error"]
    deliveredAt = row["delivered_at"]
  }
}
