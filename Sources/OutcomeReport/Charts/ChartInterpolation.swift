/// How consecutive points of a series are joined.
enum ChartInterpolation: Sendable, Equatable {
    /// Straight segments from point to point.
    case linear
    /// A post-step function: from each point a horizontal segment to the next point's
    /// `x`, then a vertical segment to its `y` (Kaplan–Meier style). Bands step the same way.
    case step
}
