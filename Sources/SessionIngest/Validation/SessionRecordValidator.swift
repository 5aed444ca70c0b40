import SessionModel

/// Turns each parsed record of one file into a staged session, a warning or a reject,
/// following METRICS.md §1. Runs once per record, so it converts straight from the
/// parser's bytes and makes no `String` unless something is wrong.
struct SessionRecordValidator: RecordSink {
    let path: String
    let fileIndex: UInt16
    let options: IngestOptions
    let decimalComma: Bool
    var staged: StagedSessions
    var issues: [RecordIssue] = []
    var summaryCounts = FileSummary.Counts()
    var mapping: HeaderMapping?
    /// Slash orders are counted on every parsed date, rejected rows included; shapes on
    /// accepted rows.
    var dates = DateColumnEvidence()

    private var columns = [Int](repeating: -1, count: SessionField.allCases.count)
    private var headerCount = 0
    private var defaultClinic: UInt32 = 0
    private var techniques = CategoryMatcher(CategoryVocabulary.techniques)
    private var causes = CategoryMatcher(CategoryVocabulary.causes)
    private var sexes = CategoryMatcher(CategoryVocabulary.sexes)
    private var adverseEvents = CategoryMatcher(CategoryVocabulary.adverseEvents)
    private var painScales = CategoryMatcher(CategoryVocabulary.painScales)
    private var warnings: [(RejectReason, SessionField, Int)] = []
    /// The clinic ``prefetch(_:)`` looked up last (ids never change once given).
    private var lastPrefetchClinic = (key: SpellingKey(), id: UInt32(0))
    /// The patient ``prefetch(_:)`` asked for last, and under which clinic.
    private var lastPrefetchPatient = (key: SpellingKey(), clinic: UInt32(0))

    init(path: String, fileIndex: UInt16, options: IngestOptions, decimalComma: Bool, staged: StagedSessions)
    {
        self.path = path
        self.fileIndex = fileIndex
        self.options = options
        self.decimalComma = decimalComma
        self.staged = staged
    }

    mutating func header(_ fields: FieldCollector, line: Int) throws(IngestError) {
        try configure(headers: fields.strings(), line: line, collector: fields)
    }

    /// Maps the header and sets which columns `collector` keeps: from the file's first
    /// record, or, for a later part of a file parsed in parallel, from the header the first
    /// part read.
    mutating func configure(headers: [String], line: Int, collector fields: FieldCollector)
        throws(IngestError)
    {
        let mapping = try HeaderMapping(headers: headers, file: path, mapping: options.mapping)
        let missing = mapping.missingRequired
        if !missing.isEmpty {
            let found = headers.map { "'\($0)'" }.joined(separator: ", ")
            throw IngestError(
                file: path, line: line,
                message:
                    "missing required column\(missing.count > 1 ? "s" : ""): \(missing.map(\.rawValue).joined(separator: ", ")) (headers found: \(found)); map them with --mapping"
            )
        }
        for (field, column) in mapping.columnOf { columns[field.ordinal] = column }
        headerCount = headers.count
        let keep: [FieldCollector.Keep] = mapping.fields.map { field in
            switch field {
            case nil: .nothing
            case .notes?: .hash
            default: .bytes
            }
        }
        fields.setKeep(keep, beyond: .nothing)
        let clinicName = options.defaultClinic ?? "default"
        var name = clinicName
        defaultClinic = name.withUTF8 { staged.clinics.intern(UnsafeRawBufferPointer($0)) }
        self.mapping = mapping
    }

    var blockBytes: Int { options.blockBytes }

    /// Fetches the patient dictionary's slot for this record ahead of validation: in an
    /// export ordered by date every patient lookup is a cache miss, and a block's misses
    /// overlap this way. Only reads the dictionaries.
    mutating func prefetch(_ collector: FieldCollector) {
        let fields = collector.current
        guard fields.fieldCount == headerCount else { return }
        let patient = fields.trimmedPadded(column(.patientID))
        var clinic = defaultClinic
        let clinicName = fields.trimmedPadded(column(.clinicID))
        if !clinicName.isEmpty {
            // Clinics repeat: the last one looked up is remembered by its bytes.
            let key = SpellingKey(clinicName)
            if let key, key == lastPrefetchClinic.key {
                clinic = lastPrefetchClinic.id
            } else {
                guard let known = staged.clinics.id(of: clinicName.bytes) else { return }
                clinic = known
                if let key { lastPrefetchClinic = (key, known) }
            }
        }
        // Consecutive sessions of one patient (an export ordered by patient) ask for the
        // slot that was just asked for.
        let patientKey = SpellingKey(patient)
        if let patientKey, patientKey == lastPrefetchPatient.key && clinic == lastPrefetchPatient.clinic {
            return
        }
        if let patientKey { lastPrefetchPatient = (patientKey, clinic) }
        staged.patients.prefetch(patient, tag: clinic)
    }

    mutating func syntaxError(line: Int, number: Int) {
        summaryCounts.records += 1
        reject(
            .csvSyntax, line: line, record: number, field: nil, value: "",
            detail: "a stray or unterminated double quote")
    }

    @inline(__always)
    private func column(_ field: SessionField) -> Int { columns[field.ordinal] }

    mutating func record(_ collector: FieldCollector, line: Int, number: Int) throws(IngestError) {
        let fields = collector.current
        summaryCounts.records += 1
        if fields.fieldCount != headerCount {
            reject(
                .raggedRow, line: line, record: number, field: nil, value: "",
                detail: "\(fields.fieldCount) fields; the header has \(headerCount)")
            return
        }
        warnings.removeAll(keepingCapacity: true)

        // Required fields, in the order of METRICS.md §1; the first fault rejects the record.
        let patientColumn = column(.patientID)
        let patient = fields.trimmedPadded(patientColumn)
        if patient.isEmpty { return reject(.missingPatientID, .patientID, fields, line, number) }

        let dateColumn = column(.sessionDate)
        let parsedDate: SessionDate.Parsed
        // An ISO date is read on its own, its shape known (no dots, no slash order to note).
        let isoDay =
            options.dateFormat == nil || options.dateFormat == .iso
            ? SessionDate.isoDay(fields.field(dateColumn)) : nil
        if let isoDay {
            parsedDate = .day(isoDay)
        } else {
            if FieldParsers.isBlank(fields.field(dateColumn)) {
                return reject(.missingSessionDate, .sessionDate, fields, line, number)
            }
            guard let parsed = SessionDate.parse(fields.field(dateColumn), forced: options.dateFormat) else {
                return reject(.invalidSessionDate, .sessionDate, fields, line, number)
            }
            parsedDate = parsed
            // The column's slash order is decided from every date in it, rejected rows included.
            dates.noteOrder(parsed)
        }

        var sessionNumber: Int32 = 0
        let numberColumn = column(.sessionNumber)
        if numberColumn >= 0 {
            let field = ASCII.trimmed(fields.field(numberColumn))
            if field.isEmpty { return reject(.missingSessionNumber, .sessionNumber, fields, line, number) }
            guard let value = FieldParsers.integer(field), value >= 1 else {
                return reject(.invalidSessionNumber, .sessionNumber, fields, line, number)
            }
            sessionNumber = Int32(value)
        }

        let techniqueColumn = column(.technique)
        let techniqueField = fields.trimmedPadded(techniqueColumn)
        if techniqueField.isEmpty { return reject(.missingTechnique, .technique, fields, line, number) }
        guard let technique = techniques.match(techniqueField) else {
            return reject(.unknownTechnique, .technique, fields, line, number)
        }

        var scale = options.painScale ?? .nrs
        let scaleColumn = column(.painScale)
        let scaleField = fields.trimmedPadded(scaleColumn)
        if !scaleField.isEmpty {
            if let rowScale = painScales.match(scaleField) {
                scale = rowScale
            } else {
                warnings.append((.invalidPainScale, .painScale, scaleColumn))
            }
        }

        let painField = ASCII.trimmed(fields.field(column(.painPre)))
        if painField.isEmpty { return reject(.missingPain, .painPre, fields, line, number) }
        guard let rawPain = FieldParsers.decimal(painField, decimalComma: decimalComma) else {
            return reject(.invalidPain, .painPre, fields, line, number)
        }
        guard rawPain >= 0 && rawPain <= scale.maximum else {
            return reject(.painOutOfRange, .painPre, fields, line, number)
        }

        // Optional fields: a bad value is a warning and counts as missing.
        var painPost = Double.nan
        let postColumn = column(.painPost)
        let postField = ASCII.trimmed(fields.field(postColumn))
        if !postField.isEmpty {
            if let value = FieldParsers.decimal(postField, decimalComma: decimalComma) {
                if value >= 0 && value <= scale.maximum {
                    painPost = value
                } else {
                    warnings.append((.painPostOutOfRange, .painPost, postColumn))
                }
            } else {
                warnings.append((.invalidPainPost, .painPost, postColumn))
            }
        }

        let comma = decimalComma
        let duration = optional(
            .durationMinutes, fields, .invalidDuration, missing: SessionTable.missingDuration
        ) {
            FieldParsers.integer($0).flatMap { (1...240).contains($0) ? UInt8($0) : nil }
        }
        let medication = optional(.medDosesPerDay, fields, .invalidMedication, missing: Double.nan) {
            FieldParsers.decimal($0, decimalComma: comma).flatMap { $0 >= 0 ? $0 : nil }
        }
        let onset = optional(.symptomOnsetWeeks, fields, .invalidSymptomOnset, missing: Double.nan) {
            FieldParsers.decimal($0, decimalComma: comma).flatMap { $0 >= 0 ? $0 : nil }
        }
        let age = optional(.age, fields, .invalidAge, missing: SessionTable.missingAge) {
            FieldParsers.integer($0).flatMap { $0 <= 120 ? UInt8($0) : nil }
        }
        let cause = Self.category(
            .cause, column(.cause), fields, &causes, .unknownCause, missing: Cause.unknown, &warnings)
        let sex = Self.category(
            .sex, column(.sex), fields, &sexes, .invalidSex, missing: Sex.unknown, &warnings)
        let adverse = Self.category(
            .adverseEvent, column(.adverseEvent), fields, &adverseEvents, .invalidAdverseEvent,
            missing: AdverseEvent.none, &warnings)

        // Accepted: intern ids only now, so rejected records leave no trace in the dictionaries.
        let clinicColumn = column(.clinicID)
        var clinic = defaultClinic
        if clinicColumn >= 0 {
            let trimmed = fields.trimmedPadded(clinicColumn)
            if !trimmed.isEmpty { clinic = staged.clinics.intern(trimmed) }
        }
        let course = staged.patients.intern(patient, tag: clinic)
        var therapist: UInt32 = 0
        let therapistColumn = column(.therapistID)
        if therapistColumn >= 0 {
            let trimmed = fields.trimmedPadded(therapistColumn)
            if !trimmed.isEmpty { therapist = staged.therapists.intern(trimmed) }
        }
        let notesColumn = column(.notes)
        let notesHash = notesColumn >= 0 ? fields.hash(notesColumn) : NoteFingerprint.empty

        let dateKey: Int32
        switch parsedDate {
        case .day(let day):
            dateKey = day
            if isoDay != nil {
                dates.iso += 1
            } else if fields.withField(dateColumn, { ASCII.trimmed($0).contains(UInt8(ascii: ".")) }) {
                dates.dots += 1
            } else if options.dateFormat != .mdy && options.dateFormat != .dmy {
                dates.iso += 1
            }
        case .slash(let first, let second, let year):
            dateKey = SessionDate.pack(first: first, second: second, year: year)
        }

        for (reason, field, column) in warnings {
            let value = fields.withField(column) { Self.displayValue($0) }
            issues.append(
                RecordIssue(
                    file: path, line: line, record: number, reason: reason, field: field.rawValue,
                    value: value,
                    detail: "treated as missing", fileIndex: Int(fileIndex)))
        }

        staged.append(
            StagedRow(
                file: fileIndex, line: UInt32(truncatingIfNeeded: line),
                record: UInt32(truncatingIfNeeded: number), clinic: clinic, course: course, dateKey: dateKey,
                sessionNumber: sessionNumber, technique: technique, therapist: therapist, duration: duration,
                painPre: rawPain, painPost: painPost, medDoses: medication, cause: cause, onsetWeeks: onset,
                age: age, sex: sex, adverseEvent: adverse, notesHash: notesHash, warned: !warnings.isEmpty,
                vas: scale == .vas))
    }

    /// An optional field's value: `missing` when the column is absent or the value blank;
    /// `missing` and a warning when `parse` rejects it (given the trimmed value).
    @inline(__always)
    private mutating func optional<Value>(
        _ field: SessionField, _ fields: FieldCollector.RecordFields, _ reason: RejectReason, missing: Value,
        parse: (UnsafeRawBufferPointer) -> Value?
    ) -> Value {
        let column = column(field)
        let trimmed = ASCII.trimmed(fields.field(column))
        guard !trimmed.isEmpty else { return missing }
        if let found = parse(trimmed) { return found }
        warnings.append((reason, field, column))
        return missing
    }

    /// The same for a category value, looked up by `matcher` (which remembers spellings,
    /// so it is passed in rather than captured).
    @inline(__always)
    private static func category<Value>(
        _ field: SessionField, _ column: Int, _ fields: FieldCollector.RecordFields,
        _ matcher: inout CategoryMatcher<Value>, _ reason: RejectReason, missing: Value,
        _ warnings: inout [(RejectReason, SessionField, Int)]
    ) -> Value {
        let trimmed = fields.trimmedPadded(column)
        guard !trimmed.isEmpty else { return missing }
        if let found = matcher.match(trimmed) { return found }
        warnings.append((reason, field, column))
        return missing
    }

    private mutating func reject(
        _ reason: RejectReason, _ field: SessionField, _ fields: FieldCollector.RecordFields, _ line: Int,
        _ number: Int
    ) {
        let value = fields.withField(column(field)) { Self.displayValue($0) }
        reject(reason, line: line, record: number, field: field, value: value, detail: "")
    }

    private mutating func reject(
        _ reason: RejectReason, line: Int, record: Int, field: SessionField?, value: String, detail: String
    ) {
        summaryCounts.rejected += 1
        issues.append(
            RecordIssue(
                file: path, line: line, record: record, reason: reason, field: field?.rawValue ?? "",
                value: value,
                detail: detail, fileIndex: Int(fileIndex)))
    }

    /// A raw value for `rejects.csv`: valid UTF-8, cut to 200 characters.
    static func displayValue(_ bytes: UnsafeRawBufferPointer) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}

extension FileSummary {
    /// Counts kept while a file streams; finalising adds what it decides.
    struct Counts {
        var records = 0
        var rejected = 0
    }
}

extension SessionRecordValidator {
    /// Takes in the records a later part of the same file validated, as if this validator
    /// had read them itself.
    /// The part's staged sessions are not moved: the finalizer reads every part in place.
    mutating func absorb(_ part: inout SessionRecordValidator, lineOffset: Int, recordOffset: Int) {
        for var issue in part.issues {
            issue.line += lineOffset
            issue.record += recordOffset
            issues.append(issue)
        }
        summaryCounts.records += part.summaryCounts.records
        summaryCounts.rejected += part.summaryCounts.rejected
        dates += part.dates
    }
}
