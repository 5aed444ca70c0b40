/// One axis of a ``LineChart``: its title, range, ticks and tick-label format.
///
/// The range is drawn exactly as given (no padding); values outside it are clipped.
/// A non-finite or empty range falls back to something drawable: the bounds are
/// swapped when reversed, widened by 1 either side when equal, and `0...1` when not finite.
struct ChartAxis: Sendable, Equatable {
    /// How tick values are written.
    enum TickFormat: Sendable, Equatable {
        /// As few decimals as the tick step needs (`0.5`, `1`, `2.25`).
        case automatic
        /// Rounded to whole numbers.
        case integer
        /// A fraction 0–1 written as a percentage (`0.25` → `25%`), with as few decimals as the step needs.
        case percent
        /// Exactly this many decimals.
        case decimal(Int)
    }

    /// The axis title, including units, e.g. `Mean pain (NRS 0–10)`.
    var label: String
    /// The value at the start of the axis.
    var minimum: Double
    /// The value at the end of the axis.
    var maximum: Double
    /// The distance between ticks; `nil` chooses "nice" ticks (1, 2, 2.5 or 5 × 10ⁿ) to fit the plot.
    var tickStep: Double? = nil
    /// How tick labels are written.
    var format: TickFormat = .automatic

    /// The range actually drawn, after repairing an empty, reversed or non-finite range.
    var drawnRange: (lower: Double, upper: Double) {
        guard minimum.isFinite, maximum.isFinite else { return (0, 1) }
        if minimum < maximum { return (minimum, maximum) }
        if minimum > maximum { return (maximum, minimum) }
        return (minimum - 1, maximum + 1)
    }

    /// The tick values inside the drawn range, at most about `maximumCount` of them.
    ///
    /// An explicit ``tickStep`` is honoured unless it is not positive or would give more
    /// than 200 ticks, in which case nice ticks are chosen instead.
    func ticks(maximumCount: Int) -> [Double] {
        let range = drawnRange
        if let step = tickStep, step.isFinite, step > 0, (range.upper - range.lower) / step <= 200 {
            return NiceTicks.values(lower: range.lower, upper: range.upper, step: step)
        }
        return NiceTicks.values(
            lower: range.lower, upper: range.upper, maximumCount: maximumCount,
            integerOnly: format == .integer)
    }

    /// The label for tick `value` on an axis whose ticks are `step` apart.
    func tickLabel(_ value: Double, step: Double) -> String {
        switch format {
        case .automatic:
            return DecimalFormat.fixed(value, places: DecimalFormat.placesNeeded(for: step))
        case .integer:
            return DecimalFormat.fixed(value, places: 0)
        case .percent:
            let places = DecimalFormat.placesNeeded(for: step * 100)
            return DecimalFormat.fixed(value * 100, places: places) + "%"
        case .decimal(let places):
            return DecimalFormat.fixed(value, places: max(0, min(places, 6)))
        }
    }
}
