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
}

extension RecordSink {
    var isSatisfied: Bool { false }
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

/// Feeds a file to libcsv one physical line at a time, so that every record is known by
/// the physical line on which it starts, right across quoted newlines.
///
/// After a syntax error the partial record is rejected and parsing resumes at the line
/// after the one on which that record started: one stray quote costs one record, not the
/// rest of the file.
enum RecordFeeder {
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

        while true {
            while let segment = try reader.next() {
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
