/// Chooses "nice" axis ticks: multiples of 1, 2, 2.5 or 5 × 10ⁿ.
///
/// Tick values are computed as `k × mantissa ÷ 10ⁿ` rather than by repeated addition,
/// so `0.6` is exactly the double nearest 0.6 and labels never drift.
enum NiceTicks {
    /// A tick step as `mantissa × 10^exponent`.
    struct Step: Sendable, Equatable {
        /// 1, 2, 2.5 or 5.
        var mantissa: Double
        /// The power of ten.
        var exponent: Int

        /// The step as a number.
        var value: Double {
            exponent >= 0
                ? mantissa * NiceTicks.powerOfTen(exponent) : mantissa / NiceTicks.powerOfTen(-exponent)
        }

        /// The `k`-th multiple of the step, rounded once.
        func multiple(_ k: Int) -> Double {
            exponent >= 0
                ? Double(k) * mantissa * NiceTicks.powerOfTen(exponent)
                : Double(k) * mantissa / NiceTicks.powerOfTen(-exponent)
        }
    }

    /// The smallest nice step that puts at most `maximumCount` ticks in `lower...upper`.
    ///
    /// With `integerOnly` the step is a whole number of at least 1. A range that is not
    /// finite and increasing gives a step of 1.
    static func step(lower: Double, upper: Double, maximumCount: Int, integerOnly: Bool = false) -> Step {
        let maximumCount = max(maximumCount, 2)
        let raw = (upper - lower) / Double(maximumCount - 1)
        guard lower.isFinite, upper.isFinite, raw.isFinite, raw > 0 else {
            return Step(mantissa: 1, exponent: 0)
        }
        var exponent = 0
        while exponent > -300, powerOfTen(exponent) > raw { exponent -= 1 }
        while exponent < 300, powerOfTen(exponent + 1) <= raw { exponent += 1 }
        // Ticks need not sit on both ends, so a step a little under `raw` may still fit.
        for candidateExponent in (exponent - 1)...(exponent + 2) {
            for mantissa in [1, 2, 2.5, 5] {
                let candidate = Step(mantissa: mantissa, exponent: candidateExponent)
                if integerOnly, candidate.value < 1 || candidate.value.rounded() != candidate.value {
                    continue
                }
                guard let (first, last) = multipleRange(lower: lower, upper: upper, step: candidate.value)
                else { continue }
                if last - first + 1 <= maximumCount { return candidate }
            }
        }
        return Step(mantissa: 1, exponent: exponent + 3)
    }

    /// Nice tick values from `lower` to `upper` inclusive, at most `maximumCount` of them.
    static func values(lower: Double, upper: Double, maximumCount: Int, integerOnly: Bool = false)
        -> [Double]
    {
        let step = step(lower: lower, upper: upper, maximumCount: maximumCount, integerOnly: integerOnly)
        guard let (first, last) = multipleRange(lower: lower, upper: upper, step: step.value) else {
            return []
        }
        return (first...last).map { step.multiple($0) }
    }

    /// The multiples of `step` from `lower` to `upper` inclusive (empty if there would be over 10,000).
    static func values(lower: Double, upper: Double, step: Double) -> [Double] {
        guard let (first, last) = multipleRange(lower: lower, upper: upper, step: step) else { return [] }
        return (first...last).map { Double($0) * step }
    }

    /// The first and last `k` with `lower ≤ k × step ≤ upper` (with a little tolerance).
    private static func multipleRange(lower: Double, upper: Double, step: Double) -> (Int, Int)? {
        guard step.isFinite, step > 0, lower.isFinite, upper.isFinite, lower <= upper else { return nil }
        let first = (lower / step - 1e-9).rounded(.up)
        let last = (upper / step + 1e-9).rounded(.down)
        guard abs(first) < 1e15, abs(last) < 1e15, first <= last, last - first <= 10_000 else { return nil }
        return (Int(first), Int(last))
    }

    /// 10 to the power `exponent`; exact for 0 ≤ `exponent` ≤ 22.
    static func powerOfTen(_ exponent: Int) -> Double {
        if exponent < 0 { return 1 / powerOfTen(-exponent) }
        var result = 1.0
        for _ in 0..<exponent { result *= 10 }
        return result
    }
}
