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

    /// Parses a block of whole lines that starts between records, like ``parse(_:)``, first
    /// without the per-byte space callback: libcsv's own space test then drops spaces and
    /// tabs at a field's edge (before it, after an unquoted one, after a closing quote), and
    /// only there, so its fields are exactly those of ``parse(_:)`` when it dropped none.
    /// Whether it did is found by accounting for every byte of the block (see
    /// ``FieldCollector/bytesAccountedFor(quotes:)``; `quotes` is the block's number of
    /// double quotes); if any is missing, the block is parsed again with no byte a space.
    /// A syntax error may differ from that of ``parse(_:)``; a block with one is fed again
    /// line by line anyway.
    func parseBlock(_ bytes: UnsafeRawBufferPointer, quotes: Int) -> Outcome {
        let line = collector.line
        csv_set_space_func(parser, nil)
        let outcome: Outcome
        if collector.reserve(forBlockOf: bytes.count, parser: parser) {
            outcome = parse(bytes, collectReservedField, collectReservedRecordEnd)
        } else {
            outcome = parse(bytes)
        }
        csv_set_space_func(parser, noByteIsSpace)
        guard outcome == .consumed, isBetweenRecords else { return outcome }
        if collector.bytesAccountedFor(quotes: quotes) == bytes.count { return .consumed }
        blocksParsedAgain += 1
        reset()
        collector.beginBlock(line: line)
        return parse(bytes)
    }

    /// Blocks ``parseBlock(_:quotes:)`` had to parse again because a space or tab sat at a
    /// field's edge.
    private(set) var blocksParsedAgain = 0

    /// Parses `bytes`, delivering fields and record ends to the collector.
    func parse(_ bytes: UnsafeRawBufferPointer) -> Outcome { parse(bytes, collectField, collectRecordEnd) }

    private func parse(
        _ bytes: UnsafeRawBufferPointer,
        _ field: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void,
        _ recordEnd: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void
    ) -> Outcome {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return .consumed }
        let context = UnsafeMutableRawPointer(collector.state)
        let used = csv_parse(parser, base, bytes.count, field, recordEnd, context)
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
    deliverField(bytes, length, context, reserved: false)
}

private func collectRecordEnd(_ terminator: Int32, _ context: UnsafeMutableRawPointer?) {
    deliverRecordEnd(terminator, context, reserved: false)
}

/// The same, for a block the collector reserved room for.
private func collectReservedField(
    _ bytes: UnsafeMutableRawPointer?, _ length: Int, _ context: UnsafeMutableRawPointer?
) {
    deliverField(bytes, length, context, reserved: true)
}

private func collectReservedRecordEnd(_ terminator: Int32, _ context: UnsafeMutableRawPointer?) {
    deliverRecordEnd(terminator, context, reserved: true)
}

/// What the callbacks share: the context is the collector's state.
@inline(__always)
private func deliverField(
    _ bytes: UnsafeMutableRawPointer?, _ length: Int, _ context: UnsafeMutableRawPointer?, reserved: Bool
) {
    guard let context else { return }
    FieldCollector.append(
        UnsafeRawBufferPointer(start: bytes, count: bytes == nil ? 0 : length),
        to: context.assumingMemoryBound(to: FieldCollector.State.self), reserved: reserved)
}

@inline(__always)
private func deliverRecordEnd(_ terminator: Int32, _ context: UnsafeMutableRawPointer?, reserved: Bool) {
    guard let context else { return }
    FieldCollector.recordEnded(
        terminator, state: context.assumingMemoryBound(to: FieldCollector.State.self), reserved: reserved)
}
