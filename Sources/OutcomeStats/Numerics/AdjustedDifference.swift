/// The group difference adjusted for a covariate: ordinary least squares of
/// y = a + b·group + c·covariate (group coded 0/1), reporting b.
///
/// Solved by Householder QR of the design [1, covariate - mean, group], which is backward stable
/// and, with the group column last, gives b = (Qᵀy)₃ / R₃₃ and se(b) = σ / |R₃₃| directly.
public struct AdjustedDifference: Sendable, Equatable {
    /// b, the mean difference (group true minus group false) at equal covariate.
    public let estimate: Double
    public let standardError: Double
    /// n - 3.
    public let degreesOfFreedom: Int
    public let low: Double
    public let high: Double
    /// Two-sided p-value of the t test of b = 0.
    public let pValue: Double

    /// A column counts as dependent on the earlier ones when what is left of it after projecting
    /// them out is below this fraction of its length: about 1e6 ulps, far above rounding noise and
    /// far below any covariate a real dataset would have.
    static let rankTolerance = 1e-10

    /// nil when n < 4, when any value is not finite, when the design is rank deficient (a group is
    /// empty, the covariate is constant, or it is a linear function of the group), or when the
    /// residuals are rounding noise (a perfect fit has no usable variance estimate).
    ///
    /// - Precondition: the three arrays have the same length; `0 < confidence < 1`.
    public init?(response: [Double], group: [Bool], covariate: [Double], confidence: Double = 0.95) {
        precondition(
            response.count == group.count && group.count == covariate.count,
            "response, group and covariate must have the same length")
        precondition(confidence > 0 && confidence < 1, "confidence must be in (0, 1)")
        let n = response.count
        guard n >= 4, response.allSatisfy(\.isFinite), covariate.allSatisfy(\.isFinite) else { return nil }

        // Centring changes only the intercept, and keeps the QR well conditioned when the
        // covariate sits far from zero.
        let covariateMean = SampleMoments(covariate).mean
        let responseMean = SampleMoments(response).mean
        var columns: [[Double]] = [
            [Double](repeating: 1, count: n),
            covariate.map { $0 - covariateMean },
            group.map { $0 ? 1 : 0 },
        ]
        var rhs = response.map { $0 - responseMean }
        // Lengths of the raw columns, for the rank test (the centred covariate of a constant
        // column is rounding noise, so its own length says nothing).
        let scales = [Double(n).squareRoot(), Self.norm(covariate[...]), Self.norm(columns[2][...])]
        var diagonal = [Double](repeating: 0, count: 3)

        for k in 0..<3 {
            let alpha = Self.norm(columns[k][k...])
            guard alpha > Self.rankTolerance * scales[k] else { return nil }
            // Reflect x = column[k...] onto -sign(x₀)‖x‖e₀ with v = x - that, avoiding cancellation.
            let diagonalValue = columns[k][k] > 0 ? -alpha : alpha
            var v = Array(columns[k][k...])
            v[0] -= diagonalValue
            let vv = v.reduce(0) { $0 + $1 * $1 }
            func reflect(_ target: inout [Double]) {
                var dot = 0.0
                for i in 0..<v.count { dot += v[i] * target[k + i] }
                let scale = 2 * dot / vv
                for i in 0..<v.count { target[k + i] -= scale * v[i] }
            }
            for j in (k + 1)..<3 { reflect(&columns[j]) }
            reflect(&rhs)
            diagonal[k] = diagonalValue
        }

        let residualSquares = rhs[3...].reduce(0) { $0 + $1 * $1 }
        // Residuals at the level of rounding noise mean a perfect fit: σ would be noise and t = ±∞.
        let noise = 16 * Double(n) * Double.ulpOfOne * Self.norm(response[...])
        guard residualSquares.squareRoot() > noise else { return nil }
        self.init(
            coefficient: rhs[2], diagonal: diagonal[2], residualSquares: residualSquares, count: n,
            confidence: confidence)
    }

    /// The estimate from the end of the factorisation: b = (Qᵀy)₃ / R₃₃, with σ² from the sum of
    /// squared residuals over n - 3 degrees of freedom.
    init(
        coefficient: Double, diagonal: Double, residualSquares: Double, count n: Int, confidence: Double
    ) {
        let degreesOfFreedom = n - 3
        let sigma = (residualSquares / Double(degreesOfFreedom)).squareRoot()
        estimate = coefficient / diagonal
        standardError = sigma / abs(diagonal)
        self.degreesOfFreedom = degreesOfFreedom
        let distribution = StudentT(degreesOfFreedom: Double(degreesOfFreedom))
        pValue = distribution.twoSidedPValue(estimate / standardError)
        let halfWidth = distribution.quantile((1 + confidence) / 2) * standardError
        low = estimate - halfWidth
        high = estimate + halfWidth
    }

    /// Euclidean norm, scaled so that squaring cannot overflow or underflow.
    private static func norm(_ values: ArraySlice<Double>) -> Double {
        let largest = values.reduce(0) { max($0, abs($1)) }
        guard largest > 0, largest.isFinite else { return largest }
        let sum = values.reduce(0) { $0 + ($1 / largest) * ($1 / largest) }
        return largest * sum.squareRoot()
    }
}
