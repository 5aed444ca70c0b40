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
    private init(
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

extension AdjustedDifference {
    /// The rows of one group of a two-group fit, with the summaries the factorisation needs.
    struct Segment {
        let response: ArraySlice<Double>
        let covariate: ArraySlice<Double>
        /// False when a response or covariate is not finite.
        let allFinite: Bool
        /// The largest |response| and |covariate| (0 when empty).
        let largestResponse: Double
        let largestCovariate: Double
        /// The smallest and largest covariate from the second row on and from the third row on
        /// (±∞ when there is no such row); `from[0]` is over every row.
        let lowest: [Double]
        let highest: [Double]

        var count: Int { response.count }

        /// - Precondition: `response.count == covariate.count`.
        init(response: ArraySlice<Double>, covariate: ArraySlice<Double>) {
            precondition(
                response.count == covariate.count, "response and covariate must have the same length")
            self.response = response
            self.covariate = covariate
            var finite = true
            var largestResponse = 0.0
            var largestCovariate = 0.0
            var lowest = [Double](repeating: .infinity, count: 3)
            var highest = [Double](repeating: -.infinity, count: 3)
            for (offset, (y, x)) in zip(response, covariate).enumerated() {
                finite = finite && y.isFinite && x.isFinite
                largestResponse = max(largestResponse, abs(y))
                largestCovariate = max(largestCovariate, abs(x))
                for from in 0..<min(offset + 1, 3) {
                    lowest[from] = min(lowest[from], x)
                    highest[from] = max(highest[from], x)
                }
            }
            allFinite = finite
            self.largestResponse = largestResponse
            self.largestCovariate = largestCovariate
            self.lowest = lowest
            self.highest = highest
        }
    }

    /// The fit of `first.response + second.response` on group (true for the rows of `first`)
    /// and covariate: the same, bit for bit, as ``init(response:group:covariate:confidence:)``
    /// over the concatenated rows, without building them.
    ///
    /// Every sum runs over the rows in the same order with the same operations; only the
    /// matrix is not stored. A column after a reflection is recomputed from the covariate
    /// wherever it is needed, and the largest entry of a column, which the scaled norms need
    /// before their sums, is found from the smallest and largest covariate of each group:
    /// every column is a monotone function of the covariate within a group, and correctly
    /// rounded operations keep that monotone.
    init?(first: Segment, second: Segment, confidence: Double = 0.95) {
        precondition(confidence > 0 && confidence < 1, "confidence must be in (0, 1)")
        // The peeled first rows (0...3) must all lie in the first group.
        guard first.count >= 4, second.count >= 1 else {
            self.init(concatenating: first, second, confidence: confidence)
            return
        }
        guard first.allFinite, second.allFinite else { return nil }
        let fit = first.response.withUnsafeBufferPointer { firstY in
            first.covariate.withUnsafeBufferPointer { firstX in
                second.response.withUnsafeBufferPointer { secondY in
                    second.covariate.withUnsafeBufferPointer { secondX in
                        Self.factor(
                            first: (firstY, firstX, first.lowest, first.highest),
                            second: (secondY, secondX, second.lowest[0], second.highest[0]),
                            largestResponse: max(first.largestResponse, second.largestResponse),
                            largestCovariate: max(first.largestCovariate, second.largestCovariate))
                    }
                }
            }
        }
        switch fit {
        case .singular:
            return nil
        case .unusual:
            self.init(concatenating: first, second, confidence: confidence)
        case .fit(let coefficient, let diagonal, let residualSquares):
            self.init(
                coefficient: coefficient, diagonal: diagonal, residualSquares: residualSquares,
                count: first.count + second.count, confidence: confidence)
        }
    }

    /// The general initialiser over the concatenated rows.
    private init?(concatenating first: Segment, _ second: Segment, confidence: Double) {
        self.init(
            response: Array(first.response) + Array(second.response),
            group: Array(repeating: true, count: first.count) + Array(repeating: false, count: second.count),
            covariate: Array(first.covariate) + Array(second.covariate), confidence: confidence)
    }

    private enum Factorisation {
        /// No estimate (what the general initialiser returns nil for).
        case singular
        /// A largest entry that is not finite: left to the general initialiser.
        case unusual
        case fit(coefficient: Double, diagonal: Double, residualSquares: Double)
    }

    /// The QR factorisation of ``init(response:group:covariate:confidence:)`` for rows of the
    /// first group (at least 4) followed by rows of the second, the columns of the design held
    /// as formulas of the covariate. Row i of the design goes through these values:
    ///
    /// - step 1 (v = ones with v₀ = 1 + √n): a = (x - x̄) - s₁, g' = g - s₂, r' = (y - ȳ) - s₃;
    /// - step 2 (v = a from row 1, v₁ = a₁ - d₁): g'' = g' - s₄·a, r'' = r' - s₅·a;
    /// - step 3 (v = g'' from row 2, v₂ = g''₂ - d₂): r''' = r'' - s₆·g''.
    private static func factor(
        first: (
            response: UnsafeBufferPointer<Double>, covariate: UnsafeBufferPointer<Double>, lowest: [Double],
            highest: [Double]
        ),
        second: (
            response: UnsafeBufferPointer<Double>, covariate: UnsafeBufferPointer<Double>, lowest: Double,
            highest: Double
        ),
        largestResponse: Double, largestCovariate: Double
    ) -> Factorisation {
        let (y1, x1, y2, x2) = (first.response, first.covariate, second.response, second.covariate)
        let n1 = y1.count
        let n = n1 + y2.count
        let count = Double(n)

        // Step 1, the column of ones: ‖1‖ = √n, so d₀ = -√n and v₀ = 1 - d₀; vᵀv and vᵀg only
        // depend on the counts. With them, the sums of the means.
        let diagonal0 = -(1 * count.squareRoot())
        let v0 = 1 - diagonal0
        var vv0 = 0 + v0 * v0
        var dotGroup0 = 0 + v0 * 1
        var sumX = CompensatedSum()
        var sumY = CompensatedSum()
        sumX.add(x1[0])
        sumY.add(y1[0])
        for i in 1..<n1 {
            sumX.add(x1[i])
            sumY.add(y1[i])
            vv0 += 1
            dotGroup0 += 1
        }
        for i in 0..<y2.count {
            sumX.add(x2[i])
            sumY.add(y2[i])
            vv0 += 1
        }

        // Means (two-pass, as SampleMoments) and the norms of the raw covariate and response.
        let firstX = sumX.value / count
        let firstY = sumY.value / count
        var residualX = CompensatedSum()
        var residualY = CompensatedSum()
        var squaresX = 0.0
        var squaresY = 0.0
        for (y, x) in [(y1, x1), (y2, x2)] {
            for i in 0..<y.count {
                residualX.add(x[i] - firstX)
                residualY.add(y[i] - firstY)
                squaresX += (x[i] / largestCovariate) * (x[i] / largestCovariate)
                squaresY += (y[i] / largestResponse) * (y[i] / largestResponse)
            }
        }
        let meanX = firstX + residualX.value / count
        let meanY = firstY + residualY.value / count
        let normX = scaledNorm(largest: largestCovariate, squares: squaresX)
        let normY = scaledNorm(largest: largestResponse, squares: squaresY)

        // Step 1: reflect the centred covariate, the group and the centred response.
        var dotX0 = 0 + v0 * (x1[0] - meanX)
        var dotY0 = 0 + v0 * (y1[0] - meanY)
        for (y, x, start) in [(y1, x1, 1), (y2, x2, 0)] {
            for i in start..<y.count {
                dotX0 += x[i] - meanX
                dotY0 += y[i] - meanY
            }
        }
        let s1 = 2 * dotX0 / vv0
        let s2 = 2 * dotGroup0 / vv0
        let s3 = 2 * dotY0 / vv0
        let group1 = 1 - s2
        let group2 = 0 - s2

        // Step 2, the covariate column from row 1: a = (x - x̄) - s₁.
        func a(_ x: Double) -> Double { (x - meanX) - s1 }
        let largest1 = max(
            0, abs(a(first.lowest[1])), abs(a(first.highest[1])), abs(a(second.lowest)),
            abs(a(second.highest)))
        guard largest1.isFinite else { return .unusual }
        guard largest1 > 0 else { return .singular }
        var squares1 = 0.0
        for (x, start) in [(x1, 1), (x2, 0)] {
            for i in start..<x.count {
                let value = a(x[i])
                squares1 += (value / largest1) * (value / largest1)
            }
        }
        let alpha1 = largest1 * squares1.squareRoot()
        guard alpha1 > rankTolerance * normX else { return .singular }
        let a1 = a(x1[1])
        let diagonal1 = a1 > 0 ? -alpha1 : alpha1
        let w1 = a1 - diagonal1
        let r1 = (y1[1] - meanY) - s3
        var vv1 = 0 + w1 * w1
        var dotGroup1 = 0 + w1 * group1
        var dotY1 = 0 + w1 * r1
        for (y, x, group, start) in [(y1, x1, group1, 2), (y2, x2, group2, 0)] {
            for i in start..<y.count {
                let w = a(x[i])
                vv1 += w * w
                dotGroup1 += w * group
                dotY1 += w * ((y[i] - meanY) - s3)
            }
        }
        let s4 = 2 * dotGroup1 / vv1
        let s5 = 2 * dotY1 / vv1

        // Step 3, the group column from row 2: g'' = g' - s₄·a.
        func g(_ x: Double, _ group: Double) -> Double { group - s4 * a(x) }
        let largest2 = max(
            0, abs(g(first.lowest[2], group1)), abs(g(first.highest[2], group1)),
            abs(g(second.lowest, group2)),
            abs(g(second.highest, group2)))
        guard largest2.isFinite else { return .unusual }
        guard largest2 > 0 else { return .singular }
        var squares2 = 0.0
        for (x, group, start) in [(x1, group1, 2), (x2, group2, 0)] {
            for i in start..<x.count {
                let value = g(x[i], group)
                squares2 += (value / largest2) * (value / largest2)
            }
        }
        let alpha2 = largest2 * squares2.squareRoot()
        guard alpha2 > rankTolerance * Double(n1).squareRoot() else { return .singular }
        let w2 = a(x1[2])
        let g2 = group1 - s4 * w2
        let diagonal2 = g2 > 0 ? -alpha2 : alpha2
        let u2 = g2 - diagonal2
        let r2 = ((y1[2] - meanY) - s3) - s5 * w2
        var vv2 = 0 + u2 * u2
        var dotY2 = 0 + u2 * r2
        for (y, x, group, start) in [(y1, x1, group1, 3), (y2, x2, group2, 0)] {
            for i in start..<y.count {
                let w = a(x[i])
                let u = group - s4 * w
                vv2 += u * u
                dotY2 += u * (((y[i] - meanY) - s3) - s5 * w)
            }
        }
        let s6 = 2 * dotY2 / vv2

        // The residuals from row 3 on.
        var residualSquares = 0.0
        for (y, x, group, start) in [(y1, x1, group1, 3), (y2, x2, group2, 0)] {
            for i in start..<y.count {
                let w = a(x[i])
                let u = group - s4 * w
                let residual = (((y[i] - meanY) - s3) - s5 * w) - s6 * u
                residualSquares += residual * residual
            }
        }
        let noise = 16 * Double(n) * Double.ulpOfOne * normY
        guard residualSquares.squareRoot() > noise else { return .singular }
        return .fit(coefficient: r2 - s6 * u2, diagonal: diagonal2, residualSquares: residualSquares)
    }

    /// ``norm(_:)`` from its largest magnitude and its sum of scaled squares.
    private static func scaledNorm(largest: Double, squares: Double) -> Double {
        guard largest > 0, largest.isFinite else { return largest }
        return largest * squares.squareRoot()
    }
}
