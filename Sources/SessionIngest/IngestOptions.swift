public import SessionModel

/// What the user may force instead of letting ingest detect it.
public struct IngestOptions: Sendable {
    /// The field delimiter; nil: detected per file.
    public var delimiter: UInt8?
    /// The encoding; nil: UTF-8 when the bytes are valid UTF-8, else Windows-1252.
    public var encoding: TextEncoding?
    /// The date format; nil: each value by its shape, slash order decided from the column.
    public var dateFormat: DateFormat?
    /// The scale of rows with no `pain_scale` value; nil: NRS.
    public var painScale: PainScale?
    /// Accept `,` as a decimal separator; nil: only where the delimiter is `;`.
    public var decimalComma: Bool?
    /// The clinic of rows with no `clinic_id`; nil: `default`.
    public var defaultClinic: String?
    /// Header-to-field assignments that take precedence over the alias table.
    public var mapping: HeaderMappingFile?
    /// A file is cut into parts for parallel parsing only when each part would be at least
    /// this large (tests lower it to exercise cuts on small files).
    var minimumPartBytes: Int64 = FilePartitioner.minimumPartBytes
    /// Bytes fed to libcsv at once on the block path; 0 feeds every line on its own (tests
    /// vary it to prove the two paths agree).
    var blockBytes = RecordFeeder.blockBytes

    public init(
        delimiter: UInt8? = nil, encoding: TextEncoding? = nil, dateFormat: DateFormat? = nil,
        painScale: PainScale? = nil, decimalComma: Bool? = nil, defaultClinic: String? = nil,
        mapping: HeaderMappingFile? = nil
    ) {
        self.delimiter = delimiter
        self.encoding = encoding
        self.dateFormat = dateFormat
        self.painScale = painScale
        self.decimalComma = decimalComma
        self.defaultClinic = defaultClinic
        self.mapping = mapping
    }
}
