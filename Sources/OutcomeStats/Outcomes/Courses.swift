public import SessionModel

/// Why a course does or does not enter the course-level figures (METRICS.md §2), in the
/// order the exclusions apply.
public enum CourseStatus: UInt8, Sendable, CaseIterable {
    /// No session 1: its first sessions predate the export.
    case incomplete
    /// Complete, but pain at session 1 was 0: no improvement can be measured.
    case noBaselinePain
    /// Complete with baseline pain, but only one session: no outcome yet.
    case singleSession
    /// Enters every course-level figure.
    case analysable
}

/// One summary per course, in columns, built in one pass over a ``SessionTable`` whose
/// rows are already sorted into courses.
public struct Courses: Sendable {
    /// The table row of each course's first session, and one past its last.
    public var firstRow: [Int32] = []
    public var endRow: [Int32] = []
    public var status: [CourseStatus] = []
    /// Primary technique, or nil for `mixed`.
    public var primary: [Technique?] = []
    public var clinic: [UInt32] = []
    /// Pain before session 1 (complete courses), else NaN.
    public var baseline: [Double] = []
    /// Pain before the last session.
    public var latest: [Double] = []
    /// The last session number.
    public var lastSession: [Int32] = []
    /// Session number of the first session with pain at or below the response threshold
    /// (k ≥ 2), or 0 when censored.
    public var responseSession: [Int32] = []
    public var cause: [Cause] = []
    public var chronicity: [Chronicity] = []
    public var ageBand: [AgeBand] = []
    public var sex: [Sex] = []
    /// Medication at session 1 and at the last later session that has a value; NaN when absent.
    public var baselineDoses: [Double] = []
    public var latestDoses: [Double] = []

    public var count: Int { firstRow.count }

    /// Summarises every course of `table` under `settings`.
    public init(_ table: SessionTable, settings: AnalysisSettings) {
        let remaining = 1 - settings.responderThreshold / 100
        var start = 0
        while start < table.count {
            let end = CourseSummary.end(of: start, table)
            let summary = CourseSummary(table, rows: start..<end, remaining: remaining)
            firstRow.append(Int32(start))
            endRow.append(Int32(end))
            clinic.append(table.clinic[start])
            primary.append(summary.primary)
            baseline.append(summary.baseline)
            latest.append(summary.latest)
            lastSession.append(summary.lastSession)
            status.append(summary.status)
            responseSession.append(summary.responseSession)
            cause.append(table.cause[start])
            chronicity.append(
                Chronicity(weeks: table.symptomOnsetWeeks[start], cutoffs: settings.chronicityCutoffs))
            ageBand.append(AgeBand(table.age[start]))
            sex.append(table.sex[start])
            baselineDoses.append(summary.baselineDoses)
            latestDoses.append(summary.latestDoses)
            start = end
        }
    }

    /// Baseline minus latest pain (positive = improvement).
    @inline(__always)
    public func change(_ course: Int) -> Double { baseline[course] - latest[course] }

    /// Change as a percentage of baseline pain.
    @inline(__always)
    public func percentChange(_ course: Int) -> Double { change(course) / baseline[course] * 100 }

    /// True when the course enters medication figures: a complete course with baseline pain
    /// whose session 1 records doses above 0 and whose later sessions record a value.
    @inline(__always)
    public func hasMedicationOutcome(_ course: Int) -> Bool {
        status[course] == .analysable && baselineDoses[course] > 0 && !latestDoses[course].isNaN
    }

    /// The course's primary technique as a row label.
    @inline(__always)
    public func group(_ course: Int) -> TechniqueGroup { primary[course].map { .technique($0) } ?? .mixed }
}

/// What METRICS.md §2 says of one course, from its rows of the session table: the one place
/// the course rules are written down, for ``Courses`` and for the analysis.
struct CourseSummary {
    var status: CourseStatus
    /// The technique of more than half of the sessions, or nil (`mixed`).
    var primary: Technique?
    /// Pain before session 1 (complete courses), else NaN.
    var baseline: Double
    /// Pain before the last session.
    var latest: Double
    var lastSession: Int32
    /// The first session k ≥ 2 with pain at or below the response threshold; 0 when censored
    /// (and for courses that are not analysable).
    var responseSession: Int32
    /// Medication at session 1 and at the last later session that has a value; NaN when absent.
    var baselineDoses: Double
    var latestDoses: Double

    /// - Parameter remaining: the share of baseline pain a responder is left with, 1 - threshold / 100.
    @inline(__always)
    init(_ table: SessionTable, rows: Range<Int>, remaining: Double) {
        let (start, end) = (rows.lowerBound, rows.upperBound)
        status = Self.status(table, rows: rows)
        primary = Self.majority(table.technique, rows)
        let complete = status != .incomplete
        baseline = complete ? table.painPre[start] : .nan
        latest = table.painPre[end - 1]
        lastSession = table.sessionNumber[end - 1]
        responseSession = 0
        if status == .analysable {
            let threshold = remaining * baseline
            for row in (start + 1)..<end where table.painPre[row] <= threshold {
                responseSession = table.sessionNumber[row]
                break
            }
        }
        baselineDoses = complete ? table.medDosesPerDay[start] : .nan
        latestDoses = .nan
        if complete {
            for row in stride(from: end - 1, to: start, by: -1) where !table.medDosesPerDay[row].isNaN {
                latestDoses = table.medDosesPerDay[row]
                break
            }
        }
    }

    /// True when the course enters medication figures (``Courses/hasMedicationOutcome(_:)``).
    var hasMedicationOutcome: Bool { status == .analysable && baselineDoses > 0 && !latestDoses.isNaN }

    /// One past the last row of the course that starts at row `start`.
    @inline(__always)
    static func end(of start: Int, _ table: SessionTable) -> Int {
        var end = start + 1
        while end < table.count && table.course[end] == table.course[start] { end += 1 }
        return end
    }

    /// The status of the course at `rows`, in the order the exclusions apply.
    @inline(__always)
    static func status(_ table: SessionTable, rows: Range<Int>) -> CourseStatus {
        guard table.sessionNumber[rows.lowerBound] == 1 else { return .incomplete }
        if table.painPre[rows.lowerBound] == 0 { return .noBaselinePain }
        return rows.count < 2 ? .singleSession : .analysable
    }

    /// The technique of more than half of `rows`, if any.
    private static func majority(_ technique: [Technique], _ rows: Range<Int>) -> Technique? {
        // Courses of fewer than 256 sessions count in the bytes of one word, without branches.
        if rows.count < 256 && Technique.allCases.count <= 8 {
            var counts: UInt64 = 0
            for row in rows { counts &+= 1 &<< (UInt64(technique[row].rawValue) &* 8) }
            for technique in Technique.allCases
            where Int((counts >> (UInt64(technique.rawValue) * 8)) & 0xFF) * 2 > rows.count {
                return technique
            }
            return nil
        }
        // Boyer–Moore majority vote.
        var candidate = technique[rows.lowerBound]
        var votes = 0
        for row in rows {
            if votes == 0 {
                candidate = technique[row]
                votes = 1
            } else {
                votes += technique[row] == candidate ? 1 : -1
            }
        }
        var count = 0
        for row in rows where technique[row] == candidate { count += 1 }
        return count * 2 > rows.count ? candidate : nil
    }
}

extension AgeBand {
    /// The band of an age column value (``SessionTable/missingAge`` when unknown).
    init(_ age: UInt8) { self.init(age: age == SessionTable.missingAge ? nil : Int(age)) }
}
