/// Count, mean and centred sum of squares of a sample, accurate to a few ulps.
///
/// Two passes with compensated sums: the mean is corrected by the mean residual, and the sum of
/// squares uses the corrected two-pass formula, so large offsets (pain scores near 10 with tiny
/// spread) do not cancel away the variance.
///
/// Callers that stream many samples at once run the two passes themselves: a ``CompensatedSum``
/// and a count over the values, then ``Residuals`` about ``firstMean(sum:count:)`` over the same
/// values in the same order, then ``init(count:firstMean:residuals:)``. The result is the same,
/// bit for bit, as ``init(_:)`` over those values.
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
        guard count > 0 else {
            self.init(count: 0, firstMean: .nan, residuals: Residuals(firstMean: .nan))
            return
        }
        let firstMean = Self.firstMean(sum: sum, count: count)
        var residuals = Residuals(firstMean: firstMean)
        for value in values { residuals.add(value) }
        self.init(count: count, firstMean: firstMean, residuals: residuals)
    }

    /// The moments from the two passes run by the caller (see the type's documentation).
    init(count: Int, firstMean: Double, residuals: Residuals) {
        self.count = count
        guard count > 0 else {
            mean = .nan
            sumOfSquares = 0
            return
        }
        let n = Double(count)
        mean = Self.mean(count: count, firstMean: firstMean, residuals: residuals)
        let squares = residuals.squares
        let residualSum = residuals.residuals
        sumOfSquares = count < 2 ? 0 : max(0, squares - residualSum * residualSum / n)
    }

    /// The mean of the first pass, which the second pass centres on.
    @inline(__always)
    static func firstMean(sum: CompensatedSum, count: Int) -> Double {
        firstMean(total: sum.value, count: count)
    }

    /// The first mean from the value of a compensated sum (a lane of a ``CompensatedPair``).
    @inline(__always)
    static func firstMean(total: Double, count: Int) -> Double { total / Double(count) }

    /// The corrected mean alone, for callers that need no variance (their `residuals` may skip
    /// the squares with ``Residuals/addResidual(_:)``); NaN when `count == 0`.
    @inline(__always)
    static func mean(count: Int, firstMean: Double, residuals: Residuals) -> Double {
        count > 0 ? firstMean + residuals.residuals / Double(count) : .nan
    }

    /// The unbiased sample variance (divisor n - 1); NaN when `count < 2`.
    var variance: Double { count < 2 ? .nan : sumOfSquares / Double(count - 1) }
}

/// The second pass of ``SampleMoments``: compensated sums of the residuals about the first
/// mean and of their squares, run side by side in the two lanes of one ``CompensatedPair``.
struct Residuals {
    let firstMean: Double
    /// Lane 0: Σ residual; lane 1: Σ residual².
    private var sums = CompensatedPair()

    init(firstMean: Double) { self.firstMean = firstMean }

    /// Σ residual, compensated.
    var residuals: Double { sums.value[0] }
    /// Σ residual², compensated.
    var squares: Double { sums.value[1] }

    @inline(__always)
    mutating func add(_ value: Double) {
        let residual = value - firstMean
        sums.add(SIMD2(residual, residual * residual))
    }

    /// Adds `value` when `included`, without a branch (``CompensatedSum/add(_:if:)``).
    @inline(__always)
    mutating func add(_ value: Double, if included: Bool) {
        let residual = value - firstMean
        sums.add(SIMD2(residual, residual * residual), if: included)
    }

    /// Adds the residual only: enough for ``SampleMoments/mean(count:firstMean:residuals:)``.
    @inline(__always)
    mutating func addResidual(_ value: Double) { sums.add(SIMD2(value - firstMean, 0)) }

    /// Adds the residual only, when `included`, without a branch.
    @inline(__always)
    mutating func addResidual(_ value: Double, if included: Bool) {
        sums.add(SIMD2(value - firstMean, 0), if: included)
    }
}

/// Neumaier's compensated summation: the running rounding error is carried separately. Of a
/// double, or of two doubles in the lanes of a SIMD2 vector (each lane is IEEE arithmetic on
/// its own, so a lane gives what a scalar sum gives, in half the instructions).
struct Compensated<Value: CompensatedSummand> {
    private var sum = Value.compensatedZero
    private var compensation = Value.compensatedZero

    @inline(__always)
    mutating func add(_ value: Value) {
        let total = sum + value
        // The rounding error of the addition, exactly. Neumaier recovers it from the larger
        // operand, (larger - total) + smaller; Knuth's TwoSum below gets the same number without
        // comparing magnitudes or branching. For finite operands and total both formulas are
        // exact, and the error of a rounded sum is a double, so they agree bit for bit (an error
        // of zero is +0 from both, the sum never being -0: it starts at +0, and in
        // round-to-nearest only -0 + -0 is -0).
        let valuePart = total - sum
        let sumPart = total - valuePart
        compensation = compensation + ((sum - sumPart) + (value - valuePart))
        sum = total
    }

    var value: Value { sum + compensation }
}

/// What ``Compensated`` adds up: IEEE sums and differences, scalar or lane by lane.
protocol CompensatedSummand {
    static var compensatedZero: Self { get }
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
}

extension Double: CompensatedSummand {
    static var compensatedZero: Double { 0 }
}

extension SIMD2: CompensatedSummand where Scalar == Double {
    static var compensatedZero: SIMD2<Double> { SIMD2(repeating: 0) }
}

typealias CompensatedSum = Compensated<Double>
typealias CompensatedPair = Compensated<SIMD2<Double>>

extension Compensated where Value == Double {
    /// Adds `value` when `included`, else leaves the sum as it is, without a branch (for data
    /// whose inclusion a branch predictor cannot guess).
    ///
    /// An excluded value is replaced by +0, whose addition changes nothing while the sum is
    /// finite: the total is the sum itself and the error is +0, and neither the sum nor the
    /// compensation is ever -0. A sum that is not finite stays not finite.
    @inline(__always)
    mutating func add(_ value: Double, if included: Bool) {
        let mask: UInt64 = included ? .max : 0
        add(Double(bitPattern: value.bitPattern & mask))
    }
}

extension Compensated where Value == SIMD2<Double> {
    /// Adds `value` when `included`, else +0 in both lanes (as for a double).
    @inline(__always)
    mutating func add(_ value: SIMD2<Double>, if included: Bool) {
        add(value.replacing(with: 0, where: SIMDMask(repeating: !included)))
    }
}
