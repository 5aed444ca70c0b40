import Foundation

/// Reports how many input bytes have been read, for a progress bar. Safe to call from the
/// threads that parse parts of a file; the handler is called at most every 100 ms.
public final class IngestProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let handler: @Sendable (_ done: Int64, _ total: Int64) -> Void
    private var done: Int64 = 0
    private var total: Int64 = 0
    private var lastCall = Date.distantPast

    /// - Parameter handler: called with bytes read so far and bytes in all inputs.
    public init(handler: @escaping @Sendable (_ done: Int64, _ total: Int64) -> Void) {
        self.handler = handler
    }

    func expect(_ bytes: Int64) {
        lock.lock()
        total += bytes
        lock.unlock()
    }

    func advance(_ bytes: Int64) {
        lock.lock()
        done += bytes
        let now = Date()
        let due = now.timeIntervalSince(lastCall) >= 0.1
        if due { lastCall = now }
        let (current, all) = (done, total)
        lock.unlock()
        if due { handler(current, all) }
    }
}
