public import SessionModel

/// Every outcome figure of a dataset (METRICS.md §2–4), computed from the session table.
///
/// Pure computation over columns: no I/O and no per-session objects. Courses are runs of
/// the table, which ingest sorted; each analysable course is summarised once into a record
/// (``AnalysableCourses``), and every figure comes from streaming passes over those records or
/// the table, cohorts sorted into cells by counting. Sums run in the same order, with the same
/// operations, as over one list per cell, so the figures are the same to the last bit.
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
        let data = AnalysableCourses(table, settings: settings)
        flow = data.flow

        let complete = data.complete
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

        // The cohort dimensions, the course-level tables, the session trend and the session
        // table are independent of each other: run them on all cores, about the largest first
        // (cores take the next job as they come free). Each job returns its own result and
        // results are read in a fixed order, so nothing depends on scheduling.
        let jobs: [Job] =
            [.sessionTrend, .cohorts(.clinic), .techniqueSessions]
            + CohortDimension.allCases.filter { $0 != .clinic }.map { .cohorts($0) } + [.courseFigures]
        let context = self
        let results = Parallel.map(count: jobs.count) { index -> JobResult in
            switch jobs[index] {
            case .cohorts(let dimension):
                return .cohorts(dimension, context.cohortComparisons(dimension, data))
            case .courseFigures:
                let figures = context.courseFigures(data)
                return .courseFigures(groups: figures.groups, all: figures.all)
            case .sessionTrend: return .sessionTrend(context.sessionTrend(data, table))
            case .techniqueSessions: return .techniqueSessions(Self.techniqueSessions(table, settings))
            }
        }
        var cohorts: [CohortDimension: [CohortComparison]] = [:]
        for result in results {
            switch result {
            case .cohorts(let dimension, let rows): cohorts[dimension] = rows
            case .sessionTrend(let points): sessionTrend = points
            case .courseFigures(let groups, let all): assemble(groups.compactMap { $0 }, all: all)
            case .techniqueSessions(let rows): techniqueSessions = rows
            }
        }
        cohortComparisons = CohortDimension.allCases.flatMap { cohorts[$0] ?? [] }
    }

    /// The jobs of one analysis.
    private enum Job {
        case cohorts(CohortDimension)
        /// The technique outcomes, survival and responder curves, and medication outcomes.
        case courseFigures
        case sessionTrend
        case techniqueSessions
    }

    private enum JobResult: Sendable {
        case cohorts(CohortDimension, [CohortComparison])
        case courseFigures(groups: [GroupFigures?], all: GroupFigures)
        case sessionTrend([SessionTrendPoint])
        case techniqueSessions([TechniqueSessions])
    }

    /// Fills the technique tables from the figures of each present group (in report order) and
    /// of all analysable courses.
    private mutating func assemble(_ figures: [GroupFigures], all: GroupFigures) {
        if let allMedication = all.medication {
            medicationOutcomes = figures.compactMap(\.medication) + [allMedication]
        }
        guard all.courses > 0 else { return }
        for figure in figures + [all] {
            techniqueOutcomes.append(
                TechniqueOutcome(
                    group: figure.group, courses: figure.courses,
                    suppressed: settings.suppresses(figure.courses),
                    meanBaseline: figure.meanBaseline, meanLatest: figure.meanLatest, change: figure.change,
                    meanPercentChange: figure.meanPercentChange, responders: figure.responders,
                    responderRate: WilsonInterval(
                        successes: figure.responders, trials: figure.courses, confidence: settings.confidence),
                    medianSessionsToResponse: figure.survival.median))
            survivalCurves.append(
                SurvivalCurve(
                    group: figure.group, courses: figure.courses,
                    suppressed: settings.suppresses(figure.courses), estimate: figure.survival))
            responderCurves.append(
                ResponderCurve(
                    group: figure.group, courses: figure.courses,
                    suppressed: settings.suppresses(figure.courses),
                    proportions: figure.atLeast.map { Double($0) / Double(figure.courses) }))
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
