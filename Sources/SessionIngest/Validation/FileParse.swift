import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Parses and validates one file, in parts on separate threads when it is large.
///
/// Each part has its own libcsv parser, validator and dictionaries; the parts are then
/// merged in file order (ids re-interned, line and record numbers shifted), so the result
/// equals a parse in one piece. A cut is accepted only if the part before it ended exactly
/// between records; otherwise the file is parsed again in one piece.
struct FileParse {
    var validator: SessionRecordValidator
    var feed: FeedSummary
    var parts: Int

    static func run(
        path: String, fileIndex: UInt16, dialect: Dialect, options: IngestOptions, staged: StagedSessions, parts: Int,
        progress: IngestProgress? = nil
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
                    path: path, fileIndex: fileIndex, dialect: dialect, options: options, staged: staged,
                    header: header, cuts: cuts, progress: progress)
            {
                return parsed
            }
        }
        var validator = SessionRecordValidator(
            path: path, fileIndex: fileIndex, options: options, decimalComma: dialect.decimalComma, staged: staged)
        let feed = try RecordFeeder.run(
            path: path, delimiter: dialect.delimiter, encoding: dialect.encoding, skipBytes: Int(start),
            collector: FieldCollector(), exactSpaces: false, progress: progress, sink: &validator)
        return FileParse(validator: validator, feed: feed, parts: 1)
    }

    /// The header's fields, read with the same parser settings as the records.
    private static func readHeader(path: String, dialect: Dialect, start: Int64) throws(IngestError) -> [String] {
        var probe = HeaderProbe()
        _ = try RecordFeeder.run(
            path: path, delimiter: dialect.delimiter, encoding: dialect.encoding, skipBytes: Int(start),
            collector: FieldCollector(), exactSpaces: false, sink: &probe)
        guard let header = probe.header else { throw IngestError(file: path, message: "no header") }
        return header
    }

    /// Nil when a cut turned out not to be a record boundary.
    private static func parseInParts(
        path: String, fileIndex: UInt16, dialect: Dialect, options: IngestOptions, staged: StagedSessions,
        header: [String], cuts: [Int64], progress: IngestProgress?
    ) throws(IngestError) -> FileParse? {
        let count = cuts.count - 1
        let results = PartResults(count: count)
        let first = SessionRecordValidator(
            path: path, fileIndex: fileIndex, options: options, decimalComma: dialect.decimalComma, staged: staged)
        results.store(0, .success((first, FeedSummary())))
        DispatchQueue.concurrentPerform(iterations: count) { part in
            let outcome = Result { () throws(IngestError) -> (SessionRecordValidator, FeedSummary) in
                let collector = FieldCollector()
                var validator: SessionRecordValidator
                if part == 0 {
                    validator = try results.take(0).get().0
                } else {
                    validator = SessionRecordValidator(
                        path: path, fileIndex: fileIndex, options: options, decimalComma: dialect.decimalComma,
                        staged: StagedSessions())
                    try validator.configure(headers: header, line: 1, collector: collector)
                }
                let feed = try RecordFeeder.run(
                    path: path, delimiter: dialect.delimiter, encoding: dialect.encoding, skipBytes: Int(cuts[part]),
                    collector: collector, exactSpaces: false, partEnd: part == count - 1 ? nil : cuts[part + 1],
                    expectsHeader: part == 0, progress: progress, sink: &validator)
                return (validator, feed)
            }
            results.store(part, outcome)
        }

        // Merge in file order; the first error in file order is the file's error.
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
            if part < count - 1 && !partFeed.endedBetweenRecords { return nil }
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
        return FileParse(validator: merged, feed: feed, parts: count)
    }
}

/// Collects only the header of a file.
private struct HeaderProbe: RecordSink {
    var header: [String]?
    mutating func header(_ fields: FieldCollector, line: Int) throws(IngestError) { header = fields.strings() }
    mutating func record(_ fields: FieldCollector, line: Int, number: Int) throws(IngestError) {}
    mutating func syntaxError(line: Int, number: Int) {}
    var isSatisfied: Bool { header != nil }
}

/// One slot per part, written by that part's thread and read after all have finished.
/// `concurrentPerform` returns only when every iteration has, which orders the accesses.
private final class PartResults: @unchecked Sendable {
    private var slots: [Result<(SessionRecordValidator, FeedSummary), IngestError>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func store(_ index: Int, _ value: Result<(SessionRecordValidator, FeedSummary), IngestError>) {
        slots[index] = value
    }

    func take(_ index: Int) -> Result<(SessionRecordValidator, FeedSummary), IngestError> {
        defer { slots[index] = nil }
        return slots[index]!
    }
}
