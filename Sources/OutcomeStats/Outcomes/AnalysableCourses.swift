import SessionModel

/// What the cohort comparisons read of one analysable course (METRICS.md §2), in one small
/// record: they walk all courses once per cohort dimension. The rest of the course is in
/// ``CourseOutcome``.
struct AnalysableCourse: Sendable {
    var baseline: Double
    /// Baseline minus latest pain (``Courses/change(_:)``).
    var change: Double
    var clinic: UInt32
    /// Index of the primary group in `TechniqueGroup.primaryGroups`.
    var group: UInt8
    var cause: Cause
    var chronicity: Chronicity
    var ageBand: AgeBand
    var sex: Sex
    /// pct_change at or above the responder threshold.
    var isResponder: Bool

    /// Change as a percentage of baseline pain (``Courses/percentChange(_:)``).
    @inline(__always)
    var percentChange: Double { change / baseline * 100 }
}

/// The rest of an analysable course: what the course-level tables and the session trend read.
struct CourseOutcome: Sendable {
    var latest: Double
    var baselineDoses: Double
    var latestDoses: Double
    /// The course's rows of the session table.
    var firstRow: Int32
    var endRow: Int32
    /// Sessions to response: the response session, or the last session when censored.
    var time: Int32
    /// True when `time` is a response, false when censored.
    var responded: Bool
    /// True when the course enters medication figures (``Courses/hasMedicationOutcome(_:)``).
    var hasMedicationOutcome: Bool
}

/// The analysable courses of a session table in course order, with the course flow and the
/// complete courses by primary technique, built on all cores.
struct AnalysableCourses: Sendable {
    let courses: [AnalysableCourse]
    /// The rest of each course, in the same order.
    let outcomes: [CourseOutcome]
    let flow: CourseFlow
    /// Complete courses by primary technique (raw value).
    let complete: [Int]
    /// One more than the largest clinic id of an analysable course (0 when there is none).
    let clinicCount: Int
    /// The largest sessions-to-response time.
    let latestTime: Int

    var count: Int { courses.count }

    init(_ table: SessionTable, settings: AnalysisSettings) {
        // Parts of the table that start at a course, so that each course lies in one part.
        var bounds = Parallel.chunks(table.count).map(\.lowerBound) + [table.count]
        for index in bounds.indices.dropFirst().dropLast() {
            var row = max(bounds[index], bounds[index - 1])
            while row < table.count && table.course[row] == table.course[row - 1] { row += 1 }
            bounds[index] = row
        }
        let parts = bounds.indices.dropLast().map { bounds[$0]..<bounds[$0 + 1] }
        // Analysable courses by part, counted without walking courses: a row starts an
        // analysable course when it is the first of its course, is session 1 with pain, and is
        // followed by a row of the same course.
        let analysable = Parallel.map(count: parts.count) { part in
            table.course.withUnsafeBufferPointer { course in
                table.sessionNumber.withUnsafeBufferPointer { number in
                    table.painPre.withUnsafeBufferPointer { pain in
                        var count = 0
                        for row in parts[part] where row + 1 < course.count {
                            let starts = row == 0 || course[row] != course[row - 1]
                            let analysable =
                                (number[row] == 1) && !(pain[row] == 0) && course[row + 1] == course[row]
                            count += starts && analysable ? 1 : 0
                        }
                        return count
                    }
                }
            }
        }
        let offsets = analysable.reduce(into: [0]) { $0.append($0.last! + $1) }

        let remaining = 1 - settings.responderThreshold / 100
        let (threshold, cutoffs) = (settings.responderThreshold, settings.chronicityCutoffs)
        let (courses, outcomes, tallies) = Parallel.columns(count: offsets.last!, pieces: parts.count) {
            (
                part, courses: UnsafeMutablePointer<AnalysableCourse>,
                outcomes: UnsafeMutablePointer<CourseOutcome>
            )
                -> Tally in
            var tally = Tally()
            var next = offsets[part]
            var start = parts[part].lowerBound
            while start < parts[part].upperBound {
                let end = CourseSummary.end(of: start, table)
                let summary = CourseSummary(table, rows: start..<end, remaining: remaining)
                tally.add(summary)
                if summary.status == .analysable {
                    let change = summary.baseline - summary.latest
                    let response = summary.responseSession
                    let group = summary.primary?.rawValue ?? UInt8(TechniqueGroup.primaryGroups.count - 1)
                    courses[next] = AnalysableCourse(
                        baseline: summary.baseline, change: change, clinic: table.clinic[start], group: group,
                        cause: table.cause[start],
                        chronicity: Chronicity.allCases[
                            Chronicity.index(weeks: table.symptomOnsetWeeks[start], cutoffs: cutoffs)],
                        ageBand: AgeBand.allCases[AgeBand.index(table.age[start])], sex: table.sex[start],
                        isResponder: change / summary.baseline * 100 >= threshold)
                    let time = response > 0 ? response : summary.lastSession
                    outcomes[next] = CourseOutcome(
                        latest: summary.latest, baselineDoses: summary.baselineDoses,
                        latestDoses: summary.latestDoses, firstRow: Int32(start), endRow: Int32(end),
                        time: time,
                        responded: response > 0, hasMedicationOutcome: summary.hasMedicationOutcome)
                    tally.latestTime = max(tally.latestTime, Int(time))
                    tally.clinicCount = max(tally.clinicCount, Int(table.clinic[start]) + 1)
                    next += 1
                }
                start = end
            }
            return tally
        }
        self.courses = courses
        self.outcomes = outcomes
        var flow = CourseFlow()
        var complete = [Int](repeating: 0, count: Technique.allCases.count)
        var latestTime = 0
        var clinicCount = 0
        for tally in tallies {
            flow.courses += tally.flow.courses
            flow.incomplete += tally.flow.incomplete
            flow.noBaselinePain += tally.flow.noBaselinePain
            flow.singleSession += tally.flow.singleSession
            flow.analysable += tally.flow.analysable
            flow.medication += tally.flow.medication
            for technique in complete.indices { complete[technique] += tally.complete[technique] }
            latestTime = max(latestTime, tally.latestTime)
            clinicCount = max(clinicCount, tally.clinicCount)
        }
        flow.complete = flow.courses - flow.incomplete
        self.flow = flow
        self.complete = complete
        self.latestTime = latestTime
        self.clinicCount = clinicCount
    }

    /// The counts of one part of the table.
    private struct Tally: Sendable {
        var flow = CourseFlow()
        var complete = [Int](repeating: 0, count: Technique.allCases.count)
        var latestTime = 0
        var clinicCount = 0

        mutating func add(_ summary: CourseSummary) {
            flow.courses += 1
            switch summary.status {
            case .incomplete: flow.incomplete += 1
            case .noBaselinePain: flow.noBaselinePain += 1
            case .singleSession: flow.singleSession += 1
            case .analysable: flow.analysable += 1
            }
            flow.medication += summary.hasMedicationOutcome ? 1 : 0
            if summary.status != .incomplete, let technique = summary.primary {
                complete[Int(technique.rawValue)] += 1
            }
        }
    }
}
