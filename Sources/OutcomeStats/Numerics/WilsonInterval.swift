/// Wilson score interval for a proportion, without continuity correction.
public struct WilsonInterval: Sendable, Equatable {
    public let successes: Int
    public let trials: Int
    /// successes / trials; NaN when `trials == 0`.
    public let proportion: Double
    /// NaN when `trials == 0`; exactly 0 when `successes == 0`.
    public let low: Double
    /// NaN when `trials == 0`; exactly 1 when `successes == trials`.
    public let high: Double

    /// - Precondition: `0 <= successes <= trials`, `0 < confidence < 1`.
    public init(successes: Int, trials: Int, confidence: Double = 0.95) {
        precondition(successes >= 0 && successes <= trials, "need 0 <= successes <= trials")
        precondition(confidence > 0 && confidence < 1, "confidence must be in (0, 1)")
        self.successes = successes
        self.trials = trials
        guard trials > 0 else {
            proportion = .nan
            low = .nan
            high = .nan
            return
        }
        let n = Double(trials)
        proportion = Double(successes) / n
        let z = NormalDistribution.quantile((1 + confidence) / 2)
        // The bounds are the roots of (n + z²)p² - (2x + z²)p + x²/n = 0. The larger root of the
        // rarer outcome is formed by addition; the smaller comes from the product of the roots,
        // x² / (n (n + z²)), so neither bound loses digits to cancellation.
        func bounds(_ x: Double) -> (low: Double, high: Double) {
            let z2 = z * z
            let upper = (2 * x + z2 + z * (z2 + 4 * x * (n - x) / n).squareRoot()) / (2 * (n + z2))
            let lower = x == 0 ? 0 : x * x / (n * (n + z2) * upper)
            return (lower, upper)
        }
        if 2 * successes <= trials {
            (low, high) = bounds(Double(successes))
        } else {
            let failures = bounds(Double(trials - successes))
            low = 1 - failures.high
            high = 1 - failures.low
        }
    }
}
