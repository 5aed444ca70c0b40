import Dispatch
import SessionModel

/// Work spread over all cores. Every piece of work writes only its own result, and results are
/// read in a fixed order, so nothing depends on how the pieces are scheduled.
enum Parallel {
    /// `body(index)` for every index in `0..<count`, run concurrently; results in index order.
    ///
    /// Pieces start in index order as cores come free, so listing the largest first balances
    /// the cores best.
    static func map<Result: Sendable>(count: Int, _ body: @Sendable (Int) -> Result) -> [Result] {
        let slots = ResultSlots<Result>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { index in slots[index] = body(index) }
        return (0..<count).map { slots.take($0) }
    }

    /// Two columns of `count` elements filled concurrently in `pieces` parts, with a summary of
    /// each part: `fill(piece, first, second)` sets the elements of its own part of both
    /// columns (the parts, whose bounds the caller knows, must cover the columns) and nothing
    /// else.
    ///
    /// - Precondition: `First` and `Second` are trivial types (numbers, enums without payloads
    ///   and structures of them), so setting an element of uninitialised memory initialises it.
    static func columns<First, Second, Summary: Sendable>(
        count: Int, pieces: Int,
        _ fill: @Sendable (Int, UnsafeMutablePointer<First>, UnsafeMutablePointer<Second>) -> Summary
    ) -> (first: [First], second: [Second], summaries: [Summary]) {
        precondition(_isPOD(First.self) && _isPOD(Second.self), "parallel columns need trivial element types")
        var summaries: [Summary] = []
        var second: [Second] = []
        let first = [First](unsafeUninitializedCapacity: count) { firstBuffer, firstCount in
            second = [Second](unsafeUninitializedCapacity: count) { secondBuffer, secondCount in
                // Empty columns still run their pieces, for their summaries.
                let bases = Addresses(
                    first: firstBuffer.baseAddress ?? .allocate(capacity: 0),
                    second: secondBuffer.baseAddress ?? .allocate(capacity: 0))
                summaries = map(count: pieces) { piece in fill(piece, bases.first, bases.second) }
                if firstBuffer.baseAddress == nil { bases.first.deallocate() }
                if secondBuffer.baseAddress == nil { bases.second.deallocate() }
                secondCount = count
            }
            firstCount = count
        }
        return (first, second, summaries)
    }

    /// `0..<count` cut into contiguous ranges: enough that uneven chunks even out over the
    /// cores, and none so small that dispatch costs more than the work.
    static func chunks(_ count: Int, minimum: Int = 16_384) -> [Range<Int>] {
        let pieces = max(1, min(16, count / minimum))
        return (0..<pieces).map { piece in (count * piece / pieces)..<(count * (piece + 1) / pieces) }
    }

    /// The bases of columns under construction, shared by their pieces (each writes its own
    /// elements only).
    private struct Addresses<First, Second>: @unchecked Sendable {
        let first: UnsafeMutablePointer<First>
        let second: UnsafeMutablePointer<Second>
    }
}
