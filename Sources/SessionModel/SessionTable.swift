/// The accepted sessions of a dataset in columnar form, sorted into courses.
///
/// Each column holds one field for every row; row `i` of every column is the same
/// session. Rows are ordered by course, then session number, so a course is a run of
/// equal `course` values. The table deliberately holds no patient id, therapist id,
/// date of service or note text: nothing downstream of ingest can leak them.
///
/// Missing optional values use sentinels rather than optionals to keep the columns
/// compact: `.nan` for decimals, ``SessionTable/missingAge`` for age and
/// ``SessionTable/missingDuration`` for duration.
public struct SessionTable: Sendable {
    /// The sentinel stored in ``age`` when the age is missing or invalid.
    public static let missingAge: UInt8 = .max
    /// The sentinel stored in ``durationMinutes`` when the duration is missing or invalid.
    public static let missingDuration: UInt8 = 0

    /// Clinic ids in order of first appearance; ``clinic`` indexes this array.
    public var clinicNames: [String] = []
    /// Index into ``clinicNames`` for each row.
    public var clinic: [UInt32] = []
    /// Dense course number (one per clinic and patient), in order of first appearance.
    public var course: [UInt32] = []
    /// Session number within the course, 1 or more.
    public var sessionNumber: [Int32] = []
    /// Date of service as days since 1970-01-01. Used for ordering only, never reported.
    public var day: [Int32] = []
    /// The technique used in the session.
    public var technique: [Technique] = []
    /// Pain before the session on the NRS 0–10 scale (VAS already divided by 10).
    public var painPre: [Double] = []
    /// Pain after the session on the NRS 0–10 scale, or `.nan`.
    public var painPost: [Double] = []
    /// Analgesic doses per day, or `.nan`.
    public var medDosesPerDay: [Double] = []
    /// The cause of sciatica (`unknown` when empty or unrecognised).
    public var cause: [Cause] = []
    /// Weeks since symptom onset at this session, or `.nan`.
    public var symptomOnsetWeeks: [Double] = []
    /// Age in years 0–120, or ``missingAge``.
    public var age: [UInt8] = []
    /// Recorded sex (`unknown` when empty or unrecognised).
    public var sex: [Sex] = []
    /// Adverse event recorded for the session (`none` when empty or unrecognised).
    public var adverseEvent: [AdverseEvent] = []
    /// Session length in minutes 1–240, or ``missingDuration``.
    public var durationMinutes: [UInt8] = []

    public init() {}

    /// The number of sessions (rows).
    public var count: Int { course.count }

    /// The number of distinct courses (course numbers are dense from 0).
    public var courseCount: Int {
        var maximum: UInt32? = nil
        for value in course where maximum.map({ value > $0 }) ?? true { maximum = value }
        return maximum.map { Int($0) + 1 } ?? 0
    }

    /// Reserves room for `capacity` rows in every column.
    public mutating func reserveCapacity(_ capacity: Int) {
        clinic.reserveCapacity(capacity)
        course.reserveCapacity(capacity)
        sessionNumber.reserveCapacity(capacity)
        day.reserveCapacity(capacity)
        technique.reserveCapacity(capacity)
        painPre.reserveCapacity(capacity)
        painPost.reserveCapacity(capacity)
        medDosesPerDay.reserveCapacity(capacity)
        cause.reserveCapacity(capacity)
        symptomOnsetWeeks.reserveCapacity(capacity)
        age.reserveCapacity(capacity)
        sex.reserveCapacity(capacity)
        adverseEvent.reserveCapacity(capacity)
        durationMinutes.reserveCapacity(capacity)
    }

    /// Appends one session. Callers must keep the table's ordering invariant.
    public mutating func append(_ row: SessionRow) {
        clinic.append(row.clinic)
        course.append(row.course)
        sessionNumber.append(row.sessionNumber)
        day.append(row.day)
        technique.append(row.technique)
        painPre.append(row.painPre)
        painPost.append(row.painPost)
        medDosesPerDay.append(row.medDosesPerDay)
        cause.append(row.cause)
        symptomOnsetWeeks.append(row.symptomOnsetWeeks)
        age.append(row.age)
        sex.append(row.sex)
        adverseEvent.append(row.adverseEvent)
        durationMinutes.append(row.durationMinutes)
    }

    /// Row `index` gathered from every column (for tests and small tables; the
    /// statistics read the columns directly).
    public func row(_ index: Int) -> SessionRow {
        SessionRow(
            clinic: clinic[index], course: course[index], sessionNumber: sessionNumber[index],
            day: day[index], technique: technique[index], painPre: painPre[index],
            painPost: painPost[index], medDosesPerDay: medDosesPerDay[index], cause: cause[index],
            symptomOnsetWeeks: symptomOnsetWeeks[index], age: age[index], sex: sex[index],
            adverseEvent: adverseEvent[index], durationMinutes: durationMinutes[index])
    }
}

/// One session gathered from the columns of a ``SessionTable``.
public struct SessionRow: Sendable, Equatable {
    public var clinic: UInt32
    public var course: UInt32
    public var sessionNumber: Int32
    public var day: Int32
    public var technique: Technique
    public var painPre: Double
    public var painPost: Double
    public var medDosesPerDay: Double
    public var cause: Cause
    public var symptomOnsetWeeks: Double
    public var age: UInt8
    public var sex: Sex
    public var adverseEvent: AdverseEvent
    public var durationMinutes: UInt8

    public init(
        clinic: UInt32 = 0, course: UInt32, sessionNumber: Int32, day: Int32 = 0,
        technique: Technique, painPre: Double, painPost: Double = .nan,
        medDosesPerDay: Double = .nan, cause: Cause = .unknown, symptomOnsetWeeks: Double = .nan,
        age: UInt8 = SessionTable.missingAge, sex: Sex = .unknown, adverseEvent: AdverseEvent = .none,
        durationMinutes: UInt8 = SessionTable.missingDuration
    ) {
        self.clinic = clinic
        self.course = course
        self.sessionNumber = sessionNumber
        self.day = day
        self.technique = technique
        self.painPre = painPre
        self.painPost = painPost
        self.medDosesPerDay = medDosesPerDay
        self.cause = cause
        self.symptomOnsetWeeks = symptomOnsetWeeks
        self.age = age
        self.sex = sex
        self.adverseEvent = adverseEvent
        self.durationMinutes = durationMinutes
    }

    /// Equality that treats two `.nan` sentinels as equal (both missing).
    public static func == (lhs: Self, rhs: Self) -> Bool {
        func same(_ a: Double, _ b: Double) -> Bool { a == b || (a.isNaN && b.isNaN) }
        return lhs.clinic == rhs.clinic && lhs.course == rhs.course
            && lhs.sessionNumber == rhs.sessionNumber && lhs.day == rhs.day
            && lhs.technique == rhs.technique && same(lhs.painPre, rhs.painPre)
            && same(lhs.painPost, rhs.painPost) && same(lhs.medDosesPerDay, rhs.medDosesPerDay)
            && lhs.cause == rhs.cause && same(lhs.symptomOnsetWeeks, rhs.symptomOnsetWeeks)
            && lhs.age == rhs.age && lhs.sex == rhs.sex && lhs.adverseEvent == rhs.adverseEvent
            && lhs.durationMinutes == rhs.durationMinutes
    }
}
