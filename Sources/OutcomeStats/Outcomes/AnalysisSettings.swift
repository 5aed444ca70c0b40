public import SessionModel

/// The thresholds and choices an analysis runs with (METRICS.md §2–3 defaults).
public struct AnalysisSettings: Sendable, Equatable {
    /// Cells built from fewer courses than this show only a count band; 0 turns it off.
    public var minimumCellSize: Int = 11
    /// The technique others are compared with; nil: the one with the most complete courses.
    public var reference: Technique?
    /// A responder improves by at least this percentage of baseline pain.
    public var responderThreshold: Double = 30
    /// The last session number in the trend by session count.
    public var maximumSession: Int = 12
    /// Weeks since onset at session 1 that separate acute / subacute / chronic.
    public var chronicityCutoffs: (subacute: Double, chronic: Double) = (6, 12)
    /// The confidence level of every interval.
    public var confidence: Double = 0.95

    public init() {}

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.minimumCellSize == rhs.minimumCellSize && lhs.reference == rhs.reference
            && lhs.responderThreshold == rhs.responderThreshold && lhs.maximumSession == rhs.maximumSession
            && lhs.chronicityCutoffs == rhs.chronicityCutoffs && lhs.confidence == rhs.confidence
    }

    /// True when a cell of `courses` courses must be suppressed.
    public func suppresses(_ courses: Int) -> Bool { minimumCellSize > 0 && courses < minimumCellSize }

    /// The count band shown instead of a suppressed count, e.g. `<11`.
    public var countBand: String { "<\(minimumCellSize)" }
}
