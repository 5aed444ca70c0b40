#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Receives libcsv's fields for one record and keeps only what the caller needs.
///
/// libcsv's field pointer is valid only during its callback, so fields are copied into one
/// flat buffer here. Columns the caller does not need are only counted, and columns marked
/// for hashing are reduced to a 64-bit hash, so memory follows the data kept, not the
/// size of a notes field.
///
/// Storage is manually managed memory behind `let` pointers: the callback runs once per
/// field, and Swift arrays in a class would pay an exclusivity check on every access.
final class FieldCollector {
    /// What to keep of one column.
    enum Keep: UInt8 {
        case bytes
        case hash
        case nothing
    }

    /// All mutable state, behind a `let` pointer so no access pays a dynamic exclusivity check.
    struct State {
        var keepModes: UnsafeMutablePointer<Keep>
        var keepCount = 0
        var beyondMode = Keep.bytes
        var bytes: UnsafeMutableRawPointer
        var byteCapacity: Int
        var byteCount = 0
        /// Start and end offset of each field, and the hash of hashed fields.
        var spans: UnsafeMutablePointer<(start: Int, end: Int, hash: UInt64)>
        var spanCapacity: Int
        var fieldCount = 0
        var hasRecord = false
    }

    let state: UnsafeMutablePointer<State>

    /// The number of fields in the current (or just completed) record.
    var fieldCount: Int { state.pointee.fieldCount }
    /// Set when a record ended during the last parse call; cleared by ``discardRecord()``.
    var hasRecord: Bool { state.pointee.hasRecord }

    init() {
        state = .allocate(capacity: 1)
        state.initialize(
            to: State(
                keepModes: .allocate(capacity: 1), bytes: .allocate(byteCount: 1 << 12, alignment: 8),
                byteCapacity: 1 << 12, spans: .allocate(capacity: 64), spanCapacity: 64))
    }

    deinit {
        state.pointee.bytes.deallocate()
        state.pointee.spans.deallocate()
        state.pointee.keepModes.deallocate()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// Sets what to keep of each column by position; columns past the end keep `beyond`.
    func setKeep(_ modes: [Keep], beyond: Keep) {
        state.pointee.keepModes.deallocate()
        state.pointee.keepModes = .allocate(capacity: max(modes.count, 1))
        for (index, mode) in modes.enumerated() { state.pointee.keepModes[index] = mode }
        state.pointee.keepCount = modes.count
        state.pointee.beyondMode = beyond
    }

    @inline(__always)
    func append(_ field: UnsafeRawBufferPointer) { Self.append(field, to: state) }

    /// Keeps one field; called from libcsv's callback with the state pointer as context,
    /// so no reference counting happens per field.
    @inline(__always)
    static func append(_ field: UnsafeRawBufferPointer, to state: UnsafeMutablePointer<State>) {
        let column = state.pointee.fieldCount
        if column == state.pointee.spanCapacity { growSpans(state) }
        state.pointee.fieldCount = column + 1
        let mode =
            column < state.pointee.keepCount ? state.pointee.keepModes[column] : state.pointee.beyondMode
        let start = state.pointee.byteCount
        switch mode {
        case .bytes:
            let count = field.count
            if start + count > state.pointee.byteCapacity { growBytes(state, to: start + count) }
            if count > 0, let source = field.baseAddress {
                (state.pointee.bytes + start).copyMemory(from: source, byteCount: count)
            }
            state.pointee.byteCount = start + count
            state.pointee.spans[column] = (start, start + count, 0)
        case .hash:
            state.pointee.spans[column] = (start, start, FNV1a.hash(trimming: field))
        case .nothing:
            state.pointee.spans[column] = (start, start, 0)
        }
    }

    @inline(__always)
    func endRecord() { state.pointee.hasRecord = true }

    /// Forgets the current record, ready for the next.
    @inline(__always)
    func discardRecord() {
        state.pointee.byteCount = 0
        state.pointee.fieldCount = 0
        state.pointee.hasRecord = false
    }

    /// The bytes kept for `column` (empty when not kept or out of range); valid until the
    /// next record.
    @inline(__always)
    func field(_ column: Int) -> UnsafeRawBufferPointer {
        guard column >= 0 && column < fieldCount else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        let span = state.pointee.spans[column]
        return UnsafeRawBufferPointer(start: state.pointee.bytes + span.start, count: span.end - span.start)
    }

    /// Calls `body` with the bytes kept for `column`.
    @inline(__always)
    func withField<R>(_ column: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R { body(field(column)) }

    /// The hash of `column`'s trimmed bytes, when the column is kept as a hash.
    func hash(_ column: Int) -> UInt64 {
        column >= 0 && column < fieldCount ? state.pointee.spans[column].hash : FNV1a.offsetBasis
    }

    /// The record's fields as strings (invalid UTF-8 repaired), for headers and `inspect`.
    func strings() -> [String] {
        (0..<fieldCount).map { String(decoding: field($0), as: UTF8.self) }
    }

    private static func growBytes(_ state: UnsafeMutablePointer<State>, to needed: Int) {
        var capacity = state.pointee.byteCapacity * 2
        while capacity < needed { capacity *= 2 }
        let larger = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
        larger.copyMemory(from: state.pointee.bytes, byteCount: state.pointee.byteCount)
        state.pointee.bytes.deallocate()
        state.pointee.bytes = larger
        state.pointee.byteCapacity = capacity
    }

    private static func growSpans(_ state: UnsafeMutablePointer<State>) {
        let capacity = state.pointee.spanCapacity
        let larger = UnsafeMutablePointer<(start: Int, end: Int, hash: UInt64)>.allocate(
            capacity: capacity * 2)
        larger.moveInitialize(from: state.pointee.spans, count: capacity)
        state.pointee.spans.deallocate()
        state.pointee.spans = larger
        state.pointee.spanCapacity = capacity * 2
    }
}
