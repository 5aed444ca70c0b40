/// Count, mean and centred sum of squares of a sample, accurate to a few ulps.
///
/// Two passes with compensated sums: the mean is corrected by the mean residual, and the sum of
/// squares uses the corrected two-pass formula, so large offsets (pain scores near 10 with tiny
/// spread) do not cancel away the variance.
struct SampleMoments {
    let count: Int
    /// NaN when `count == 0`.
    let mean: Double
    /// Σ (x - mean)²; 0 when `count < 2`.
    let sumOfSquares: Double

    init<C: Collection>(_ values: C) where C.Element == Double {
        var sum = CompensatedSum()
        var count = 0
        for value in values {
            sum.add(value)
            count += 1
        }
        self.count = count
        guard count > 0 else {
            mean = .nan
            sumOfSquares = 0
            return
        }
        let n = Double(count)
        let firstMean = sum.value / n
        var residuals = CompensatedSum()
        var squares = CompensatedSum()
        for value in values {
            let residual = value - firstMean
            residuals.add(residual)
            squares.add(residual * residual)
        }
        mean = firstMean + residuals.value / n
        sumOfSquares = count < 2 ? 0 : max(0, squares.value - residuals.value * residuals.value / n)
    }

    /// The unbiased sample variance (divisor n - 1); NaN when `count < 2`.
    var variance: Double { count < 2 ? .nan : sumOfSquares / Double(count - 1) }
}

/// Neumaier's compensated summation: the running rounding error is carried separately.
struct CompensatedSum {
    private var sum = 0.0
    private var compensation = 0.0

    mutating func add(_ value: Double) {
        let total = sum + value
        if abs(sum) >= abs(value) {
            compensation += (sum - total) + value
        } else {
            compensation += (value - total) + sum
        }
        sum = total
    }

    var value: Double { sum + compensation }
}
