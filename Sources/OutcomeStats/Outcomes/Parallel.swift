import Dispatch

/// Work spread over all cores. Every piece of work writes only its own result, and results are
/// read in a fixed order, so nothing depends on how the pieces are scheduled.
enum Parallel {
    /// `body(index)` for every index in `0..<count`, run concurrently; results in index order.
    ///
    /// Pieces start in index order as cores come free, so listing the largest first balances
    /// the cores best.
    static func map<Result: Sendable>(count: Int, _ body: @Sendable (Int) -> Result) -> [Result] {
        let slots = Slots<Result>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { index in slots.store(index, body(index)) }
        return slots.values()
    }

    /// A column of `count` elements filled concurrently in `pieces` parts, with a summary of
    /// each part: `fill(piece, column)` sets the elements of its own part of `column` (the
    /// parts, whose bounds the caller knows, must cover the column) and nothing else.
    ///
    /// - Precondition: `Element` is a trivial type (numbers, enums without payloads and
    ///   structures of them), so setting an element of uninitialised memory initialises it.
    static func column<Element, Summary: Sendable>(
        count: Int, pieces: Int, _ fill: @Sendable (Int, UnsafeMutablePointer<Element>) -> Summary
    ) -> (column: [Element], summaries: [Summary]) {
        precondition(_isPOD(Element.self), "a parallel column needs a trivial element type")
        var summaries: [Summary] = []
        let column = [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            // An empty column still runs its pieces, for their summaries.
            let base = Address(
                base: buffer.baseAddress ?? UnsafeMutablePointer<Element>.allocate(capacity: 0))
            summaries = map(count: pieces) { piece in fill(piece, base.base) }
            if buffer.baseAddress == nil { base.base.deallocate() }
            initialized = count
        }
        return (column, summaries)
    }

    /// `0..<count` cut into contiguous ranges: enough that uneven chunks even out over the
    /// cores, and none so small that dispatch costs more than the work.
    static func chunks(_ count: Int, minimum: Int = 16_384) -> [Range<Int>] {
        let pieces = max(1, min(16, count / minimum))
        return (0..<pieces).map { piece in (count * piece / pieces)..<(count * (piece + 1) / pieces) }
    }

    /// The base of a column under construction, shared by its chunks (each writes its own
    /// elements only).
    private struct Address<Element>: @unchecked Sendable {
        let base: UnsafeMutablePointer<Element>
    }

    /// One result slot per piece of work, each written by its own piece and read after all have
    /// finished (`concurrentPerform` returns only then, which orders the accesses).
    private final class Slots<Result>: @unchecked Sendable {
        private let results: UnsafeMutableBufferPointer<Result?>

        init(count: Int) {
            results = .allocate(capacity: count)
            results.initialize(repeating: nil)
        }

        deinit {
            results.deinitialize()
            results.deallocate()
        }

        func store(_ index: Int, _ result: Result) { results[index] = result }

        func values() -> [Result] { results.map { $0! } }
    }
}
