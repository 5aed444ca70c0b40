import SessionModel

/// Accepted records of one file, or of one part of a file parsed in parts, in input order,
/// with what finalising needs and the table does not keep: where each came from, its note
/// fingerprint, its raw session number and date.
///
/// Ids are interned into the part's own dictionaries and line and record numbers count
/// from the part's start; ``SessionFinalizer`` maps both to the dataset's, reading the
/// parts' columns where they are (nothing is merged or copied first).
struct StagedSessions {
    var clinics: ByteInterner
    var patients: ByteInterner
    var therapists: ByteInterner

    /// The file of every row (a part holds rows of one file only), set by ``FileParse``:
    /// each ``StagedRow/file`` is the same.
    var fileIndex: UInt16 = 0
    /// Lines and records of the file before the part's first.
    var lineOffset = 0
    var recordOffset = 0

    /// Where each row came from: its line and record numbers in the part.
    var positions = RowPositions()
    var clinic = StagedColumn<UInt32>()
    var course = StagedColumn<UInt32>()
    /// A day number, or a packed slash date waiting for the column's order.
    var dateKey = StagedColumn<Int32>()
    /// 0 when the file has no session_number column.
    var sessionNumber = StagedColumn<Int32>()
    var technique = StagedColumn<Technique>()
    var therapist = StagedColumn<UInt32>()
    var duration = StagedColumn<UInt8>()
    /// Decimal columns as exact hundredths (see ``DecimalColumn``): a quarter of the memory of doubles.
    var painPre = DecimalColumn()
    var painPost = DecimalColumn()
    var medDoses = DecimalColumn()
    var cause = StagedColumn<Cause>()
    var onsetWeeks = DecimalColumn()
    var age = StagedColumn<UInt8>()
    var sex = StagedColumn<Sex>()
    var adverseEvent = StagedColumn<AdverseEvent>()
    var notesHash = StagedColumn<UInt64>()
    /// ``warnedFlag`` and ``vasFlag`` of each row.
    var flags = StagedColumn<UInt8>()

    /// The record had a warning.
    static let warnedFlag: UInt8 = 1
    /// The record's pain is on the VAS scale (0–100).
    static let vasFlag: UInt8 = 2

    init(
        clinics: ByteInterner = ByteInterner(capacity: 64),
        patients: ByteInterner = ByteInterner(capacity: 1 << 14),
        therapists: ByteInterner = ByteInterner(capacity: 256)
    ) {
        self.clinics = clinics
        self.patients = patients
        self.therapists = therapists
    }

    /// Rows staged.
    var count: Int { course.count }

    /// Shared by copies of this value: when it is not uniquely referenced, a copy may share
    /// the columns' memory, and the columns are claimed again (see ``StagedColumn``).
    private var owner: Owner?
    private final class Owner {}

    /// Appends one accepted record (the validator's only way in), straight into the columns.
    @inline(__always)
    mutating func append(_ row: StagedRow) {
        if _slowPath(!isKnownUniquelyReferenced(&owner)) { claimColumns() }
        positions.append(row: count, line: row.line, record: row.record)
        clinic.appendClaimed(row.clinic)
        course.appendClaimed(row.course)
        dateKey.appendClaimed(row.dateKey)
        sessionNumber.appendClaimed(row.sessionNumber)
        technique.appendClaimed(row.technique)
        therapist.appendClaimed(row.therapist)
        duration.appendClaimed(row.duration)
        painPre.appendClaimed(row.painPre)
        painPost.appendClaimed(row.painPost)
        medDoses.appendClaimed(row.medDoses)
        cause.appendClaimed(row.cause)
        onsetWeeks.appendClaimed(row.onsetWeeks)
        age.appendClaimed(row.age)
        sex.appendClaimed(row.sex)
        adverseEvent.appendClaimed(row.adverseEvent)
        notesHash.appendClaimed(row.notesHash)
        flags.appendClaimed((row.warned ? Self.warnedFlag : 0) | (row.vas ? Self.vasFlag : 0))
    }

    /// Makes this value the only one appending to its columns, from now on.
    private mutating func claimColumns() {
        owner = Owner()
        clinic.claimForGood()
        course.claimForGood()
        dateKey.claimForGood()
        sessionNumber.claimForGood()
        technique.claimForGood()
        therapist.claimForGood()
        duration.claimForGood()
        painPre.claimForGood()
        painPost.claimForGood()
        medDoses.claimForGood()
        cause.claimForGood()
        onsetWeeks.claimForGood()
        age.claimForGood()
        sex.claimForGood()
        adverseEvent.claimForGood()
        notesHash.claimForGood()
        flags.claimForGood()
    }

    /// Makes room for `capacity` rows in every column.
    mutating func reserveCapacity(_ capacity: Int) {
        owner = nil  // columns that move are claimed again by the next append
        clinic.reserveCapacity(capacity)
        course.reserveCapacity(capacity)
        dateKey.reserveCapacity(capacity)
        sessionNumber.reserveCapacity(capacity)
        technique.reserveCapacity(capacity)
        therapist.reserveCapacity(capacity)
        duration.reserveCapacity(capacity)
        painPre.reserveCapacity(capacity)
        painPost.reserveCapacity(capacity)
        medDoses.reserveCapacity(capacity)
        cause.reserveCapacity(capacity)
        onsetWeeks.reserveCapacity(capacity)
        age.reserveCapacity(capacity)
        sex.reserveCapacity(capacity)
        adverseEvent.reserveCapacity(capacity)
        notesHash.reserveCapacity(capacity)
        flags.reserveCapacity(capacity)
    }

    /// Row `row`'s line in its file.
    func fileLine(_ row: Int) -> Int { lineOffset + positions.line(of: row) }

    /// Row `row`'s record number in its file.
    func fileRecord(_ row: Int) -> Int { recordOffset + positions.record(of: row) }
}

/// The line and record numbers of staged rows, kept as runs: within a run each row's
/// numbers are the run's first row's plus the rows between them. A run ends where a record
/// was rejected (and so not staged), a record spans lines, or a blank line comes between.
/// A clean export is one run; ten million rows of line and record numbers would otherwise
/// be 80 MB written once and read only for the few rows finalising removes.
struct RowPositions {
    /// Per run: its first row, and line and record numbers minus the row index (both only
    /// grow from run to run, since lines and records increase by at least one per row).
    private var firstRow: [Int] = []
    private var lineMinusRow: [Int] = []
    private var recordMinusRow: [Int] = []
    /// The last run's, or `Int.min` before the first row.
    private var lastLineMinusRow = Int.min
    private var lastRecordMinusRow = Int.min

    /// Runs so far (for tests).
    var runs: Int { firstRow.count }

    /// Records row `row` (the next one) at `line` and `record`.
    @inline(__always)
    mutating func append(row: Int, line: UInt32, record: UInt32) {
        let lineOffset = Int(line) - row
        let recordOffset = Int(record) - row
        if lineOffset == lastLineMinusRow && recordOffset == lastRecordMinusRow { return }
        lastLineMinusRow = lineOffset
        lastRecordMinusRow = recordOffset
        firstRow.append(row)
        lineMinusRow.append(lineOffset)
        recordMinusRow.append(recordOffset)
    }

    func line(of row: Int) -> Int { row + lineMinusRow[run(of: row)] }

    func record(of row: Int) -> Int { row + recordMinusRow[run(of: row)] }

    /// The last run starting at or before `row`.
    private func run(of row: Int) -> Int {
        var low = 0
        var high = firstRow.count
        while high - low > 1 {
            let middle = (low + high) / 2
            if firstRow[middle] <= row { low = middle } else { high = middle }
        }
        return low
    }
}

/// One accepted record as the validator hands it over: ids interned into the same
/// ``StagedSessions``' dictionaries, decimals as parsed (NaN when missing), pain on the
/// record's own scale. `file` is the same for every row of a ``StagedSessions``.
struct StagedRow {
    var file: UInt16
    var line: UInt32
    var record: UInt32
    var clinic: UInt32
    var course: UInt32
    var dateKey: Int32
    var sessionNumber: Int32
    var technique: Technique
    var therapist: UInt32
    var duration: UInt8
    var painPre: Double
    var painPost: Double
    var medDoses: Double
    var cause: Cause
    var onsetWeeks: Double
    var age: UInt8
    var sex: Sex
    var adverseEvent: AdverseEvent
    var notesHash: UInt64
    var warned: Bool
    var vas: Bool
}

/// A column of optional decimals kept as exact hundredths in 16 bits.
///
/// A value is stored as the integer h (0 ≤ h < 65534) with `Double(h) / 100 == value`
/// whenever one exists (every decimal from 0 to 655.33 with at most two places: pain on
/// either scale, doses per day and nearly every onset in weeks); any other value is kept
/// exactly in a side table. Reading back always gives the very double that was parsed.
struct DecimalColumn {
    static let missing = UInt16.max
    static let inSideTable = UInt16.max - 1

    private(set) var hundredths = StagedColumn<UInt16>()
    private var exceptions: [Int: Double] = [:]

    /// `Double(h) / 100` for every h below ``tabled``, then the same divided by 10 (a VAS
    /// pain on the NRS scale, as ``pain(_:vas:)`` gives it): the common values are stored and
    /// read without a division, which costs more than the rest of the work per value, and
    /// give the very same doubles. Made once and never freed; immutable, and a pointer so
    /// that the threads reading it share no reference count.
    nonisolated(unsafe) private static let sharedQuotients: UnsafeBufferPointer<Double> = {
        let table = UnsafeMutableBufferPointer<Double>.allocate(capacity: 2 * tabled)
        for hundredths in 0..<tabled {
            table[hundredths] = Double(hundredths) / 100
            table[tabled + hundredths] = Double(hundredths) / 100 / 10
        }
        return UnsafeBufferPointer(table)
    }()
    private static var tabled: Int { 1 << 14 }
    /// ``sharedQuotients``, copied so that the hot paths do not check each time that it is made.
    private let quotients = sharedQuotients

    var count: Int { hundredths.count }

    mutating func reserveCapacity(_ capacity: Int) { hundredths.reserveCapacity(capacity) }

    @inline(__always)
    mutating func append(_ value: Double) {
        append(value) { $0.append($1) }
    }

    /// ``append(_:)`` for a ``StagedSessions`` that holds the column (see ``StagedColumn``).
    @inline(__always)
    mutating func appendClaimed(_ value: Double) { append(value) { $0.appendClaimed($1) } }

    mutating func claimForGood() { hundredths.claimForGood() }

    @inline(__always)
    private mutating func append(_ value: Double, by store: (inout StagedColumn<UInt16>, UInt16) -> Void) {
        if value.isNaN {
            store(&hundredths, Self.missing)
            return
        }
        // The nearest whole number of hundredths, by truncation (no call to `round`): any
        // candidate will do, since it is kept only if it gives `value` back exactly.
        var exact = false
        var candidate = 0
        if value >= 0 && value < Double(Self.inSideTable) / 100 {
            candidate = Int(value * 100 + 0.5)
            exact =
                candidate < Self.tabled
                ? quotients[candidate] == value
                : candidate < Int(Self.inSideTable) && Double(candidate) / 100 == value
        }
        if exact && !(value == 0 && value.sign == .minus) {
            store(&hundredths, UInt16(candidate))
        } else {
            exceptions[hundredths.count] = value
            store(&hundredths, Self.inSideTable)
        }
    }

    /// The value of row `index`, NaN when missing.
    @inline(__always)
    subscript(index: Int) -> Double {
        let stored = hundredths[index]
        if stored == Self.missing { return .nan }
        if stored == Self.inSideTable { return exceptions[index]! }
        return stored < Self.tabled ? quotients[Int(stored)] : Double(stored) / 100
    }

    /// A pain score on NRS 0–10: VAS scores (0–100) divided by 10, as they were parsed.
    @inline(__always)
    func pain(_ index: Int, vas: Bool) -> Double { vas ? self[index] / 10 : self[index] }

    /// Writes each row's value to `output[destinations[row]]`, skipping rows whose
    /// destination is negative; with `flags`, as ``pain(_:vas:)`` reads it.
    func scatter(
        into output: UnsafeMutableBufferPointer<Double>, destinations: UnsafeBufferPointer<Int32>,
        flags: UnsafeBufferPointer<UInt8>?
    ) {
        let quotients = self.quotients
        let tabled = Self.tabled
        hundredths.withUnsafeBufferPointer { stored in
            for row in 0..<stored.count {
                let destination = Int(destinations[row])
                if destination < 0 { continue }
                let hundredths = stored[row]
                let vas = flags.map { $0[row] & StagedSessions.vasFlag != 0 } ?? false
                if hundredths < tabled {
                    output[destination] = quotients[Int(hundredths) + (vas ? tabled : 0)]
                    continue
                }
                var value =
                    hundredths == Self.missing
                    ? .nan : hundredths == Self.inSideTable ? exceptions[row]! : Double(hundredths) / 100
                if vas { value /= 10 }
                output[destination] = value
            }
        }
    }
}
