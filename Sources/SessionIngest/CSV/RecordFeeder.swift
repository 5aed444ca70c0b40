#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Receives the records that ``RecordFeeder`` parses from a file.
protocol RecordSink {
    /// The first record of the file. The sink may set `fields.keep` for the records after it.
    mutating func header(_ fields: FieldCollector, line: Int) throws(IngestError)
    /// A data record; `number` counts data records from 1 and `line` is the physical line
    /// on which it starts (the header is line 1).
    mutating func record(_ fields: FieldCollector, line: Int, number: Int) throws(IngestError)
    /// A data record that libcsv could not parse (a stray or unterminated quote).
    mutating func syntaxError(line: Int, number: Int)
    /// True once the sink wants no more records (the feeder then stops early).
    var isSatisfied: Bool { get }
    /// Bytes to feed the parser at once where a block parses cleanly; 0: line by line.
    var blockBytes: Int { get }
    /// Called for each record of a block ``RecordFeeder/prefetchDistance`` records before it
    /// is passed to ``record(_:line:number:)``: the sink may ask for memory it will soon read.
    /// Must not change the sink's results.
    mutating func prefetch(_ fields: FieldCollector)
}

extension RecordSink {
    var isSatisfied: Bool { false }
    var blockBytes: Int { RecordFeeder.blockBytes }
    func prefetch(_ fields: FieldCollector) {}
}

/// What ``RecordFeeder`` saw besides the records.
struct FeedSummary: Equatable {
    /// Physical lines in the file.
    var lines = 0
    /// Data records, including those with syntax errors.
    var records = 0
    /// Lines of a UTF-8 file that were not valid UTF-8 and were read as Windows-1252.
    var windows1252Lines = 0
    var sawHeader = false
    /// For a part of a file that ends before its end: true when the part ended exactly
    /// between records, which proves the split was a record boundary.
    var endedBetweenRecords = true
}

/// Feeds a file to libcsv so that every record is known by the physical line on which it
/// starts, right across quoted newlines.
///
/// Blocks of whole lines go to the parser at once while they parse cleanly: the collector
/// counts physical lines from libcsv's row ends, and a block is accepted only when it ends
/// between records and every CR and LF byte in it is accounted for. Anything else (a syntax
/// error, a record running past the block, a line terminator inside a column that is not
/// hashed, bytes that are not valid UTF-8, a NUL) sends that block back to be fed one
/// physical line at a time, which gives every diagnostic its exact line.
///
/// After a syntax error the partial record is rejected and parsing resumes at the line
/// after the one on which that record started: one stray quote costs one record, not the
/// rest of the file.
enum RecordFeeder {
    /// Bytes fed to the parser at once on the block path: records stay in cache between
    /// parsing and validation.
    static let blockBytes = 128 << 10
    /// How many records ahead of validation ``RecordSink/prefetch(_:)`` is called (European
    /// 10M export, `validate`: 5.42 s with a whole block prefetched first, 5.31 s with 16).
    static let prefetchDistance = 16

    static func run<Sink: RecordSink>(
        path: String, delimiter: UInt8, encoding: TextEncoding, skipBytes: Int, collector: FieldCollector,
        partEnd: Int64? = nil, expectsHeader: Bool = true, headerFieldCount: Int? = nil,
        progress: IngestProgress? = nil, sink: inout Sink
    ) throws(IngestError) -> FeedSummary {
        do {
            return try feed(
                path: path, delimiter: delimiter, encoding: encoding, skipBytes: skipBytes,
                collector: collector, partEnd: partEnd, expectsHeader: expectsHeader,
                headerFieldCount: headerFieldCount, progress: progress, sink: &sink)
        } catch {
            throw error.inFile(path)
        }
    }

    private static func feed<Sink: RecordSink>(
        path: String, delimiter: UInt8, encoding: TextEncoding, skipBytes: Int, collector: FieldCollector,
        partEnd: Int64?, expectsHeader: Bool, headerFieldCount: Int?, progress: IngestProgress?,
        sink: inout Sink
    ) throws(IngestError) -> FeedSummary {
        let reader = try LineReader(path: path)
        if let partEnd { reader.stop(at: partEnd) }
        let tokenizer = CSVTokenizer(delimiter: delimiter, collector: collector)
        var summary = FeedSummary()
        summary.sawHeader = !expectsHeader
        var scratch: [UInt8] = []
        /// A block transcoded from Windows-1252 (written whole each time, never cleared).
        var blockScratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 0, alignment: 16)
        defer { blockScratch.deallocate() }
        var line = 1
        var atLineStart = true
        var skippingRestOfLine = false
        var recordStartLine = 1
        var resumeOffset = Int64(skipBytes)
        var startLineOpen = false
        var lastFallbackLine = 0
        var rewound = false
        var fieldCount = headerFieldCount ?? 0
        var reported = Int64(skipBytes)
        reader.seek(to: Int64(skipBytes))
        defer { progress?.advance(max(0, (partEnd ?? reported) - reported)) }

        func emit() throws(IngestError) {
            defer { collector.discardRecord() }
            if !summary.sawHeader {
                summary.sawHeader = true
                fieldCount = collector.fieldCount
                try sink.header(collector, line: recordStartLine)
            } else {
                summary.records += 1
                try sink.record(collector, line: recordStartLine, number: summary.records)
            }
        }

        func rejectPartialRecord() throws(IngestError) {
            guard summary.sawHeader else {
                throw IngestError(
                    file: path, line: recordStartLine,
                    message: "CSV syntax error in the header (a stray or unterminated quote)")
            }
            summary.records += 1
            sink.syntaxError(line: recordStartLine, number: summary.records)
            tokenizer.reset()
        }

        /// The block path: every record of whole lines at once, or false (nothing emitted,
        /// parser reset) when the block must be fed line by line instead.
        func feedBlock(_ block: LineReader.Segment) throws(IngestError) -> Bool {
            var bytes = block.bytes
            var scan = BlockScan(bytes, checkingUTF8: encoding == .utf8)
            guard bytes.baseAddress != nil, !scan.hasNUL else { return false }
            // An odd number of quotes: the block ends inside a quoted field (a note over
            // several lines). It then stops at its last line end outside quotes, and the
            // rest is read again with the next block, instead of the whole block line by line.
            var endsShort = false
            if scan.quotes % 2 == 1, scan.isValidUTF8, let cut = BlockScan.lastLineEndOutsideQuotes(bytes) {
                let rest = BlockScan(UnsafeRawBufferPointer(rebasing: bytes[cut...]), checkingUTF8: false)
                scan.quotes -= rest.quotes
                scan.terminators -= rest.terminators
                bytes = UnsafeRawBufferPointer(rebasing: bytes[..<cut])
                endsShort = true
            }
            var parsed = bytes
            if encoding == .windows1252 {
                if blockScratch.count < 3 * bytes.count {
                    blockScratch.deallocate()
                    blockScratch = .allocate(byteCount: 3 * bytes.count, alignment: 16)
                }
                guard let written = Windows1252.transcodeIfDefined(bytes, into: blockScratch.baseAddress!)
                else { return false }
                parsed = UnsafeRawBufferPointer(rebasing: blockScratch[..<written])
            } else {
                guard scan.isValidUTF8 else { return false }
            }
            // Transcoding leaves CR, LF and quotes as they are (and makes no ASCII bytes).
            collector.beginBlock(line: line)
            let outcome = tokenizer.parseBlock(parsed, quotes: scan.quotes)
            guard outcome == .consumed, tokenizer.isBetweenRecords,
                collector.terminatorBytes == scan.terminators
            else {
                tokenizer.reset()
                return false
            }
            // Prefetching runs a fixed distance ahead of validation: far enough for the
            // memory to arrive in time, near enough that the requests do not queue up.
            let records = collector.recordCount
            let distance = Self.prefetchDistance
            for index in 0..<min(distance, records) {
                _ = collector.select(index)
                sink.prefetch(collector)
            }
            for index in 0..<records {
                if index + distance < records {
                    _ = collector.select(index + distance)
                    sink.prefetch(collector)
                }
                let start = collector.select(index)
                recordStartLine = start
                summary.records += 1
                try sink.record(collector, line: start, number: summary.records)
                if sink.isSatisfied { break }
            }
            collector.discardRecord()
            line = collector.line
            summary.lines = max(summary.lines, line - 1)
            if endsShort { reader.rewind(to: block.offset + Int64(bytes.count)) }
            return true
        }

        // The block path is tried at line starts between records, past the last block that
        // had to be fed line by line.
        var lineByLineUntil = Int64(skipBytes)
        let blockBytes = sink.blockBytes
        while true {
            while true {
                if blockBytes > 0 && summary.sawHeader && atLineStart && !skippingRestOfLine
                    && tokenizer.isBetweenRecords
                    && reader.position >= lineByLineUntil,
                    let block = try reader.nextBlock(maximum: blockBytes)
                {
                    if try feedBlock(block) {
                        if sink.isSatisfied { return summary }
                        if let progress, block.offset - reported >= 4 << 20 {
                            progress.advance(block.offset - reported)
                            reported = block.offset
                        }
                        continue
                    }
                    reader.rewind(to: block.offset)
                    lineByLineUntil = block.offset + Int64(block.bytes.count)
                }
                guard let segment = try reader.next() else { break }
                defer {
                    if rewound {
                        rewound = false
                        line = recordStartLine + 1
                        atLineStart = true
                        skippingRestOfLine = false
                    } else if segment.isComplete {
                        summary.lines = max(summary.lines, line)
                        line += 1
                        atLineStart = true
                        skippingRestOfLine = false
                    } else {
                        atLineStart = false
                    }
                }
                if skippingRestOfLine { continue }
                if let progress, segment.offset - reported >= 4 << 20 {
                    progress.advance(segment.offset - reported)
                    reported = segment.offset
                }
                var bytes = segment.bytes
                if let base = bytes.baseAddress, memchr(base, 0, bytes.count) != nil {
                    throw IngestError(
                        file: path, line: line,
                        message: "NUL byte: this looks like a binary file, not a CSV export")
                }
                if atLineStart && tokenizer.isBetweenRecords {
                    recordStartLine = line
                    startLineOpen = true
                }
                if startLineOpen && segment.isComplete {
                    resumeOffset = segment.offset + Int64(segment.bytes.count)
                    startLineOpen = false
                }
                var transcode = encoding == .windows1252
                if !transcode, case .invalid = UTF8Validation.validate(bytes) {
                    transcode = true
                    if lastFallbackLine != line {
                        summary.windows1252Lines += 1
                        lastFallbackLine = line
                    }
                }
                if transcode {
                    if let bad = Windows1252.firstUndefinedByte(bytes) {
                        let hex = String(bytes[bad], radix: 16, uppercase: true)
                        throw IngestError(
                            file: path, line: line,
                            message:
                                "byte 0x\(hex) is neither UTF-8 nor Windows-1252; convert the file to UTF-8")
                    }
                    scratch.removeAll(keepingCapacity: true)
                    Windows1252.transcode(bytes, into: &scratch)
                }
                let outcome =
                    transcode
                    ? scratch.withUnsafeBytes { tokenizer.parse($0) }
                    : tokenizer.parse(bytes)
                bytes = UnsafeRawBufferPointer(start: nil, count: 0)
                switch outcome {
                case .consumed:
                    if collector.hasRecord {
                        try emit()
                        if sink.isSatisfied { return summary }
                    }
                case .syntaxError:
                    try rejectPartialRecord()
                    // The error surfaced on a later line than the record began. If the line
                    // after the start reads as a whole record, an unbalanced quote swallowed
                    // it: resume there. Otherwise the record really spanned those lines (a
                    // quoted newline) and only went wrong here: resume after this line.
                    if recordStartLine != line
                        && reader.lineReadsAsRecord(
                            at: resumeOffset, delimiter: delimiter, fieldCount: fieldCount)
                    {
                        reader.seek(to: resumeOffset)
                        startLineOpen = false
                        rewound = true
                        continue
                    }
                    skippingRestOfLine = !segment.isComplete
                case .fieldTooLarge:
                    throw IngestError(
                        file: path, line: recordStartLine,
                        message:
                            "a field is larger than \(maximumFieldBytes >> 20) MiB; this is not a session export"
                    )
                }
            }
            if partEnd != nil {
                // A part that ends before the file does: it must end between records.
                summary.endedBetweenRecords = tokenizer.isBetweenRecords && atLineStart
                return summary
            }
            switch tokenizer.finish() {
            case .consumed:
                if collector.hasRecord { try emit() }
                return summary
            case .syntaxError:
                try rejectPartialRecord()
                let lastLine = line - 1
                if recordStartLine >= lastLine
                    || !reader.lineReadsAsRecord(
                        at: resumeOffset, delimiter: delimiter, fieldCount: fieldCount)
                {
                    return summary
                }
                reader.seek(to: resumeOffset)
                line = recordStartLine + 1
                atLineStart = true
                startLineOpen = false
            case .fieldTooLarge:
                throw IngestError(
                    file: path, line: recordStartLine,
                    message:
                        "a field is larger than \(maximumFieldBytes >> 20) MiB; this is not a session export")
            }
        }
    }
}
