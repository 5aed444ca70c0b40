/// Welch's unequal-variance t test of mean(a) - mean(b), with its confidence interval.
public struct WelchTest: Sendable, Equatable {
    /// mean(a) - mean(b).
    public let difference: Double
    /// √(s²_a / n_a + s²_b / n_b).
    public let standardError: Double
    /// The Welch–Satterthwaite degrees of freedom (fractional).
    public let degreesOfFreedom: Double
    public let t: Double
    /// Two-sided p-value.
    public let pValue: Double
    public let low: Double
    public let high: Double

    /// nil when either group has fewer than 2 values or both variances are 0.
    public init?<A: Collection, B: Collection>(_ a: A, _ b: B, confidence: Double = 0.95)
    where A.Element == Double, B.Element == Double {
        self.init(SampleMoments(a), SampleMoments(b), confidence: confidence)
    }

    /// The test of two samples whose moments are already known.
    init?(_ first: SampleMoments, _ second: SampleMoments, confidence: Double = 0.95) {
        precondition(confidence > 0 && confidence < 1, "confidence must be in (0, 1)")
        guard first.count >= 2, second.count >= 2 else { return nil }
        let shareA = first.variance / Double(first.count)
        let shareB = second.variance / Double(second.count)
        let variance = shareA + shareB
        guard variance > 0, variance.isFinite else { return nil }
        difference = first.mean - second.mean
        standardError = variance.squareRoot()
        degreesOfFreedom =
            variance * variance
            / (shareA * shareA / Double(first.count - 1) + shareB * shareB / Double(second.count - 1))
        t = difference / standardError
        let distribution = StudentT(degreesOfFreedom: degreesOfFreedom)
        pValue = distribution.twoSidedPValue(t)
        let halfWidth = distribution.quantile((1 + confidence) / 2) * standardError
        low = difference - halfWidth
        high = difference + halfWidth
    }
}
