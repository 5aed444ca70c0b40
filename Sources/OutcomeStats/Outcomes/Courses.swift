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
    ///
    /// Column by column, each filled on all cores in chunks of courses.
    public init(_ table: SessionTable, settings: AnalysisSettings) {
        let firstRow = Self.firstRows(table)
        let count = firstRow.count
        let rows = Int32(table.count)
        self.firstRow = firstRow
        let endRow = Parallel.column(count: count) { courses, column in
            for course in courses { column[course] = course + 1 < count ? firstRow[course + 1] : rows }
        }
        self.endRow = endRow
        // Read one value at each course's first or last row.
        func atFirstRow<Element>(_ value: @Sendable @escaping (Int) -> Element) -> [Element] {
            Parallel.column(count: count) { courses, column in
                for course in courses { column[course] = value(Int(firstRow[course])) }
            }
        }
        func atLastRow<Element>(_ value: @Sendable @escaping (Int) -> Element) -> [Element] {
            Parallel.column(count: count) { courses, column in
                for course in courses { column[course] = value(Int(endRow[course]) - 1) }
            }
        }
        clinic = atFirstRow { table.clinic[$0] }
        cause = atFirstRow { table.cause[$0] }
        sex = atFirstRow { table.sex[$0] }
        let cutoffs = settings.chronicityCutoffs
        chronicity = atFirstRow { Chronicity(weeks: table.symptomOnsetWeeks[$0], cutoffs: cutoffs) }
        ageBand = atFirstRow { row in
            let age = table.age[row]
            return AgeBand(age: age == SessionTable.missingAge ? nil : Int(age))
        }
        latest = atLastRow { table.painPre[$0] }
        lastSession = atLastRow { table.sessionNumber[$0] }
        // Pain before session 1 of complete courses.
        let baseline = atFirstRow { row in table.sessionNumber[row] == 1 ? table.painPre[row] : .nan }
        self.baseline = baseline
        let status = Parallel.column(count: count) { (courses, column: UnsafeMutablePointer<CourseStatus>) in
            for course in courses {
                let start = Int(firstRow[course])
                let sessions = Int(endRow[course]) - start
                column[course] =
                    table.sessionNumber[start] != 1
                    ? .incomplete
                    : baseline[course] == 0 ? .noBaselinePain : sessions < 2 ? .singleSession : .analysable
            }
        }
        self.status = status
        primary = Parallel.column(count: count) { courses, column in
            for course in courses {
                column[course] = Self.majority(table.technique, Int(firstRow[course])..<Int(endRow[course]))
            }
        }
        let remaining = 1 - settings.responderThreshold / 100
        responseSession = Parallel.column(count: count) { courses, column in
            for course in courses {
                var response: Int32 = 0
                if status[course] == .analysable {
                    let threshold = remaining * baseline[course]
                    for row in Int(firstRow[course] + 1)..<Int(endRow[course])
                    where table.painPre[row] <= threshold {
                        response = table.sessionNumber[row]
                        break
                    }
                }
                column[course] = response
            }
        }
        baselineDoses = atFirstRow { row in table.sessionNumber[row] == 1 ? table.medDosesPerDay[row] : .nan }
        latestDoses = Parallel.column(count: count) { courses, column in
            for course in courses {
                let start = Int(firstRow[course])
                var lastDoses = Double.nan
                if table.sessionNumber[start] == 1 {
                    for row in stride(from: Int(endRow[course]) - 1, to: start, by: -1)
                    where !table.medDosesPerDay[row].isNaN {
                        lastDoses = table.medDosesPerDay[row]
                        break
                    }
                }
                column[course] = lastDoses
            }
        }
    }

    /// The first row of every course: the rows where the course number changes.
    private static func firstRows(_ table: SessionTable) -> [Int32] {
        let chunks = Parallel.chunks(table.count)
        let parts = Parallel.map(count: chunks.count) { chunk in
            var starts: [Int32] = []
            let course = table.course
            for row in chunks[chunk] where row == 0 || course[row] != course[row - 1] {
                starts.append(Int32(row))
            }
            return starts
        }
        return Array(parts.joined())
    }

    /// The technique of more than half of `rows`, if any (Boyer–Moore majority vote).
    private static func majority(_ technique: [Technique], _ rows: Range<Int>) -> Technique? {
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
