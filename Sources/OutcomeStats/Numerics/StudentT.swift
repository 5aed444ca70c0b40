import Foundation

/// Student's t distribution with `degreesOfFreedom` (> 0, may be fractional: Welch df).
///
/// Tail probabilities come from the regularized incomplete beta function, P(T > |t|) =
/// I_x(ν/2, 1/2) / 2 with x = ν / (ν + t²), so they keep full relative precision however small they
/// are. Only ν = +∞ is the normal distribution.
public struct StudentT: Sendable {
    /// ν, the degrees of freedom.
    public let degreesOfFreedom: Double

    /// - Precondition: `degreesOfFreedom > 0` (+∞ is allowed and gives the standard normal).
    public init(degreesOfFreedom: Double) {
        precondition(degreesOfFreedom > 0, "Student t needs positive degrees of freedom")
        self.degreesOfFreedom = degreesOfFreedom
    }

    /// P(T ≤ t).
    public func cdf(_ t: Double) -> Double { tails(t).lower }

    /// P(T > t) = 1 - cdf(t), computed directly so it stays accurate deep in the upper tail.
    public func survival(_ t: Double) -> Double { tails(t).upper }

    /// P(|T| ≥ |t|), capped at 1; accurate for p-values far below 1e-16.
    public func twoSidedPValue(_ t: Double) -> Double {
        if t.isNaN { return .nan }
        return min(1, 2 * survival(abs(t)))
    }

    /// The inverse of `cdf`: the t with cdf(t) = p, to full double precision.
    ///
    /// Returns -∞ at 0, +∞ at 1 and NaN outside [0, 1]. Probabilities above 1/2 are handled through
    /// 1 - p, which is exact there, so upper quantiles are as accurate as lower ones.
    public func quantile(_ p: Double) -> Double {
        guard p >= 0, p <= 1 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p == 0.5 { return 0 }
        if degreesOfFreedom == .infinity { return NormalDistribution.quantile(p) }
        let tail = p < 0.5 ? p : 1 - p
        let t = upperQuantile(tail)
        return p < 0.5 ? -t : t
    }

    // MARK: - Implementation

    /// (P(T ≤ t), P(T > t)), each accurate in its own right.
    private func tails(_ t: Double) -> (lower: Double, upper: Double) {
        if t.isNaN { return (.nan, .nan) }
        if t == 0 { return (0.5, 0.5) }
        if t.isInfinite { return t > 0 ? (1, 0) : (0, 1) }
        let nu = degreesOfFreedom
        if nu == .infinity {
            return (NormalDistribution.cdf(t), NormalDistribution.survival(t))
        }
        // beyond = P(T > |t|) = I_x(ν/2, 1/2) / 2 and within = P(0 < T ≤ |t|) = (1 - I_x) / 2.
        let beta = Self.incompleteBeta(nu: nu, t: t)
        let beyond = 0.5 * beta.lower
        let within = 0.5 * beta.upper
        return t > 0 ? (0.5 + within, beyond) : (beyond, 0.5 + within)
    }

    /// I_x(ν/2, 1/2) and its complement at x = ν / (ν + t²), with x, 1 - x and both logarithms
    /// formed from z = t²/ν so none of them suffers cancellation or premature overflow.
    private static func incompleteBeta(nu: Double, t: Double) -> (lower: Double, upper: Double) {
        let z = Self.squaredRatio(t, nu)
        let x: Double
        let y: Double
        let logX: Double
        let logY: Double
        if z.isFinite {
            x = 1 / (1 + z)
            y = z / (1 + z)
            logX = -log1p(z)
            logY = -log1p(1 / z)
        } else {
            // z overflowed; ln z is still representable.
            let logZ = 2 * log(abs(t)) - log(nu)
            x = exp(-logZ)
            y = 1
            logX = -logZ
            logY = 0
        }
        return SpecialFunctions.incompleteBeta(a: nu / 2, b: 0.5, x: x, y: y, logX: logX, logY: logY)
    }

    /// t²/ν, formed as (t/√ν)² only when t² alone would overflow (ν and t both beyond 1e154).
    private static func squaredRatio(_ t: Double, _ nu: Double) -> Double {
        let square = t * t
        if square.isFinite { return square / nu }
        let ratio = t / nu.squareRoot()
        return ratio * ratio
    }

    /// ln of the density at t.
    private func logDensity(_ t: Double) -> Double {
        let nu = degreesOfFreedom
        let z = Self.squaredRatio(t, nu)
        let log1pZ = z.isFinite ? log1p(z) : 2 * log(abs(t)) - log(nu)
        return -0.5 * log(nu) - SpecialFunctions.logBeta(nu / 2, 0.5) - (nu + 1) / 2 * log1pZ
    }

    /// The t > 0 with P(T > t) = q, for 0 < q < 1/2.
    ///
    /// Newton's method from an asymptotic starting value, safeguarded by bisection on a bracket.
    /// In the tail it runs on ln t against ln q, where ln P(T > t) is nearly linear in ln t, so a
    /// handful of steps reach full precision even for q = 1e-300.
    private func upperQuantile(_ q: Double) -> Double {
        let logQ = log(q)
        let inTail = q < 0.25
        var low = 0.0  // survival(low) > q
        var high = Double.infinity  // survival(high) < q
        var t = startingValue(q)
        for _ in 0..<200 {
            let upper = survival(t)
            if upper == q { return t }
            if upper > q { low = t } else { high = t }
            // Newton step, in ln t for the tail and in t near the centre.
            var next: Double
            if inTail {
                // d ln S / d ln t = -t f(t) / S(t).
                let slope = exp(log(t) + logDensity(t) - log(upper))
                next = t * exp((log(upper) - logQ) / slope)
            } else {
                next = t + (upper - q) / exp(logDensity(t))
            }
            if !(next > low && next < high) {
                // Newton left the bracket: bisect it (geometrically while it spans decades).
                if high == .infinity {
                    next = 2 * max(t, 1)
                } else if low > 0, high / low > 4 {
                    next = low.squareRoot() * high.squareRoot()
                } else {
                    next = low + (high - low) / 2
                }
            }
            if abs(next - t) <= 4 * Double.ulpOfOne * t { return next }
            t = next
        }
        return t
    }

    /// An approximate upper quantile: the Cornish–Fisher expansion about the normal quantile when
    /// ν is large compared with z², otherwise the leading term of the tail, S(t) ≈ K t^(-ν).
    private func startingValue(_ q: Double) -> Double {
        let nu = degreesOfFreedom
        let z = -NormalDistribution.quantile(q)
        if nu >= max(4, z * z) {
            let z2 = z * z
            let z3 = z2 * z
            let z5 = z3 * z2
            let z7 = z5 * z2
            return z + (z3 + z) / (4 * nu) + (5 * z5 + 16 * z3 + 3 * z) / (96 * nu * nu)
                + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * nu * nu * nu)
        }
        // S(t) ≈ ν^(ν/2 - 1) t^(-ν) / B(ν/2, 1/2) for t² ≫ ν.
        let logT = ((nu / 2 - 1) * log(nu) - SpecialFunctions.logBeta(nu / 2, 0.5) - log(q)) / nu
        // Past the largest double the quantile is +∞ anyway; start finite so the bracket works.
        return min(max(exp(logT), z), .greatestFiniteMagnitude)
    }
}
