/// Mean with a Student t confidence interval (df = n - 1).
///
/// For n < 2 the interval is nil; the mean is NaN for an empty sample. Because NaN ≠ NaN, two
/// empty-sample values do not compare equal.
public struct MeanInterval: Sendable, Equatable {
    public let count: Int
    /// NaN when `count == 0`.
    public let mean: Double
    /// The sample standard deviation (divisor n - 1); NaN when `count < 2`.
    public let standardDeviation: Double
    /// Lower bound of the interval; nil when `count < 2`.
    public let low: Double?
    /// Upper bound of the interval; nil when `count < 2`.
    public let high: Double?

    /// - Parameters:
    ///   - values: the sample; traversed twice, so a lazy collection is mapped twice.
    ///   - confidence: two-sided level in (0, 1), e.g. 0.95.
    public init<C: Collection>(_ values: C, confidence: Double = 0.95) where C.Element == Double {
        self.init(moments: SampleMoments(values), confidence: confidence)
    }

    /// The interval of a sample whose moments are already known.
    init(moments: SampleMoments, confidence: Double = 0.95) {
        precondition(confidence > 0 && confidence < 1, "confidence must be in (0, 1)")
        count = moments.count
        mean = moments.mean
        standardDeviation = moments.variance.squareRoot()
        guard count >= 2 else {
            low = nil
            high = nil
            return
        }
        let n = Double(count)
        let critical = StudentT(degreesOfFreedom: n - 1).quantile((1 + confidence) / 2)
        let halfWidth = critical * standardDeviation / n.squareRoot()
        low = mean - halfWidth
        high = mean + halfWidth
    }
}
