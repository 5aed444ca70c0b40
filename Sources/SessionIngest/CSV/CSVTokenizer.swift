import CLibCSV

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The largest field libcsv may buffer. A larger one is a reported error, never an
/// unbounded allocation.
let maximumFieldBytes = 64 << 20

/// Owns one libcsv parser in strict mode and feeds it bytes.
///
/// Strict mode with strict fini makes a stray quote or an unterminated quoted field a
/// reported syntax error instead of silently swallowing the rest of the file. No byte is
/// treated as a space, so unquoted fields keep their leading and trailing spaces exactly.
/// Fields are delivered to a ``FieldCollector``, which copies them out inside the callback
/// (libcsv reuses its buffer).
final class CSVTokenizer {
    /// What one call to ``parse(_:)`` ended with.
    enum Outcome: Equatable {
        case consumed
        case syntaxError
        case fieldTooLarge
    }

    private let parser: UnsafeMutablePointer<csv_parser>
    let collector: FieldCollector
    let delimiter: UInt8

    init(delimiter: UInt8, collector: FieldCollector) {
        self.delimiter = delimiter
        self.collector = collector
        parser = .allocate(capacity: 1)
        // Every CR and LF outside quotes ends a row, empty or not, so the collector can count
        // physical lines without looking at the bytes.
        csv_init(parser, UInt8(CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL))
        csv_set_delim(parser, delimiter)
        csv_set_space_func(parser, noByteIsSpace)
        // libcsv grows its field buffer linearly by the block size: a large block keeps a
        // 10 MB field to a handful of reallocations instead of tens of thousands.
        csv_set_blk_size(parser, 1 << 20)
        csv_set_realloc_func(parser, cappedRealloc)
        collector.state.pointee.source = parser
    }

    deinit {
        if collector.state.pointee.source == parser { collector.state.pointee.source = nil }
        csv_free(parser)
        parser.deallocate()
    }

    /// True when the parser is between records (not inside a record or a quoted field).
    var isBetweenRecords: Bool { parser.pointee.pstate == 0 }

    /// Parses `bytes` that start between records, like ``parse(_:)``. When no space outside
    /// quotes touches a delimiter, quote or line end, and there is no tab, libcsv's own inline
    /// space test gives exactly the same fields as no spaces at all (spaces inside a value,
    /// or inside quotes, are kept either way), so the per-byte callback is left out.
    func parseBlock(_ bytes: UnsafeRawBufferPointer) -> Outcome {
        guard Self.spacesAreInterior(bytes, delimiter: delimiter) else { return parse(bytes) }
        csv_set_space_func(parser, nil)
        defer { csv_set_space_func(parser, noByteIsSpace) }
        return parse(bytes)
    }

    /// True when `bytes` (starting between records) hold no tab, and every space outside
    /// quoted fields has a neighbour on each side that is neither a delimiter, a quote, CR,
    /// LF nor another space. Quote parity is exact in any input libcsv parses without error
    /// in strict mode, and a block with an error is fed again line by line anyway.
    static func spacesAreInterior(_ bytes: UnsafeRawBufferPointer, delimiter: UInt8) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        if memchr(base, 0x09, count) != nil { return false }
        @inline(__always) func next(_ byte: UInt8, after index: Int) -> Int {
            guard index < count, let hit = memchr(base + index, Int32(byte), count - index) else {
                return count
            }
            return UnsafeRawPointer(hit) - base
        }
        @inline(__always) func isEdge(_ byte: UInt8) -> Bool {
            byte == delimiter || byte == 0x22 || byte == 0x0A || byte == 0x0D || byte == 0x20
        }
        var quote = next(0x22, after: 0)
        var space = next(0x20, after: 0)
        var quoted = false
        while space < count {
            if quote < space {
                quoted.toggle()
                quote = next(0x22, after: quote + 1)
                continue
            }
            if !quoted {
                if space == 0 || space == count - 1 { return false }
                if isEdge(base.load(fromByteOffset: space - 1, as: UInt8.self))
                    || isEdge(base.load(fromByteOffset: space + 1, as: UInt8.self))
                {
                    return false
                }
            }
            space = next(0x20, after: space + 1)
        }
        return true
    }

    /// Parses `bytes`, delivering fields and record ends to the collector.
    func parse(_ bytes: UnsafeRawBufferPointer) -> Outcome {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return .consumed }
        let context = UnsafeMutableRawPointer(collector.state)
        let used = csv_parse(parser, base, bytes.count, collectField, collectRecordEnd, context)
        if used == bytes.count && parser.pointee.status == 0 { return .consumed }
        return outcomeOfError()
    }

    /// Ends the input: submits a final record that lacks a line terminator, or reports an
    /// unterminated quoted field.
    func finish() -> Outcome {
        let context = UnsafeMutableRawPointer(collector.state)
        if csv_fini(parser, collectField, collectRecordEnd, context) == 0 { return .consumed }
        return outcomeOfError()
    }

    /// Forgets the partial record after an error so parsing can resume at a line start.
    func reset() {
        parser.pointee.pstate = 0
        parser.pointee.quoted = 0
        parser.pointee.spaces = 0
        parser.pointee.entry_pos = 0
        parser.pointee.status = 0
        collector.discardRecord()
    }

    private func outcomeOfError() -> Outcome {
        csv_error(parser) == CSV_EPARSE ? .syntaxError : .fieldTooLarge
    }
}

private func noByteIsSpace(_: UInt8) -> Int32 { 0 }

private func cappedRealloc(_ pointer: UnsafeMutableRawPointer?, _ size: Int) -> UnsafeMutableRawPointer? {
    size > maximumFieldBytes ? nil : realloc(pointer, size)
}

private func collectField(
    _ bytes: UnsafeMutableRawPointer?, _ length: Int, _ context: UnsafeMutableRawPointer?
) {
    guard let context else { return }
    FieldCollector.append(
        UnsafeRawBufferPointer(start: bytes, count: bytes == nil ? 0 : length),
        to: context.assumingMemoryBound(to: FieldCollector.State.self))
}

private func collectRecordEnd(_ terminator: Int32, _ context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    FieldCollector.recordEnded(terminator, state: context.assumingMemoryBound(to: FieldCollector.State.self))
}
