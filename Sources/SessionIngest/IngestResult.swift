public import SessionModel

/// One row of `rejects.csv`: a rejected, warned or duplicate record and why.
public struct RecordIssue: Sendable, Equatable {
    public init(
        file: String, line: Int, record: Int, reason: RejectReason, field: String, value: String,
        detail: String
    ) {
        self.init(
            file: file, line: line, record: record, reason: reason, field: field, value: value,
            detail: detail, fileIndex: 0)
    }

    init(
        file: String, line: Int, record: Int, reason: RejectReason, field: String, value: String,
        detail: String,
        fileIndex: Int
    ) {
        self.file = file
        self.line = line
        self.record = record
        self.reason = reason
        self.field = field
        self.value = value
        self.detail = detail
        self.fileIndex = fileIndex
    }

    /// The input file as given.
    public var file: String
    /// The physical line on which the record starts (the header is line 1).
    public var line: Int
    /// The data record's number in its file, from 1.
    public var record: Int
    public var reason: RejectReason
    /// The canonical field at fault, or empty for the whole record.
    public var field: String
    /// The raw value at fault (cut to 200 characters).
    public var value: String
    /// A human explanation (e.g. which earlier line a duplicate repeats).
    public var detail: String
    /// The position of the file among the inputs (a path may be given twice).
    var fileIndex = 0

    public var severity: RejectReason.Severity { reason.severity }
}

/// What ingest saw in one input file.
public struct FileSummary: Sendable {
    public var path: String
    public var dialect: Dialect
    public var mapping: HeaderMapping
    /// How session dates were read, e.g. `MM/DD/YYYY (decided from 37 values with a day above 12)`.
    public var dateFormatDescription: String
    /// The slash order used (nil when the file had no slash dates).
    public var slashOrder: DateFormat?
    /// How pain scales were decided, e.g. `per row (pain_scale column)`.
    public var painScaleDescription: String
    public var lines = 0
    public var records = 0
    public var accepted = 0
    /// Accepted records with at least one warning.
    public var warned = 0
    public var rejected = 0
    public var duplicates = 0
    /// Accepted rows whose pain was on VAS 0–100 and was divided by 10.
    public var vasConverted = 0
    /// Lines of a UTF-8 file read as Windows-1252 because they were not valid UTF-8.
    public var windows1252Lines = 0
    /// How many parts the file was parsed in (1: in one piece).
    public var parts = 1
}

/// Record counts that always reconcile: `records = accepted + rejected + duplicates`.
public struct DataQuality: Sendable, Equatable {
    public var files = 0
    public var records = 0
    public var accepted = 0
    /// Accepted records with at least one warning.
    public var warnings = 0
    public var rejected = 0
    public var duplicates = 0
    public var vasConverted = 0
    /// Rejected records by reason.
    public var rejectedByReason: [RejectReason: Int] = [:]
    /// Warnings (one per field) on accepted records, by reason.
    public var warningsByReason: [RejectReason: Int] = [:]
    /// Header columns no field claimed, as `file: header`.
    public var ignoredColumns: [String] = []

    public var reconciles: Bool { records == accepted + rejected + duplicates }
}

/// The outcome of ingesting one or more exports as one dataset.
public struct IngestResult: Sendable {
    /// Accepted sessions, sorted into courses.
    public var table: SessionTable
    public var files: [FileSummary]
    /// Rejected, warned and duplicate records, by file and record.
    public var issues: [RecordIssue]
    public var quality: DataQuality
}
