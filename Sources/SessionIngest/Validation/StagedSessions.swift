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
        func move<Element>(_ source: inout [Element], onto target: inout [Element], _ transform: (Element) -> Element) {
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
        move(&other.painPre, onto: &painPre) { $0 }
        move(&other.painPost, onto: &painPost) { $0 }
        move(&other.medDoses, onto: &medDoses) { $0 }
        move(&other.cause, onto: &cause) { $0 }
        move(&other.onsetWeeks, onto: &onsetWeeks) { $0 }
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
            && therapist[a] == therapist[b] && duration[a] == duration[b] && same(painPre[a], painPre[b])
            && same(painPost[a], painPost[b]) && same(medDoses[a], medDoses[b]) && cause[a] == cause[b]
            && same(onsetWeeks[a], onsetWeeks[b]) && age[a] == age[b] && sex[a] == sex[b]
            && adverseEvent[a] == adverseEvent[b] && notesHash[a] == notesHash[b]
    }
}
