/// One value per index, each written by the thread that computed it and read once all are:
/// `concurrentPerform` returns only when every iteration has, which orders the accesses.
/// Shared by the parallel passes of ingest and statistics (package access only).
package final class ResultSlots<Value>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<Value?>

    package init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        _ = slots.deinitialize()
        slots.deallocate()
    }

    package subscript(index: Int) -> Value? {
        get { slots[index] }
        set { slots[index] = newValue }
    }

    /// Calls `body` with the value at `index` to change in place.
    package func withValue<R>(_ index: Int, _ body: (inout Value) -> R) -> R { body(&slots[index]!) }

    /// The value at `index`, moved out.
    package func take(_ index: Int) -> Value {
        defer { slots[index] = nil }
        return slots[index]!
    }
}
