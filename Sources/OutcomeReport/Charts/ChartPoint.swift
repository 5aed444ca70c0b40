/// One data point of a chart series, in axis units.
///
/// A point whose `x` or `y` is NaN or infinite is not drawn: the line breaks there
/// instead of joining its neighbours.
struct ChartPoint: Sendable, Equatable {
    /// The horizontal value, e.g. a session number.
    var x: Double
    /// The vertical value, e.g. a mean pain score.
    var y: Double
}
