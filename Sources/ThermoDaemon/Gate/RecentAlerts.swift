/// The last `capacity` alert IDs seen, oldest forgotten first.
struct RecentAlerts {
  private var order: [Int64] = []
  private var members: Set<Int64> = []
  private let capacity: Int

  init(capacity: Int) {
    self.capacity = capacity
  }

  func contains(_ id: Int64) -> Bool { members.contains(id) }

  mutating func insert(_ id: Int64) {
    guard members.insert(id).inserted else { return }
    order.append(id)
    if order.count > capacity { members.remove(order.removeFirst()) }
  }
}
