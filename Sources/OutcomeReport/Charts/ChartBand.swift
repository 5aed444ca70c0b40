/// One vertical slice of a series' shaded band (e.g. a 95% confidence interval), in axis units.
///
/// A slice with any non-finite value breaks the band into separate pieces, like a
/// non-finite ``ChartPoint`` breaks a line.
struct ChartBand: Sendable, Equatable {
    /// The horizontal value the slice belongs to.
    var x: Double
    /// The lower edge of the band at `x`.
    var low: Double
    /// The upper edge of the band at `x`.
    var high: Double
}
