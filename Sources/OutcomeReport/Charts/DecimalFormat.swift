/// Locale-independent decimal formatting for SVG coordinates and tick labels.
///
/// Output uses `.` as the decimal separator, never an exponent, and never `-0`.
/// Magnitudes above 10¹⁵ ÷ 10^places are clamped to that bound and non-finite values are
/// written as `0`, so callers must keep values in a sane range (``PlotScale`` does).
enum DecimalFormat {
    /// `value` rounded to exactly `places` decimals (0–6), e.g. `fixed(2.5, places: 2)` is `2.50`.
    static func fixed(_ value: Double, places: Int) -> String {
        let places = max(0, min(places, 6))
        guard value.isFinite else { return places == 0 ? "0" : "0." + String(repeating: "0", count: places) }
        let scale = NiceTicks.powerOfTen(places)
        let scaled = max(-1e15, min(1e15, value * scale)).rounded(.toNearestOrAwayFromZero)
        let magnitude = Int64(abs(scaled))
        let unit = Int64(scale)
        var text = String(magnitude / unit)
        if places > 0 {
            let fraction = String(magnitude % unit)
            text += "." + String(repeating: "0", count: places - fraction.count) + fraction
        }
        return scaled < 0 ? "-" + text : text
    }

    /// `value` rounded to at most `places` decimals with trailing zeros removed, e.g. `12.5`, `3`.
    static func compact(_ value: Double, places: Int = 2) -> String {
        var text = fixed(value, places: places)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// The fewest decimals (0–6) that write multiples of `step` exactly, e.g. 1 for `0.5`, 2 for `0.25`.
    static func placesNeeded(for step: Double) -> Int {
        guard step.isFinite, step > 0 else { return 0 }
        for places in 0..<6 {
            let scaled = step * NiceTicks.powerOfTen(places)
            if abs(scaled - scaled.rounded()) <= 1e-9 * max(1, scaled) { return places }
        }
        return 6
    }
}
