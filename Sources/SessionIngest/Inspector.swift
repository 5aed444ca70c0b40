import SessionModel

/// What `outcomes inspect` shows of a CSV file: its dialect, how its header maps to
/// canonical fields, and its records exactly as parsed.
public struct Inspection: Sendable {
    public var path: String
    public var dialect: Dialect
    /// The first record's fields.
    public var header: [String]
    /// The canonical field of each header column (nil: not mapped).
    public var fields: [SessionField?]
    /// Data records after the header, each field exactly as parsed (no trimming).
    public var records: [[String]]
    /// Physical line on which each record in ``records`` starts.
    public var recordLines: [Int]
    /// Lines on which a record could not be parsed (a stray or unterminated quote).
    public var syntaxErrorLines: [Int]
    /// How session dates read, judged from the records read (empty if no date column).
    public var dateFormatDescription: String
    public var painScaleDescription: String
    /// True when more records followed those shown.
    public var truncated: Bool
}

extension Inspector {
    fileprivate struct Sink: RecordSink {
        let limit: Int
        let forcedDate: DateFormat?
        let blockBytes: Int
        var header: [String] = []
        var records: [[String]] = []
        var lines: [Int] = []
        var syntaxErrors: [Int] = []
        var dateColumn: Int?
        var evidence = DateColumnEvidence()
        var truncated = false

        mutating func header(_ fields: FieldCollector, line: Int) throws(IngestError) {
            header = fields.strings()
            let keys = header.map { ASCII.normalizedKey($0) }
            dateColumn = keys.firstIndex { SessionField.headerKeys[$0] == .sessionDate }
        }

        mutating func record(_ fields: FieldCollector, line: Int, number: Int) throws(IngestError) {
            if limit > 0 && records.count == limit {
                truncated = true
                return
            }
            records.append(fields.strings())
            lines.append(line)
            guard let dateColumn else { return }
            let parsed = fields.withField(dateColumn) { SessionDate.parse($0, forced: forcedDate) }
            guard let parsed else { return }
            evidence.noteOrder(parsed)
            if case .day = parsed {
                if fields.withField(dateColumn, { ASCII.trimmed($0).contains(UInt8(ascii: ".")) }) {
                    evidence.dots += 1
                } else {
                    evidence.iso += 1
                }
            }
        }

        mutating func syntaxError(line: Int, number: Int) { syntaxErrors.append(line) }

        var isSatisfied: Bool { truncated }
    }
}

/// Reads any CSV file for `outcomes inspect`, session export or not.
public enum Inspector {
    /// Inspects `path`, keeping the first `rows` data records (0: all).
    public static func inspect(path: String, rows: Int, options: IngestOptions = IngestOptions())
        throws(IngestError)
        -> Inspection
    {
        let dialect = try DialectSniffer.sniff(path: path, options: options)
        var sink = Sink(limit: rows, forcedDate: options.dateFormat, blockBytes: options.blockBytes)
        let collector = FieldCollector()
        let feed = try RecordFeeder.run(
            path: path, delimiter: dialect.delimiter, encoding: dialect.encoding,
            skipBytes: dialect.hasByteOrderMark ? 3 : 0, collector: collector, sink: &sink)
        guard feed.sawHeader else {
            throw IngestError(file: path, message: "the file holds only blank lines: no header")
        }
        let mapping = try? HeaderMapping(headers: sink.header, file: path, mapping: options.mapping)
        let fields = mapping?.fields ?? sink.header.map { SessionField.headerKeys[ASCII.normalizedKey($0)] }
        let dates: String
        let evidence = sink.evidence
        if sink.dateColumn == nil {
            dates = "no session_date column"
        } else {
            dates = evidence.decision(forced: options.dateFormat).description
        }
        let scale: String
        if fields.contains(.painScale) {
            scale = "per row (pain_scale column)"
        } else {
            scale = options.painScale.map { "\($0.rawValue) (--pain-scale)" } ?? "nrs (default)"
        }
        return Inspection(
            path: path, dialect: dialect, header: sink.header, fields: fields, records: sink.records,
            recordLines: sink.lines, syntaxErrorLines: sink.syntaxErrors, dateFormatDescription: dates,
            painScaleDescription: scale, truncated: sink.truncated)
    }
}
