import CLibCSV

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Receives libcsv's fields and record ends and keeps only what the caller needs, for one
/// record (line-by-line feeding) or for every record of a block (block feeding).
///
/// libcsv's field pointer is valid only during its callback, so fields are copied into one
/// flat buffer here. Columns the caller does not need are only counted, and columns marked
/// for hashing are reduced to a 64-bit hash, so memory follows the data kept, not the
/// size of a notes field.
///
/// Record ends also keep the physical line count: the parser runs with `CSV_REPALL_NL`, so
/// every CR or LF outside quotes reaches ``recordEnded(_:state:)`` (blank lines and the LF
/// of a CRLF as empty rows), and line terminators inside hashed fields are counted while
/// hashing. ``State/terminatorBytes`` then proves, against the bytes of a block, that no
/// line terminator went uncounted.
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

    /// One field of the buffer, in one word: where its bytes start (37 bits) and how many
    /// there are (27 bits: a field is at most ``maximumFieldBytes``). A hashed field keeps
    /// no bytes; its hash is the 8 bytes at its start.
    struct Span {
        private var bits: UInt64

        @inline(__always)
        init(start: Int, count: Int) { bits = UInt64(start) | UInt64(count) << 37 }

        @inline(__always)
        var start: Int { Int(truncatingIfNeeded: bits & (1 << 37 - 1)) }
        @inline(__always)
        var count: Int { Int(truncatingIfNeeded: bits >> 37) }
    }

    /// One completed record: its fields in the span buffer and the physical line it starts on.
    struct Record {
        var firstField: Int
        var fieldCount: Int
        var line: Int
    }

    /// All mutable state, behind a `let` pointer so no access pays a dynamic exclusivity check.
    struct State {
        var keepModes: UnsafeMutablePointer<Keep>
        var keepCount = 0
        /// The parser whose field buffer the fields are in: it holds at least 16 bytes past a
        /// field's start once it holds any, so short fields are copied as two words.
        var source: UnsafeMutablePointer<csv_parser>?
        var beyondMode = Keep.bytes
        var bytes: UnsafeMutableRawPointer
        var byteCapacity: Int
        var byteCount = 0
        var spans: UnsafeMutablePointer<Span>
        var spanCapacity: Int
        /// Fields in the buffer: every completed record's and the open record's.
        var spanCount = 0
        /// The first field of the record still being parsed.
        var openRecordStart = 0
        var records: UnsafeMutablePointer<Record>
        var recordCapacity: Int
        var recordCount = 0
        /// The record the accessors read.
        var view = Record(firstField: 0, fieldCount: 0, line: 0)
        /// The physical line the parser is on (block feeding).
        var line = 0
        /// Line terminators inside the open record's hashed fields (CRLF once).
        var openRecordNewlines = 0
        /// CR and LF bytes seen: one per record end or empty row, plus those inside hashed
        /// fields.
        var terminatorBytes = 0
        /// True when the last row end was a CR, so an empty row ended by LF right after it is
        /// the second half of a CRLF.
        var lastEndWasCR = false
        /// Since ``beginBlock(line:)``: the bytes of every field as delivered, the double
        /// quotes among them, row ends at a CR or LF, and the fields and records before it.
        var blockDeliveredQuotes = 0
        var blockRowEnds = 0
        var blockFirstSpan = 0
        var blockFirstRecord = 0
        var blockFirstByte = 0
        /// Bytes delivered in fields kept as a hash or not at all, and the hashes stored.
        var blockOtherContentBytes = 0
        var blockHashes = 0
        /// libcsv's field buffer while a block reserved by ``reserve(forBlockOf:)`` is parsed.
        var reservedSource: UnsafeRawPointer?
    }

    let state: UnsafeMutablePointer<State>

    /// The number of fields of the current record.
    var fieldCount: Int { state.pointee.view.fieldCount }
    /// True when a record ended since the last ``discardRecord()``.
    var hasRecord: Bool { state.pointee.recordCount > 0 }
    /// Records completed since the last ``discardRecord()``.
    var recordCount: Int { state.pointee.recordCount }

    init() {
        state = .allocate(capacity: 1)
        state.initialize(
            to: State(
                keepModes: .allocate(capacity: 1), bytes: .allocate(byteCount: 1 << 12, alignment: 8),
                byteCapacity: 1 << 12, spans: .allocate(capacity: 64), spanCapacity: 64,
                records: .allocate(capacity: 16), recordCapacity: 16))
    }

    deinit {
        state.pointee.bytes.deallocate()
        state.pointee.spans.deallocate()
        state.pointee.records.deallocate()
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

    /// Keeps one field; called from libcsv's callback with the state pointer as context,
    /// so no reference counting happens per field. With `reserved`, the block being parsed
    /// was reserved by ``reserve(forBlockOf:)``: no capacity is checked, and libcsv's buffer
    /// is known to hold more than any field of the block.
    @inline(__always)
    static func append(_ field: UnsafeRawBufferPointer, to state: UnsafeMutablePointer<State>, reserved: Bool)
    {
        let index = state.pointee.spanCount
        if !reserved && index == state.pointee.spanCapacity { growSpans(state) }
        state.pointee.spanCount = index + 1
        let column = index - state.pointee.openRecordStart
        let mode =
            column < state.pointee.keepCount ? state.pointee.keepModes[column] : state.pointee.beyondMode
        let start = state.pointee.byteCount
        let count = field.count
        // The bytes readable from the field's start: libcsv's whole buffer when the field is
        // in it (as it always is).
        var readable = count
        // Only a quoted field can hold a CR or LF.
        var mayBeQuoted = true
        if let source = field.baseAddress {
            if reserved {
                if source == state.pointee.reservedSource { readable = Int.max }
            } else if let parser = state.pointee.source,
                UnsafeMutableRawPointer(parser.pointee.entry_buf) == UnsafeMutableRawPointer(mutating: source)
            {
                readable = parser.pointee.entry_size
            }
            // A quoted field's closing quote stays in the buffer right after its content (an
            // unquoted field's next byte is stale and may be anything, but it holds no quote).
            if count < readable {
                mayBeQuoted = source.load(fromByteOffset: count, as: UInt8.self) == 0x22
                if mayBeQuoted {
                    state.pointee.blockDeliveredQuotes &+= ASCII.occurrences(of: 0x22, in: field)
                }
            }
        }
        switch mode {
        case .bytes:
            let end = start + count + PaddedBytes.padding
            if !reserved && end > state.pointee.byteCapacity { growBytes(state, to: end) }
            if count > 0, let source = field.baseAddress {
                let target = state.pointee.bytes + start
                if count <= 16 && readable >= 16 {
                    target.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
                    target.storeBytes(
                        of: source.loadUnaligned(fromByteOffset: 8, as: UInt64.self), toByteOffset: 8,
                        as: UInt64.self)
                } else {
                    target.copyMemory(from: source, byteCount: count)
                }
            }
            state.pointee.byteCount = start + count
            state.pointee.spans[index] = Span(start: start, count: count)
        case .hash:
            let (hash, lines, terminators) = NoteFingerprint.ofField(field, mayHoldLineEnds: mayBeQuoted)
            state.pointee.openRecordNewlines += lines
            state.pointee.terminatorBytes += terminators
            state.pointee.blockOtherContentBytes &+= count
            state.pointee.blockHashes &+= 1
            let end = start + 8 + PaddedBytes.padding
            if !reserved && end > state.pointee.byteCapacity { growBytes(state, to: end) }
            state.pointee.bytes.storeBytes(of: hash, toByteOffset: start, as: UInt64.self)
            state.pointee.byteCount = start + 8
            state.pointee.spans[index] = Span(start: start, count: 0)
        case .nothing:
            state.pointee.blockOtherContentBytes &+= count
            state.pointee.spans[index] = Span(start: start, count: 0)
        }
    }

    /// Makes room for every field and record of a block of `length` bytes, so that
    /// ``append(_:to:reserved:)`` and ``recordEnded(_:state:reserved:)`` need not check:
    /// a field or an empty row takes at least one byte (its delimiter or line end), keeps at
    /// most its bytes or an 8-byte hash, and is shorter than the block. False (nothing
    /// reserved) while libcsv's buffer is not yet larger than the block.
    func reserve(forBlockOf length: Int, parser: UnsafeMutablePointer<csv_parser>) -> Bool {
        guard let buffer = parser.pointee.entry_buf, parser.pointee.entry_size > length + 16 else {
            return false
        }
        let bytes = state.pointee.byteCount + 9 * (length + 1) + PaddedBytes.padding
        if bytes > state.pointee.byteCapacity { Self.growBytes(state, to: bytes) }
        while state.pointee.spanCapacity < state.pointee.spanCount + length + 1 { Self.growSpans(state) }
        while state.pointee.recordCapacity < state.pointee.recordCount + length + 1 {
            Self.growRecords(state)
        }
        state.pointee.reservedSource = UnsafeRawPointer(buffer)
        return true
    }

    /// A row ended at `terminator` (CR, LF, or -1 at the end of the input). A row without
    /// fields is a blank line or the LF of a CRLF and only moves the line count.
    @inline(__always)
    static func recordEnded(_ terminator: Int32, state: UnsafeMutablePointer<State>, reserved: Bool) {
        let fields = state.pointee.spanCount - state.pointee.openRecordStart
        if terminator >= 0 {
            state.pointee.terminatorBytes += 1
            state.pointee.blockRowEnds += 1
        }
        if fields == 0 {
            if terminator == 0x0A && state.pointee.lastEndWasCR {
                state.pointee.lastEndWasCR = false
            } else {
                state.pointee.line += 1
                state.pointee.lastEndWasCR = terminator == 0x0D
            }
            return
        }
        let index = state.pointee.recordCount
        if !reserved && index == state.pointee.recordCapacity { growRecords(state) }
        let record = Record(
            firstField: state.pointee.openRecordStart, fieldCount: fields, line: state.pointee.line)
        state.pointee.records[index] = record
        if index == 0 { state.pointee.view = record }
        state.pointee.recordCount = index + 1
        state.pointee.openRecordStart = state.pointee.spanCount
        state.pointee.line += 1 + state.pointee.openRecordNewlines
        state.pointee.openRecordNewlines = 0
        state.pointee.lastEndWasCR = terminator == 0x0D
    }

    /// Starts counting lines for a block that begins at physical line `line`, between records.
    func beginBlock(line: Int) {
        state.pointee.line = line
        state.pointee.openRecordNewlines = 0
        state.pointee.terminatorBytes = 0
        state.pointee.lastEndWasCR = false
        state.pointee.blockDeliveredQuotes = 0
        state.pointee.blockRowEnds = 0
        state.pointee.blockFirstSpan = state.pointee.spanCount
        state.pointee.blockFirstRecord = state.pointee.recordCount
        state.pointee.blockFirstByte = state.pointee.byteCount
        state.pointee.blockOtherContentBytes = 0
        state.pointee.blockHashes = 0
    }

    /// The bytes of a block that its parse since ``beginBlock(line:)`` accounts for, given
    /// the double quotes the block holds: every field's delivered bytes, a delimiter between
    /// fields, each row end at a CR or LF, and the quotes libcsv did not deliver (opening and
    /// closing quotes, the second of each doubled quote). What a parse of a whole block that
    /// ended between records leaves unaccounted for are the spaces and tabs libcsv's own
    /// space test dropped at a field's edge (see ``CSVTokenizer/parseBlock(_:quotes:)``).
    func bytesAccountedFor(quotes: Int) -> Int {
        let state = state.pointee
        let fields = state.spanCount - state.blockFirstSpan
        let records = state.recordCount - state.blockFirstRecord
        // Bytes kept are fields' bytes, but for the hashes.
        let content =
            state.byteCount - state.blockFirstByte - 8 * state.blockHashes + state.blockOtherContentBytes
        return content + (fields - records) + state.blockRowEnds + (quotes - state.blockDeliveredQuotes)
    }

    /// The physical line the parser is on after a block.
    var line: Int { state.pointee.line }
    /// CR and LF bytes accounted for since ``beginBlock(line:)``.
    var terminatorBytes: Int { state.pointee.terminatorBytes }

    /// Makes record `index` (of ``recordCount``) the one the accessors read; returns the
    /// physical line it starts on.
    @inline(__always)
    func select(_ index: Int) -> Int {
        let record = state.pointee.records[index]
        state.pointee.view = record
        return record.line
    }

    /// Forgets every record and the open one, ready for the next.
    @inline(__always)
    func discardRecord() {
        state.pointee.byteCount = 0
        state.pointee.spanCount = 0
        state.pointee.openRecordStart = 0
        state.pointee.recordCount = 0
        state.pointee.openRecordNewlines = 0
        state.pointee.view = Record(firstField: 0, fieldCount: 0, line: 0)
    }

    /// The bytes kept for `column` of the current record (empty when not kept or out of
    /// range); valid until the next ``discardRecord()``.
    @inline(__always)
    func field(_ column: Int) -> UnsafeRawBufferPointer { current.field(column) }

    /// Calls `body` with the bytes kept for `column`.
    @inline(__always)
    func withField<R>(_ column: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R { body(field(column)) }

    /// The ``NoteFingerprint`` of `column`'s trimmed bytes, when the column is kept as a
    /// hash (0 for a column kept otherwise).
    func hash(_ column: Int) -> UInt64 { current.hash(column) }

    /// The current record's fields, read without going back to the collector's state for
    /// each one: for a caller that reads many fields of a record. Valid until the collector
    /// next changes.
    struct RecordFields {
        fileprivate let spans: UnsafePointer<Span>
        fileprivate let bytes: UnsafeRawPointer
        fileprivate let keepModes: UnsafePointer<Keep>
        fileprivate let keepCount: Int
        fileprivate let beyondMode: Keep
        let fieldCount: Int

        /// The bytes kept for `column` (empty when not kept or out of range).
        @inline(__always)
        func field(_ column: Int) -> UnsafeRawBufferPointer {
            guard column >= 0 && column < fieldCount else {
                return UnsafeRawBufferPointer(start: nil, count: 0)
            }
            let span = spans[column]
            return UnsafeRawBufferPointer(start: bytes + span.start, count: span.count)
        }

        @inline(__always)
        func withField<R>(_ column: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R { body(field(column)) }

        /// The bytes kept for `column`, trimmed of ASCII white space, as ``PaddedBytes``: the
        /// buffer always has room for ``PaddedBytes/padding`` bytes past the last field.
        @inline(__always)
        func trimmedPadded(_ column: Int) -> PaddedBytes {
            PaddedBytes(inCollector: ASCII.trimmed(field(column)))
        }

        /// The ``NoteFingerprint`` of `column`'s trimmed bytes, when the column is kept as a
        /// hash (0 for a column kept otherwise).
        @inline(__always)
        func hash(_ column: Int) -> UInt64 {
            guard column >= 0 && column < fieldCount else { return NoteFingerprint.empty }
            let mode = column < keepCount ? keepModes[column] : beyondMode
            guard mode == .hash else { return 0 }
            return bytes.loadUnaligned(fromByteOffset: spans[column].start, as: UInt64.self)
        }
    }

    /// The current record's fields (see ``select(_:)``).
    var current: RecordFields {
        let state = state.pointee
        return RecordFields(
            spans: UnsafePointer(state.spans + state.view.firstField), bytes: UnsafeRawPointer(state.bytes),
            keepModes: UnsafePointer(state.keepModes), keepCount: state.keepCount,
            beyondMode: state.beyondMode,
            fieldCount: state.view.fieldCount)
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
        doubleCapacity(&state.pointee.spans, &state.pointee.spanCapacity)
    }

    private static func growRecords(_ state: UnsafeMutablePointer<State>) {
        doubleCapacity(&state.pointee.records, &state.pointee.recordCapacity)
    }

    /// Moves the `capacity` elements at `pointer` into twice the room.
    private static func doubleCapacity<Element>(
        _ pointer: inout UnsafeMutablePointer<Element>, _ capacity: inout Int
    ) {
        let larger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        larger.moveInitialize(from: pointer, count: capacity)
        pointer.deallocate()
        pointer = larger
        capacity *= 2
    }
}

/// Bytes that are followed by at least ``padding`` readable bytes (a field in a
/// ``FieldCollector``'s buffer), so that up to 32 of them can be read as whole words and
/// masked, with no branch on their length.
struct PaddedBytes {
    static let padding = 32

    let bytes: UnsafeRawBufferPointer

    /// `bytes` must lie in a ``FieldCollector``'s buffer.
    @inline(__always)
    fileprivate init(inCollector bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    @inline(__always)
    var isEmpty: Bool { bytes.isEmpty }
}
