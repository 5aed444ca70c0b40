import SessionModel
import TestSupport
import Testing

@testable import OutcomeStats

/// ``Courses`` and the analysis's own course records against the course rules as first
/// written (one course at a time, counting techniques in an array), on random tables.
@Suite("Course rules")
struct CourseRulesTests {
    typealias Generator = SplitMix64

    /// A table of `courses` random courses, sorted into courses as ingest leaves it.
    static func table(courses: Int, using generator: inout Generator) -> SessionTable {
        var table = SessionTable()
        table.clinicNames = ["a", "b", "c"]
        for course in 0..<courses {
            let sessions = [1, 1, 2, 3, 5, 7, 12, 40, 300][Int.random(in: 0..<9, using: &generator)]
            let first: Int32 = Int.random(in: 0..<10, using: &generator) == 0 ? 2 : 1
            let favourite = Technique.allCases.randomElement(using: &generator)!
            let onset =
                Bool.random(using: &generator)
                ? Double.nan : Double(Int.random(in: 0...30, using: &generator))
            let age: UInt8 =
                Int.random(in: 0..<8, using: &generator) == 0
                ? SessionTable.missingAge : UInt8.random(in: 18...95, using: &generator)
            for index in 0..<sessions {
                let technique =
                    Int.random(in: 0..<3, using: &generator) == 0
                    ? Technique.allCases.randomElement(using: &generator)! : favourite
                let pain =
                    index == 0 && Int.random(in: 0..<20, using: &generator) == 0
                    ? 0 : Double(Int.random(in: 0...20, using: &generator)) / 2
                let doses =
                    Bool.random(using: &generator)
                    ? Double.nan : Double(Int.random(in: 0...4, using: &generator))
                table.append(
                    SessionRow(
                        clinic: UInt32(course % 3), course: UInt32(course),
                        sessionNumber: first + Int32(index),
                        day: Int32(index), technique: technique, painPre: pain, painPost: .nan,
                        medDosesPerDay: doses, cause: Cause.allCases.randomElement(using: &generator)!,
                        symptomOnsetWeeks: onset, age: age,
                        sex: Sex.allCases.randomElement(using: &generator)!,
                        adverseEvent: .none))
            }
        }
        return table
    }

    /// The course rules as first written.
    struct Reference {
        var firstRow: [Int32] = []
        var endRow: [Int32] = []
        var status: [CourseStatus] = []
        var primary: [Technique?] = []
        var baseline: [Double] = []
        var latest: [Double] = []
        var lastSession: [Int32] = []
        var responseSession: [Int32] = []
        var baselineDoses: [Double] = []
        var latestDoses: [Double] = []

        init(_ table: SessionTable, settings: AnalysisSettings) {
            var start = 0
            let remaining = 1 - settings.responderThreshold / 100
            var techniqueCounts = [Int](repeating: 0, count: Technique.allCases.count)
            while start < table.count {
                var end = start + 1
                while end < table.count && table.course[end] == table.course[start] { end += 1 }
                firstRow.append(Int32(start))
                endRow.append(Int32(end))
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
                var firstDoses = Double.nan
                var lastDoses = Double.nan
                if complete {
                    firstDoses = table.medDosesPerDay[start]
                    for row in stride(from: end - 1, to: start, by: -1) where !table.medDosesPerDay[row].isNaN
                    {
                        lastDoses = table.medDosesPerDay[row]
                        break
                    }
                }
                baselineDoses.append(firstDoses)
                latestDoses.append(lastDoses)
                start = end
            }
        }
    }

    static func same(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count
            && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
    }

    @Test func coursesFollowTheRules() {
        var generator = Generator(seed: 11)
        for trial in 0..<20 {
            let table = Self.table(courses: 50 + trial * 40, using: &generator)
            var settings = AnalysisSettings()
            settings.responderThreshold = [30, 50, 10][trial % 3]
            let courses = Courses(table, settings: settings)
            let reference = Reference(table, settings: settings)
            #expect(courses.firstRow == reference.firstRow && courses.endRow == reference.endRow)
            #expect(courses.status == reference.status && courses.primary == reference.primary)
            #expect(
                Self.same(courses.baseline, reference.baseline) && Self.same(courses.latest, reference.latest)
            )
            #expect(courses.lastSession == reference.lastSession)
            #expect(courses.responseSession == reference.responseSession)
            #expect(Self.same(courses.baselineDoses, reference.baselineDoses))
            #expect(Self.same(courses.latestDoses, reference.latestDoses))
        }
    }

    @Test func analysableCoursesAreTheAnalysableCourses() {
        var generator = Generator(seed: 12)
        for trial in 0..<12 {
            // The first is large enough to be cut into several parts.
            let table = Self.table(courses: trial == 0 ? 10_000 : 30 + trial * 50, using: &generator)
            let settings = AnalysisSettings()
            let courses = Courses(table, settings: settings)
            let data = AnalysableCourses(table, settings: settings)
            let analysable = (0..<courses.count).filter { courses.status[$0] == .analysable }
            #expect(data.count == analysable.count)
            #expect(data.flow.analysable == analysable.count)
            #expect(data.flow.courses == courses.count)
            #expect(data.flow.medication == (0..<courses.count).filter(courses.hasMedicationOutcome).count)
            for (position, course) in analysable.enumerated() {
                let (record, outcome) = (data.courses[position], data.outcomes[position])
                let response = courses.responseSession[course]
                #expect(
                    record.baseline == courses.baseline[course] && record.change == courses.change(course))
                #expect(record.group == courses.primary[course]?.rawValue ?? 8)
                #expect(
                    record.chronicity == courses.chronicity[course]
                        && record.ageBand == courses.ageBand[course])
                #expect(record.cause == courses.cause[course] && record.sex == courses.sex[course])
                #expect(record.clinic == courses.clinic[course])
                #expect(record.isResponder == (courses.percentChange(course) >= settings.responderThreshold))
                #expect(outcome.latest == courses.latest[course])
                #expect(
                    outcome.firstRow == courses.firstRow[course] && outcome.endRow == courses.endRow[course])
                #expect(outcome.time == (response > 0 ? response : courses.lastSession[course]))
                #expect(outcome.responded == (response > 0))
                #expect(outcome.hasMedicationOutcome == courses.hasMedicationOutcome(course))
            }
        }
    }

    @Test func bandsByComparisonMatchTheInitialisers() {
        for age in UInt8.min...UInt8.max {
            #expect(AgeBand.allCases[AgeBand.index(age)] == AgeBand(age))
        }
        let cutoffs: [(subacute: Double, chronic: Double)] = [(6, 12), (12, 6), (4, 4)]
        for cutoff in cutoffs {
            for weeks in [Double.nan, -1, 0, 3.9, 4, 5.99, 6, 11.99, 12, 13, .infinity] {
                #expect(
                    Chronicity.allCases[Chronicity.index(weeks: weeks, cutoffs: cutoff)]
                        == Chronicity(weeks: weeks, cutoffs: cutoff))
            }
        }
    }
}
