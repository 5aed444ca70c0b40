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
    var painPre: [Double] = []
    var painPost: [Double] = []
    var medDoses: [Double] = []
    var cause: [Cause] = []
    var onsetWeeks: [Double] = []
    var age: [UInt8] = []
    var sex: [Sex] = []
    var adverseEvent: [AdverseEvent] = []
    var notesHash: [UInt64] = []
    var warned: [Bool] = []
    var vas: [Bool] = []

    var count: Int { course.count }

    /// Appends `other`'s rows, re-interning its ids into these dictionaries (in `other`'s
    /// order of first appearance, so the result equals parsing both parts in sequence) and
    /// shifting its line and record numbers.
    mutating func append(_ other: StagedSessions, lineOffset: Int, recordOffset: Int) {
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
        let clinicMap = remap(other.clinics, into: &clinics, tags: nil)
        let patientMap = remap(other.patients, into: &patients, tags: clinicMap)
        let therapistMap = remap(other.therapists, into: &therapists, tags: nil)
        file += other.file
        line += other.line.map { $0 + UInt32(truncatingIfNeeded: lineOffset) }
        record += other.record.map { $0 + UInt32(truncatingIfNeeded: recordOffset) }
        clinic += other.clinic.map { clinicMap[Int($0)] }
        course += other.course.map { patientMap[Int($0)] }
        dateKey += other.dateKey
        sessionNumber += other.sessionNumber
        technique += other.technique
        therapist += other.therapist.map { therapistMap[Int($0)] }
        duration += other.duration
        painPre += other.painPre
        painPost += other.painPost
        medDoses += other.medDoses
        cause += other.cause
        onsetWeeks += other.onsetWeeks
        age += other.age
        sex += other.sex
        adverseEvent += other.adverseEvent
        notesHash += other.notesHash
        warned += other.warned
        vas += other.vas
    }

    /// True when rows `a` and `b` are equal field by field after normalisation.
    func sameRecord(_ a: Int, _ b: Int) -> Bool {
        func same(_ x: Double, _ y: Double) -> Bool { x == y || (x.isNaN && y.isNaN) }
        return course[a] == course[b] && clinic[a] == clinic[b] && dateKey[a] == dateKey[b]
            && sessionNumber[a] == sessionNumber[b] && technique[a] == technique[b]
            && therapist[a] == therapist[b] && duration[a] == duration[b] && same(painPre[a], painPre[b])
            && same(painPost[a], painPost[b]) && same(medDoses[a], medDoses[b]) && cause[a] == cause[b]
            && same(onsetWeeks[a], onsetWeeks[b]) && age[a] == age[b] && sex[a] == sex[b]
            && adverseEvent[a] == adverseEvent[b] && notesHash[a] == notesHash[b]
    }
}
