/// A row of `technique_outcomes.csv`: course-level pain outcomes of one primary technique.
public struct TechniqueOutcome: Sendable {
    public var group: TechniqueGroup
    public var courses: Int
    public var suppressed: Bool
    public var meanBaseline: Double
    public var meanLatest: Double
    public var change: MeanInterval
    public var meanPercentChange: Double
    public var responders: Int
    public var responderRate: WilsonInterval
    /// Kaplan–Meier median sessions to response; nil when the estimate never reaches 0.5.
    public var medianSessionsToResponse: Int?
}

/// A row of `technique_sessions.csv`: session-level figures by the session's own technique.
public struct TechniqueSessions: Sendable {
    public var group: TechniqueGroup
    public var sessions: Int
    /// Distinct courses the sessions belong to (what suppression counts).
    public var courses: Int
    public var suppressed: Bool
    public var sessionsWithPost: Int
    public var relief: MeanInterval
    public var adverseEvents: Int
    public var adversePer100: Double
}

/// A row of `session_trend.csv`: one primary technique at one session number.
public struct SessionTrendPoint: Sendable {
    public var group: TechniqueGroup
    public var sessionNumber: Int
    public var courses: Int
    public var suppressed: Bool
    /// Mean pain before this session, with its t interval.
    public var pain: MeanInterval
    public var meanPain: Double { pain.mean }
    /// Paired change from baseline to this session.
    public var change: MeanInterval
    /// Mean doses per day among the courses whose session has a value (NaN if none).
    public var meanDoses: Double
    public var coursesWithDoses: Int
}

/// A row of `medication_outcomes.csv`.
public struct MedicationOutcome: Sendable {
    public var group: TechniqueGroup
    public var courses: Int
    public var suppressed: Bool
    public var meanBaselineDoses: Double
    public var meanLatestDoses: Double
    public var meanPercentReduction: Double
    public var reducedByThird: WilsonInterval
    public var stopped: WilsonInterval
}

/// A row of `cohort_comparison.csv`: one primary technique within one cohort.
public struct CohortComparison: Sendable {
    public var dimension: CohortDimension
    public var cohort: String
    public var group: TechniqueGroup
    public var courses: Int
    public var suppressed: Bool
    public var change: MeanInterval
    public var responderRate: Double
    /// Welch's comparison with the reference technique in the same cohort, when made.
    public var welch: WelchTest?
    /// Holm-adjusted p-value within the cohort.
    public var holmPValue: Double?
    /// Difference in change adjusted for baseline pain (OLS), when estimable.
    public var adjusted: AdjustedDifference?
}

/// The flow of courses into the course-level figures (counted in `data_quality.csv`).
public struct CourseFlow: Sendable, Equatable {
    public var courses = 0
    public var complete = 0
    public var incomplete = 0
    public var noBaselinePain = 0
    public var singleSession = 0
    public var analysable = 0
    public var medication = 0
}
