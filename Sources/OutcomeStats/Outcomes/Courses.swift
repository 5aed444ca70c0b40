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
        let rows = table.count
        var start = 0
        let remaining = 1 - settings.responderThreshold / 100
        var techniqueCounts = [Int](repeating: 0, count: Technique.allCases.count)
        while start < rows {
            var end = start + 1
            while end < rows && table.course[end] == table.course[start] { end += 1 }
            firstRow.append(Int32(start))
            endRow.append(Int32(end))
            clinic.append(table.clinic[start])

            for index in techniqueCounts.indices { techniqueCounts[index] = 0 }
            for row in start..<end { techniqueCounts[Int(table.technique[row].rawValue)] += 1 }
            let sessions = end - start
            let winner = techniqueCounts.indices.first { techniqueCounts[$0] * 2 > sessions }
            primary.append(winner.map { Technique(rawValue: UInt8($0))! })

            let complete = table.sessionNumber[start] == 1
            let baselinePain = complete ? table.painPre[start] : .nan
            baseline.append(baselinePain)
            latest.append(table.painPre[end - 1])
            lastSession.append(table.sessionNumber[end - 1])
            let courseStatus: CourseStatus =
                !complete
                ? .incomplete
                : baselinePain == 0 ? .noBaselinePain : sessions < 2 ? .singleSession : .analysable
            status.append(courseStatus)

            var response: Int32 = 0
            if courseStatus == .analysable {
                let threshold = remaining * baselinePain
                for row in (start + 1)..<end where table.painPre[row] <= threshold {
                    response = table.sessionNumber[row]
                    break
                }
            }
            responseSession.append(response)

            cause.append(table.cause[start])
            chronicity.append(
                Chronicity(weeks: table.symptomOnsetWeeks[start], cutoffs: settings.chronicityCutoffs))
            let age = table.age[start]
            ageBand.append(AgeBand(age: age == SessionTable.missingAge ? nil : Int(age)))
            sex.append(table.sex[start])

            var firstDoses = Double.nan
            var lastDoses = Double.nan
            if complete {
                firstDoses = table.medDosesPerDay[start]
                for row in stride(from: end - 1, to: start, by: -1) where !table.medDosesPerDay[row].isNaN {
                    lastDoses = table.medDosesPerDay[row]
                    break
                }
            }
            baselineDoses.append(firstDoses)
            latestDoses.append(lastDoses)
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
