/// Receives libcsv's fields for one record and keeps only what the caller needs.
///
/// libcsv's field pointer is valid only during its callback, so fields are copied into one
/// flat buffer here. Columns the caller does not need are only counted, and columns marked
/// for hashing are reduced to a 64-bit hash, so memory follows the data kept, not the
/// size of a notes field.
final class FieldCollector {
    /// What to keep of one column.
    enum Keep: UInt8 {
        case bytes
        case hash
        case nothing
    }

    /// What to keep of each column by position; positions past the end keep `beyond`.
    var keep: [Keep] = []
    var beyond: Keep = .bytes

    private(set) var buffer: [UInt8] = []
    private(set) var starts: [Int] = []
    private(set) var ends: [Int] = []
    private(set) var hashes: [UInt64] = []
    /// The number of fields in the current (or just completed) record.
    private(set) var fieldCount = 0
    /// Set when a record ended during the last parse call; cleared by ``discardRecord()``.
    private(set) var hasRecord = false

    init() {
        buffer.reserveCapacity(1 << 12)
    }

    func append(_ field: UnsafeRawBufferPointer) {
        let column = fieldCount
        fieldCount += 1
        let mode = column < keep.count ? keep[column] : beyond
        if starts.count <= column {
            starts.append(0)
            ends.append(0)
            hashes.append(0)
        }
        switch mode {
        case .bytes:
            starts[column] = buffer.count
            buffer.append(contentsOf: field)
            ends[column] = buffer.count
        case .hash:
            starts[column] = buffer.count
            ends[column] = buffer.count
            hashes[column] = FNV1a.hash(trimming: field)
        case .nothing:
            starts[column] = buffer.count
            ends[column] = buffer.count
        }
    }

    func endRecord() { hasRecord = true }

    /// Forgets the current record, ready for the next.
    func discardRecord() {
        buffer.removeAll(keepingCapacity: true)
        fieldCount = 0
        hasRecord = false
    }

    /// Calls `body` with the bytes kept for `column` (empty when not kept or out of range).
    @inline(__always)
    func withField<R>(_ column: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        guard column < fieldCount else { return body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return buffer.withUnsafeBytes { all in
            body(UnsafeRawBufferPointer(rebasing: all[starts[column]..<ends[column]]))
        }
    }

    /// The hash of `column`'s trimmed bytes, when the column is kept as a hash.
    func hash(_ column: Int) -> UInt64 { column < fieldCount ? hashes[column] : FNV1a.offsetBasis }

    /// The record's fields as strings (invalid UTF-8 repaired), for headers and `inspect`.
    func strings() -> [String] {
        (0..<fieldCount).map { column in withField(column) { String(decoding: $0, as: UTF8.self) } }
    }
}
