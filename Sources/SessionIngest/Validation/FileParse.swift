import Dispatch
import SessionModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Parses and validates one file, in parts on separate threads when it is large, appending
/// its staged sessions, one ``StagedSessions`` per part in file order, to the dataset's.
///
/// Each part has its own libcsv parser, validator and dictionaries. The parts' sessions are
/// not merged: each keeps its lines and records before it (``StagedSessions/lineOffset``),
/// and ``SessionFinalizer`` reads them in place, so the result equals a parse in one piece.
/// The validators' issues and counts are absorbed into the first's. A cut is accepted only
/// if the part before it ended exactly between records; otherwise the file is parsed again
/// in one piece.
struct FileParse {
    var validator: SessionRecordValidator
    var feed: FeedSummary
    var parts: Int

    static func run(
        path: String, fileIndex: UInt16, dialect: Dialect, options: IngestOptions,
        staged: inout [StagedSessions],
        parts: Int, progress: IngestProgress? = nil, timings: PhaseTimings? = nil
    ) throws(IngestError) -> FileParse {
        let start = Int64(dialect.hasByteOrderMark ? 3 : 0)
        var size = stat()
        let fileSize = stat(path, &size) == 0 ? Int64(size.st_size) : 0
        progress?.expect(fileSize)
        if parts > 1 && fileSize - start >= 2 * options.minimumPartBytes,
            let header = try? readHeader(path: path, dialect: dialect, start: start)
        {
            let cuts = FilePartitioner.boundaries(
                path: path, start: start, size: fileSize, parts: parts, delimiter: dialect.delimiter,
                fieldCount: header.count, minimumPartBytes: options.minimumPartBytes)
            if cuts.count > 2,
                let parsed = try parseInParts(
                    path: path, fileIndex: fileIndex, dialect: dialect, options: options, staged: &staged,
                    header: header, cuts: cuts, progress: progress, timings: timings)
            {
                return parsed
            }
        }
        var validator = SessionRecordValidator(
            path: path, fileIndex: fileIndex, options: options, decimalComma: dialect.decimalComma,
            staged: StagedSessions())
        validator.staged.reserveCapacity(expectedRecords(path: path, bytes: fileSize - start, start: start))
        let feed = try RecordFeeder.run(
            path: path, delimiter: dialect.delimiter, encoding: dialect.encoding, skipBytes: Int(start),
            collector: FieldCollector(), progress: progress, sink: &validator)
        staged.append(validator.takeStaged(fileIndex: fileIndex, lineOffset: 0, recordOffset: 0))
        return FileParse(validator: validator, feed: feed, parts: 1)
    }

    /// The header's fields, read with the same parser settings as the records.
    private static func readHeader(path: String, dialect: Dialect, start: Int64) throws(IngestError)
        -> [String]
    {
        var probe = HeaderProbe()
        _ = try RecordFeeder.run(
            path: path, delimiter: dialect.delimiter, encoding: dialect.encoding, skipBytes: Int(start),
            collector: FieldCollector(), sink: &probe)
        guard let header = probe.header else { throw IngestError(file: path, message: "no header") }
        return header
    }

    /// Nil when a cut turned out not to be a record boundary.
    private static func parseInParts(
        path: String, fileIndex: UInt16, dialect: Dialect, options: IngestOptions,
        staged: inout [StagedSessions],
        header: [String], cuts: [Int64], progress: IngestProgress?, timings: PhaseTimings?
    ) throws(IngestError) -> FileParse? {
        let count = cuts.count - 1
        let results = ResultSlots<Result<(SessionRecordValidator, FeedSummary), IngestError>>(count: count)
        let bytesPerRecord = averageRecordBytes(path: path, start: cuts[0])
        DispatchQueue.concurrentPerform(iterations: count) { part in
            let outcome = Result { () throws(IngestError) -> (SessionRecordValidator, FeedSummary) in
                let collector = FieldCollector()
                var validator = SessionRecordValidator(
                    path: path, fileIndex: fileIndex, options: options, decimalComma: dialect.decimalComma,
                    staged: StagedSessions())
                validator.staged.reserveCapacity(
                    Int(Double(cuts[part + 1] - cuts[part]) / bytesPerRecord * 1.1) + 1024)
                if part > 0 { try validator.configure(headers: header, line: 1, collector: collector) }
                let feed = try RecordFeeder.run(
                    path: path, delimiter: dialect.delimiter, encoding: dialect.encoding,
                    skipBytes: Int(cuts[part]),
                    collector: collector, partEnd: part == count - 1 ? nil : cuts[part + 1],
                    expectsHeader: part == 0, headerFieldCount: header.count, progress: progress,
                    sink: &validator)
                return (validator, feed)
            }
            results[part] = outcome
        }
        timings?.mark("parse parts")

        // Check every cut and error first: on a bad cut the file is parsed again in one piece.
        var lines = 0
        for part in 0..<count {
            switch results[part]! {
            case .success(let value):
                if part < count - 1 && !value.1.endedBetweenRecords { return nil }
                lines += value.1.lines
            case .failure(var error):
                if let line = error.line { error.line = line + lines }
                throw error
            }
        }
        // Hand the parts' sessions over in file order, with the lines and records before each.
        var merged: SessionRecordValidator? = nil
        var feed = FeedSummary()
        for part in 0..<count {
            var (validator, partFeed): (SessionRecordValidator, FeedSummary)
            switch results.take(part) {
            case .success(let value): (validator, partFeed) = value
            case .failure(var error):
                if let line = error.line { error.line = line + feed.lines }
                throw error
            }
            staged.append(
                validator.takeStaged(fileIndex: fileIndex, lineOffset: feed.lines, recordOffset: feed.records)
            )
            if part == 0 {
                merged = validator
                feed = partFeed
                continue
            }
            merged!.absorb(&validator, lineOffset: feed.lines, recordOffset: feed.records)
            feed.lines += partFeed.lines
            feed.records += partFeed.records
            feed.windows1252Lines += partFeed.windows1252Lines
        }
        guard let merged else { return nil }
        timings?.mark("hand over parts")
        return FileParse(validator: merged, feed: feed, parts: count)
    }
}

extension FileParse {
    /// Bytes per record in the first 256 KiB (a guess to size the columns up front, so they
    /// do not grow by doubling and hold up to twice the memory they need).
    static func averageRecordBytes(path: String, start: Int64) -> Double {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return 100 }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 256 << 10)
        let read = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(start)) }
        guard read > 0 else { return 100 }
        let lines = buffer[0..<read].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        return lines > 1 ? Double(read) / Double(lines) : Double(max(read, 1))
    }

    static func expectedRecords(path: String, bytes: Int64, start: Int64) -> Int {
        guard bytes > 1 << 20 else { return 0 }
        return Int(Double(bytes) / averageRecordBytes(path: path, start: start) * 1.1)
    }
}

extension SessionRecordValidator {
    /// The staged sessions, moved out (the validator keeps an empty set), placed in the file.
    fileprivate mutating func takeStaged(fileIndex: UInt16, lineOffset: Int, recordOffset: Int)
        -> StagedSessions
    {
        var taken = StagedSessions(
            clinics: ByteInterner(capacity: 0), patients: ByteInterner(capacity: 0),
            therapists: ByteInterner(capacity: 0))
        swap(&taken, &staged)
        taken.fileIndex = fileIndex
        taken.lineOffset = lineOffset
        taken.recordOffset = recordOffset
        return taken
    }
}

/// Collects only the header of a file.
private struct HeaderProbe: RecordSink {
    var header: [String]?
    mutating func header(_ fields: FieldCollector, line: Int) throws(IngestError) {
        header = fields.strings()
    }
    mutating func record(_ fields: FieldCollector, line: Int, number: Int) throws(IngestError) {}
    mutating func syntaxError(line: Int, number: Int) {}
    var isSatisfied: Bool { header != nil }
}
