/// Maps axis values to pixel positions inside the plot rectangle.
///
/// Results are clamped to 100,000 px beyond the plot so that wildly out-of-range values
/// still format as ordinary numbers; such values are clipped from view anyway.
struct PlotScale: Sendable {
    /// The plot's left edge, in pixels.
    var left: Double
    /// The plot's top edge, in pixels.
    var top: Double
    /// The plot's width, in pixels.
    var width: Double
    /// The plot's height, in pixels.
    var height: Double
    /// The `x` values at the left and right edges.
    var xRange: (lower: Double, upper: Double)
    /// The `y` values at the bottom and top edges.
    var yRange: (lower: Double, upper: Double)

    /// The horizontal pixel position of `value`.
    func x(_ value: Double) -> Double {
        let fraction = (value - xRange.lower) / (xRange.upper - xRange.lower)
        return Self.clamp(left + fraction * width, around: left, span: width)
    }

    /// The vertical pixel position of `value` (larger values are higher up).
    func y(_ value: Double) -> Double {
        let fraction = (value - yRange.lower) / (yRange.upper - yRange.lower)
        return Self.clamp(top + height - fraction * height, around: top, span: height)
    }

    private static func clamp(_ position: Double, around start: Double, span: Double) -> Double {
        let limit = 100_000.0
        guard !position.isNaN else { return start }
        return max(start - limit, min(start + span + limit, position))
    }
}
