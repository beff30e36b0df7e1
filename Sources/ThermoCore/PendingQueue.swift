/// A small first-in-first-out queue that keeps its storage: outputs wait here between the
/// `ingest` that produced them and the caller taking them, without allocating in steady state.
struct PendingQueue<Element> {
  private var items: [Element] = []
  private var readIndex = 0

  init(capacity: Int) {
    items.reserveCapacity(capacity)
  }

  mutating func append(_ item: Element) {
    items.append(item)
  }

  mutating func next() -> Element? {
    guard readIndex < items.count else { return nil }
    let item = items[readIndex]
    readIndex += 1
    if readIndex == items.count {
      items.removeAll(keepingCapacity: true)
      readIndex = 0
    }
    return item
  }

  mutating func removeAll() {
    items.removeAll(keepingCapacity: true)
    readIndex = 0
  }
}

extension PendingQueue: Sendable where Element: Sendable {}
