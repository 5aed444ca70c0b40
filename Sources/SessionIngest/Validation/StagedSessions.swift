import SessionModel

/// Accepted records in input order, with what finalising needs and the table does not
/// keep: where each came from, its note fingerprint, its raw session number and date.
struct StagedSessions {
    var clinics = ByteInterner(capacity: 64)
    var patients = ByteInterner(capacity: 1 << 14)
    var therapists = ByteInterner(capacity: 256)

    var file: [UInt16] = []
    var line: [UInt32] = []
    var record: [UInt32] = []
    var clinic: [UInt32] = []
    var course: [UInt32] = []
    /// A day number, or a packed slash date waiting for the column's order.
    var dateKey: [Int32] = []
    /// 0 when the file has no session_number column.
    var sessionNumber: [Int32] = []
    var technique: [Technique] = []
    var therapist: [UInt32] = []
    var duration: [UInt8] = []
    /// Decimal columns as exact hundredths (see ``DecimalColumn``): half the memory of doubles.
    var painPre = DecimalColumn()
    var painPost = DecimalColumn()
    var medDoses = DecimalColumn()
    var cause: [Cause] = []
    var onsetWeeks = DecimalColumn()
    var age: [UInt8] = []
    var sex: [Sex] = []
    var adverseEvent: [AdverseEvent] = []
    var notesHash: [UInt64] = []
    var warned: [Bool] = []
    var vas: [Bool] = []

    var count: Int { course.count }

    /// Appends one accepted record (the validator's only way in).
    @inline(__always)
    mutating func append(_ row: StagedRow) {
        file.append(row.file)
        line.append(row.line)
        record.append(row.record)
        clinic.append(row.clinic)
        course.append(row.course)
        dateKey.append(row.dateKey)
        sessionNumber.append(row.sessionNumber)
        technique.append(row.technique)
        therapist.append(row.therapist)
        duration.append(row.duration)
        painPre.append(row.painPre)
        painPost.append(row.painPost)
        medDoses.append(row.medDoses)
        cause.append(row.cause)
        onsetWeeks.append(row.onsetWeeks)
        age.append(row.age)
        sex.append(row.sex)
        adverseEvent.append(row.adverseEvent)
        notesHash.append(row.notesHash)
        warned.append(row.warned)
        vas.append(row.vas)
    }

    /// Makes room for `capacity` rows in every column.
    mutating func reserveCapacity(_ capacity: Int) {
        file.reserveCapacity(capacity)
        line.reserveCapacity(capacity)
        record.reserveCapacity(capacity)
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
        warned.reserveCapacity(capacity)
        vas.reserveCapacity(capacity)
    }

    /// Appends `other`'s rows, re-interning its ids into these dictionaries (in `other`'s
    /// order of first appearance, so the result equals parsing both parts in sequence) and
    /// shifting its line and record numbers.
    mutating func append(_ other: inout StagedSessions, lineOffset: Int, recordOffset: Int) {
        func remap(_ source: ByteInterner, into target: inout ByteInterner, tags: [UInt32]?) -> [UInt32] {
            var map = [UInt32](repeating: 0, count: source.count + 1)
            for id in 0..<source.count {
                let local = UInt32(id + 1)
                map[id + 1] = source.withEntry(local) { bytes, tag in
                    target.intern(bytes, tag: tags.map { $0[Int(tag)] } ?? tag)
                }
            }
            return map
        }
        /// Moves `source` onto the end of `target`, releasing `source` at once so that no
        /// more than one column is ever held twice.
        func move<Element>(
            _ source: inout [Element], onto target: inout [Element], _ transform: (Element) -> Element
        ) {
            target.reserveCapacity(target.count + source.count)
            for value in source { target.append(transform(value)) }
            source = []
        }
        let clinicMap = remap(other.clinics, into: &clinics, tags: nil)
        let patientMap = remap(other.patients, into: &patients, tags: clinicMap)
        let therapistMap = remap(other.therapists, into: &therapists, tags: nil)
        let lineShift = UInt32(truncatingIfNeeded: lineOffset)
        let recordShift = UInt32(truncatingIfNeeded: recordOffset)
        move(&other.file, onto: &file) { $0 }
        move(&other.line, onto: &line) { $0 + lineShift }
        move(&other.record, onto: &record) { $0 + recordShift }
        move(&other.clinic, onto: &clinic) { clinicMap[Int($0)] }
        move(&other.course, onto: &course) { patientMap[Int($0)] }
        move(&other.dateKey, onto: &dateKey) { $0 }
        move(&other.sessionNumber, onto: &sessionNumber) { $0 }
        move(&other.technique, onto: &technique) { $0 }
        move(&other.therapist, onto: &therapist) { therapistMap[Int($0)] }
        move(&other.duration, onto: &duration) { $0 }
        painPre.append(&other.painPre)
        painPost.append(&other.painPost)
        medDoses.append(&other.medDoses)
        move(&other.cause, onto: &cause) { $0 }
        onsetWeeks.append(&other.onsetWeeks)
        move(&other.age, onto: &age) { $0 }
        move(&other.sex, onto: &sex) { $0 }
        move(&other.adverseEvent, onto: &adverseEvent) { $0 }
        move(&other.notesHash, onto: &notesHash) { $0 }
        move(&other.warned, onto: &warned) { $0 }
        move(&other.vas, onto: &vas) { $0 }
        other = StagedSessions()
    }

    /// True when rows `a` and `b` are equal field by field after normalisation.
    func sameRecord(_ a: Int, _ b: Int) -> Bool {
        func same(_ x: Double, _ y: Double) -> Bool { x == y || (x.isNaN && y.isNaN) }
        return course[a] == course[b] && clinic[a] == clinic[b] && dateKey[a] == dateKey[b]
            && sessionNumber[a] == sessionNumber[b] && technique[a] == technique[b]
            && therapist[a] == therapist[b] && duration[a] == duration[b]
            && same(painPre.pain(a, vas: vas[a]), painPre.pain(b, vas: vas[b]))
            && same(painPost.pain(a, vas: vas[a]), painPost.pain(b, vas: vas[b]))
            && same(medDoses[a], medDoses[b]) && cause[a] == cause[b]
            && same(onsetWeeks[a], onsetWeeks[b]) && age[a] == age[b] && sex[a] == sex[b]
            && adverseEvent[a] == adverseEvent[b] && notesHash[a] == notesHash[b]
    }
}

/// One accepted record as the validator hands it over: ids interned into the same
/// ``StagedSessions``' dictionaries, decimals as parsed (NaN when missing), pain on the
/// record's own scale.
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

/// A column of optional decimals kept as exact hundredths in 32 bits.
///
/// A value is stored as the integer h with `Double(h) / 100 == value` whenever one exists
/// (every decimal with at most two places, the common case); any other value is kept
/// exactly in a side table. Reading back always gives the very double that was parsed.
struct DecimalColumn {
    static let missing = Int32.min
    static let inSideTable = Int32.min + 1

    private(set) var hundredths: [Int32] = []
    private var exceptions: [Int: Double] = [:]

    /// `Double(h) / 100` for every h below ``tabled``, then the same divided by 10 (a VAS
    /// pain on the NRS scale, as ``pain(_:vas:)`` gives it): the common values are stored and
    /// read without a division, which costs more than the rest of the work per value, and
    /// give the very same doubles. Made once and never freed; immutable, and a pointer so
    /// that the threads reading it share no reference count.
    nonisolated(unsafe) private static let quotients: UnsafeBufferPointer<Double> = {
        let table = UnsafeMutableBufferPointer<Double>.allocate(capacity: 2 * tabled)
        for hundredths in 0..<tabled {
            table[hundredths] = Double(hundredths) / 100
            table[tabled + hundredths] = Double(hundredths) / 100 / 10
        }
        return UnsafeBufferPointer(table)
    }()
    private static let tabled = 1 << 14

    var count: Int { hundredths.count }

    mutating func reserveCapacity(_ capacity: Int) { hundredths.reserveCapacity(capacity) }

    @inline(__always)
    mutating func append(_ value: Double) {
        if value.isNaN {
            hundredths.append(Self.missing)
            return
        }
        let scaled = (value * 100).rounded()
        let exact: Bool
        if scaled >= 0 && scaled < Double(Self.tabled) {
            exact = Self.quotients[Int(scaled)] == value
        } else {
            exact = abs(scaled) < 2_000_000_000 && Double(Int32(scaled)) / 100 == value
        }
        if exact && !(value == 0 && value.sign == .minus) {
            hundredths.append(Int32(scaled))
        } else {
            exceptions[hundredths.count] = value
            hundredths.append(Self.inSideTable)
        }
    }

    /// The value of row `index`, NaN when missing.
    @inline(__always)
    subscript(index: Int) -> Double {
        let stored = hundredths[index]
        if stored == Self.missing { return .nan }
        if stored == Self.inSideTable { return exceptions[index]! }
        return stored >= 0 && stored < Self.tabled ? Self.quotients[Int(stored)] : Double(stored) / 100
    }

    /// A pain score on NRS 0–10: VAS scores (0–100) divided by 10, as they were parsed.
    @inline(__always)
    func pain(_ index: Int, vas: Bool) -> Double { vas ? self[index] / 10 : self[index] }

    /// Moves `other` onto the end, releasing it.
    mutating func append(_ other: inout DecimalColumn) {
        let offset = hundredths.count
        hundredths.reserveCapacity(offset + other.hundredths.count)
        hundredths.append(contentsOf: other.hundredths)
        for (index, value) in other.exceptions { exceptions[offset + index] = value }
        other = DecimalColumn()
    }
}
