import Dispatch
public import SessionModel

/// Every outcome figure of a dataset (METRICS.md §2–4), computed from the session table.
///
/// Pure computation over columns: no I/O and no per-session objects. Courses are runs of
/// the table, which ingest sorted; group members are lists of course indices.
public struct OutcomeAnalysis: Sendable {
    public var settings: AnalysisSettings
    public var flow: CourseFlow
    /// The technique others are compared with (nil when no course is complete).
    public var reference: Technique?
    /// True when the reference came from `settings.reference`.
    public var referenceWasChosen: Bool
    public var techniqueOutcomes: [TechniqueOutcome] = []
    public var techniqueSessions: [TechniqueSessions] = []
    public var sessionTrend: [SessionTrendPoint] = []
    public var medicationOutcomes: [MedicationOutcome] = []
    public var cohortComparisons: [CohortComparison] = []
    public var survivalCurves: [SurvivalCurve] = []
    public var responderCurves: [ResponderCurve] = []
    /// Clinic names by id, for the clinic cohort.
    public var clinicNames: [String]

    public init(table: SessionTable, settings: AnalysisSettings = AnalysisSettings()) {
        self.settings = settings
        clinicNames = table.clinicNames
        let courses = Courses(table, settings: settings)
        flow = Self.flow(courses)

        var complete = [Int](repeating: 0, count: Technique.allCases.count)
        for course in 0..<courses.count where courses.status[course] != .incomplete {
            if let technique = courses.primary[course] { complete[Int(technique.rawValue)] += 1 }
        }
        if let chosen = settings.reference {
            reference = chosen
            referenceWasChosen = true
        } else {
            let best = complete.indices.max { a, b in
                complete[a] != complete[b] ? complete[a] < complete[b] : a > b
            }
            reference = best.flatMap { complete[$0] > 0 ? Technique(rawValue: UInt8($0)) : nil }
            referenceWasChosen = false
        }

        var byGroup: [TechniqueGroup: [Int32]] = [:]
        var analysable: [Int32] = []
        for course in 0..<courses.count where courses.status[course] == .analysable {
            byGroup[courses.group(course), default: []].append(Int32(course))
            analysable.append(Int32(course))
        }
        let groups = TechniqueGroup.primaryGroups.filter { byGroup[$0] != nil }
        let (members, all) = (byGroup, analysable)

        // The cohort dimensions are independent of each other and of the other tables: run
        // them on all cores. Each job fills its own slot and slots are read in a fixed
        // order, so the result does not depend on scheduling.
        let dimensions = CohortDimension.allCases
        let context = self
        let slots = JobSlots(count: dimensions.count + 1)
        DispatchQueue.concurrentPerform(iterations: dimensions.count + 1) { job in
            if job < dimensions.count {
                slots.store(job, .cohorts(context.cohortComparisons(dimensions[job], courses, all)))
                return
            }
            var tables = context
            for group in groups + [.all] where !all.isEmpty {
                let cell = group == .all ? all : members[group]!
                tables.techniqueOutcomes.append(tables.techniqueOutcome(group, cell, courses))
                tables.survivalCurves.append(tables.survivalCurve(group, cell, courses))
                tables.responderCurves.append(tables.responderCurve(group, cell, courses))
            }
            tables.techniqueSessions = Self.techniqueSessions(table, settings)
            tables.sessionTrend = tables.sessionTrend(table, courses, groups: groups)
            tables.medicationOutcomes = tables.medicationOutcomes(courses)
            slots.store(job, .tables(tables))
        }
        if case .tables(let tables)? = slots.value(dimensions.count) { self = tables }
        for job in dimensions.indices {
            if case .cohorts(let rows)? = slots.value(job) { cohortComparisons += rows }
        }
    }

    private static func flow(_ courses: Courses) -> CourseFlow {
        var flow = CourseFlow()
        flow.courses = courses.count
        for course in 0..<courses.count {
            switch courses.status[course] {
            case .incomplete: flow.incomplete += 1
            case .noBaselinePain: flow.noBaselinePain += 1
            case .singleSession: flow.singleSession += 1
            case .analysable: flow.analysable += 1
            }
            if courses.hasMedicationOutcome(course) { flow.medication += 1 }
        }
        flow.complete = flow.courses - flow.incomplete
        return flow
    }

    private func techniqueOutcome(_ group: TechniqueGroup, _ members: [Int32], _ courses: Courses)
        -> TechniqueOutcome
    {
        let threshold = settings.responderThreshold
        let responders = members.count { courses.percentChange(Int($0)) >= threshold }
        let survival = kaplanMeier(members, courses)
        return TechniqueOutcome(
            group: group, courses: members.count, suppressed: settings.suppresses(members.count),
            meanBaseline: MeanInterval(members.lazy.map { courses.baseline[Int($0)] }).mean,
            meanLatest: MeanInterval(members.lazy.map { courses.latest[Int($0)] }).mean,
            change: MeanInterval(
                members.lazy.map { courses.change(Int($0)) }, confidence: settings.confidence),
            meanPercentChange: MeanInterval(members.lazy.map { courses.percentChange(Int($0)) }).mean,
            responders: responders,
            responderRate: WilsonInterval(
                successes: responders, trials: members.count, confidence: settings.confidence),
            medianSessionsToResponse: survival.median)
    }

    private func kaplanMeier(_ members: [Int32], _ courses: Courses) -> KaplanMeier {
        let times = members.map { course -> Int in
            let response = courses.responseSession[Int(course)]
            return Int(response > 0 ? response : courses.lastSession[Int(course)])
        }
        let events = members.map { courses.responseSession[Int($0)] > 0 }
        return KaplanMeier(times: times, events: events)
    }

    private func survivalCurve(_ group: TechniqueGroup, _ members: [Int32], _ courses: Courses)
        -> SurvivalCurve
    {
        SurvivalCurve(
            group: group, courses: members.count, suppressed: settings.suppresses(members.count),
            estimate: kaplanMeier(members, courses))
    }

    private func responderCurve(_ group: TechniqueGroup, _ members: [Int32], _ courses: Courses)
        -> ResponderCurve
    {
        var proportions: [Double] = []
        let changes = members.map { courses.percentChange(Int($0)) }
        for threshold in 0...100 {
            let count = changes.count { $0 >= Double(threshold) }
            proportions.append(members.isEmpty ? .nan : Double(count) / Double(members.count))
        }
        return ResponderCurve(
            group: group, courses: members.count, suppressed: settings.suppresses(members.count),
            proportions: proportions)
    }

    private static func techniqueSessions(_ table: SessionTable, _ settings: AnalysisSettings)
        -> [TechniqueSessions]
    {
        let slots = Technique.allCases.count + 1
        var sessions = [Int](repeating: 0, count: slots)
        var withPost = [Int](repeating: 0, count: slots)
        var adverse = [Int](repeating: 0, count: slots)
        var courseCount = [Int](repeating: 0, count: slots)
        var lastCourse = [Int64](repeating: -1, count: slots)
        var relief = [[Double]](repeating: [], count: slots)
        for row in 0..<table.count {
            let course = Int64(table.course[row])
            for slot in [Int(table.technique[row].rawValue), slots - 1] {
                sessions[slot] += 1
                if lastCourse[slot] != course {
                    lastCourse[slot] = course
                    courseCount[slot] += 1
                }
                if table.adverseEvent[row] != .none { adverse[slot] += 1 }
                let post = table.painPost[row]
                if !post.isNaN {
                    withPost[slot] += 1
                    relief[slot].append(table.painPre[row] - post)
                }
            }
        }
        var rows: [TechniqueSessions] = []
        for slot in 0..<slots where sessions[slot] > 0 {
            let group: TechniqueGroup =
                slot == slots - 1 ? .all : .technique(Technique(rawValue: UInt8(slot))!)
            rows.append(
                TechniqueSessions(
                    group: group, sessions: sessions[slot], courses: courseCount[slot],
                    suppressed: settings.suppresses(courseCount[slot]), sessionsWithPost: withPost[slot],
                    relief: MeanInterval(relief[slot], confidence: settings.confidence),
                    adverseEvents: adverse[slot],
                    adversePer100: Double(adverse[slot]) / Double(sessions[slot]) * 100))
        }
        return rows
    }

    private func sessionTrend(_ table: SessionTable, _ courses: Courses, groups: [TechniqueGroup])
        -> [SessionTrendPoint]
    {
        let maximum = settings.maximumSession
        guard maximum >= 1 else { return [] }
        let slots = TechniqueGroup.primaryGroups.count
        var pain = [[Double]](repeating: [], count: slots * maximum)
        var change = [[Double]](repeating: [], count: slots * maximum)
        var doses = [[Double]](repeating: [], count: slots * maximum)
        for course in 0..<courses.count where courses.status[course] == .analysable {
            let slot = TechniqueGroup.primaryGroups.firstIndex(of: courses.group(course))!
            let baseline = courses.baseline[course]
            for row in Int(courses.firstRow[course])..<Int(courses.endRow[course]) {
                let number = Int(table.sessionNumber[row])
                guard number <= maximum else { break }
                let cell = slot * maximum + number - 1
                pain[cell].append(table.painPre[row])
                change[cell].append(baseline - table.painPre[row])
                let value = table.medDosesPerDay[row]
                if !value.isNaN { doses[cell].append(value) }
            }
        }
        var points: [SessionTrendPoint] = []
        for group in groups {
            let slot = TechniqueGroup.primaryGroups.firstIndex(of: group)!
            for number in 1...maximum {
                let cell = slot * maximum + number - 1
                guard !pain[cell].isEmpty else { continue }
                points.append(
                    SessionTrendPoint(
                        group: group, sessionNumber: number, courses: pain[cell].count,
                        suppressed: settings.suppresses(pain[cell].count),
                        pain: MeanInterval(pain[cell], confidence: settings.confidence),
                        change: MeanInterval(change[cell], confidence: settings.confidence),
                        meanDoses: MeanInterval(doses[cell]).mean, coursesWithDoses: doses[cell].count))
            }
        }
        return points
    }

    private func medicationOutcomes(_ courses: Courses) -> [MedicationOutcome] {
        var byGroup: [TechniqueGroup: [Int32]] = [:]
        var all: [Int32] = []
        for course in 0..<courses.count where courses.hasMedicationOutcome(course) {
            byGroup[courses.group(course), default: []].append(Int32(course))
            all.append(Int32(course))
        }
        guard !all.isEmpty else { return [] }
        let groups = TechniqueGroup.primaryGroups.filter { byGroup[$0] != nil } + [.all]
        return groups.map { group in
            let members = group == .all ? all : byGroup[group]!
            let baseline = members.map { courses.baselineDoses[Int($0)] }
            let latest = members.map { courses.latestDoses[Int($0)] }
            let reduction = zip(baseline, latest).map { ($0 - $1) / $0 * 100 }
            let third = zip(baseline, latest).count { 3 * ($0 - $1) >= $0 }
            let stopped = latest.count { $0 == 0 }
            return MedicationOutcome(
                group: group, courses: members.count, suppressed: settings.suppresses(members.count),
                meanBaselineDoses: MeanInterval(baseline).mean, meanLatestDoses: MeanInterval(latest).mean,
                meanPercentReduction: MeanInterval(reduction).mean,
                reducedByThird: WilsonInterval(
                    successes: third, trials: members.count, confidence: settings.confidence),
                stopped: WilsonInterval(
                    successes: stopped, trials: members.count, confidence: settings.confidence))
        }
    }
}

/// Kaplan–Meier estimate of sessions to response for one primary technique.
public struct SurvivalCurve: Sendable {
    public var group: TechniqueGroup
    public var courses: Int
    public var suppressed: Bool
    public var estimate: KaplanMeier
}

/// Proportion of courses improving by at least each threshold 0, 1, …, 100 %.
public struct ResponderCurve: Sendable {
    public var group: TechniqueGroup
    public var courses: Int
    public var suppressed: Bool
    /// `proportions[t]`: share of courses with pct_change ≥ t.
    public var proportions: [Double]
}

/// One result slot per parallel job, written by that job and read after all have finished
/// (`concurrentPerform` returns only then, which orders the accesses).
private final class JobSlots: @unchecked Sendable {
    enum Result {
        case cohorts([CohortComparison])
        case tables(OutcomeAnalysis)
    }

    private var results: [Result?]

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func store(_ index: Int, _ result: Result) { results[index] = result }

    func value(_ index: Int) -> Result? { results[index] }
}
