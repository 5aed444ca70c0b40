import Foundation

/// Log-gamma, log-beta and the regularized incomplete beta function, to double precision.
///
/// These back `StudentT`. The incomplete beta takes both `x` and `y = 1 - x` (and their logarithms)
/// from the caller, because the t distribution can form each of them without cancellation, and
/// subtracting from 1 here would throw away the digits that matter in the tails.
enum SpecialFunctions {
    /// ln Γ(x) for x > 0.
    static func logGamma(_ x: Double) -> Double {
        // The tuple-returning overload calls the reentrant lgamma_r, so there is no shared `signgam`.
        let (value, _) = lgamma(x)
        return value
    }

    /// ln Γ(x) - ln Γ(x + h) for x ≥ 10 and 0 ≤ h, without the cancellation of subtracting two
    /// large log-gammas (which would cost ~1e-10 relative at x = 5e5).
    static func logGammaRatio(_ x: Double, _ h: Double) -> Double {
        // Stirling: ln Γ(x) = (x - 1/2) ln x - x + ln √(2π) + σ(x). The difference of the leading
        // terms is rearranged so that every remaining term is small.
        -(x - 0.5) * log1p(h / x) - h * log(x + h) + h + stirlingCorrection(x) - stirlingCorrection(x + h)
    }

    /// ln B(a, b) for a, b > 0; accurate to a few ulps of the result when min(a, b) < 10, which is
    /// the only case the t distribution needs (one parameter is always 1/2).
    static func logBeta(_ a: Double, _ b: Double) -> Double {
        let small = min(a, b)
        let large = max(a, b)
        if large < 10 {
            return logGamma(a) + logGamma(b) - logGamma(a + b)
        }
        return logGamma(small) + logGammaRatio(large, small)
    }

    /// I_x(a, b), the regularized incomplete beta function.
    ///
    /// - Parameters:
    ///   - x: the argument, in [0, 1].
    ///   - y: 1 - x, computed by the caller without cancellation.
    ///   - logX: ln x (may be -∞).
    ///   - logY: ln y (may be -∞).
    /// Uses the continued fraction of Numerical Recipes §6.4 (modified Lentz, lgamma prefactor) on
    /// whichever of I_x(a, b) and 1 - I_y(b, a) converges quickly; for b = 1/2, a ≥ 15 and
    /// 0.7 < x < (a+1)/(a+b+2), where that fraction loses ~ε·a, the large-a expansion of
    /// DiDonato & Morris instead. Returns the pair (I_x(a, b), 1 - I_x(a, b)), each accurate in its
    /// own right, so a caller wanting the upper tail does not subtract.
    static func incompleteBeta(
        a: Double, b: Double, x: Double, y: Double, logX: Double, logY: Double
    ) -> (lower: Double, upper: Double) {
        // Test the logarithms, not x and y: x may underflow to 0 while x^a is still representable
        // (a < 1 and t beyond 1e154 in the t distribution).
        if logX == -.infinity { return (0, 1) }
        if logY == -.infinity { return (1, 0) }
        let logPrefix = a * logX + b * logY - logBeta(a, b)
        // The continued fraction converges quickly for x < (a + 1)/(a + b + 2). When x is near 1 the
        // test is made on y, since x itself may have rounded to 1 (a = 5e19, x = 1 - 1e-18).
        let direct = x < 0.5 ? x < (a + 1) / (a + b + 2) : y > (b + 1) / (a + b + 2)
        if direct {
            // Near x = 1 the continued fraction's partial denominators 1 + d·(≈ -x) cancel, costing
            // about ε·a relative (1e-9 at a = 5e7); the large-a expansion has no such loss.
            if b == 0.5, a >= 15, x > 0.7, let value = largeAHalfB(a: a, logX: logX) {
                return (value, 1 - value)
            }
            let value = exp(logPrefix) * continuedFraction(a: a, b: b, x: x, y: y) / a
            return (value, 1 - value)
        }
        let value = exp(logPrefix) * continuedFraction(a: b, b: a, x: y, y: x) / b
        return (1 - value, value)
    }

    /// I_x(a, 1/2) for large a, by the asymptotic expansion of DiDonato & Morris (1992, §9;
    /// TOMS 708 `bgrat`) in incomplete gamma functions Q(1/2 + 2n, z), z = -(a - 1/4) ln x.
    ///
    /// Valid for a ≥ 15; returns nil if the series fails to converge, so the caller can fall back.
    private static func largeAHalfB(a: Double, logX: Double) -> Double? {
        let b = 0.5
        let bm1 = b - 1
        let nu = a + bm1 / 2
        let z = -nu * logX
        guard z > 0 else { return nil }
        // e^(-z) underflows long before z overflows; an infinite z is a zero tail.
        guard z.isFinite else { return 0 }
        // r = e^(-z) z^b / Γ(b); u = r Γ(a + b) / (Γ(a) ν^b) is factored out of the series.
        let logR = b * log(z) - z - 0.5 * log(Double.pi)
        let logU = logR - (logGammaRatio(a, b) + b * log(nu))
        // j₀ = Q(b, z) / r.
        var j = scaledComplementaryGammaHalf(z)
        var sum = j
        let v = 0.25 / (nu * nu)
        let t2 = 0.25 * logX * logX
        var t = 1.0
        var cn = 1.0
        var n2 = 0.0
        let terms = 30
        var c = [Double](repeating: 0, count: terms)
        var d = [Double](repeating: 0, count: terms)
        var converged = false
        for n in 1...terms {
            let bp2n = b + n2
            j = (bp2n * (bp2n + 1) * j + (z + bp2n + 1) * t) * v
            n2 += 2
            t *= t2
            cn /= n2 * (n2 + 1)
            c[n - 1] = cn
            var s = 0.0
            if n > 1 {
                var coefficient = b - Double(n)
                for i in 1..<n {
                    s += coefficient * c[i - 1] * d[n - 1 - i]
                    coefficient += b
                }
            }
            d[n - 1] = bm1 * cn + s / Double(n)
            let dj = d[n - 1] * j
            sum += dj
            guard sum > 0 else { return nil }
            if abs(dj) <= Double.ulpOfOne / 2 * sum {
                converged = true
                break
            }
        }
        return converged ? exp(logU + log(sum)) : nil
    }

    /// Q(1/2, z) / (e^(-z) √z / √π) = √π e^z erfc(√z) / √z, for z > 0.
    private static func scaledComplementaryGammaHalf(_ z: Double) -> Double {
        let root = z.squareRoot()
        if z < 50 {
            return Double.pi.squareRoot() * exp(z) * erfc(root) / root
        }
        // e^(s²) erfc(s) √π s = Σ (-1)^k (2k-1)!! / (2s²)^k; at s² ≥ 50 the terms fall below 1e-17
        // long before the asymptotic series starts to diverge.
        var term = 1.0
        var sum = 1.0
        for k in 1...40 {
            term *= -Double(2 * k - 1) / (2 * z)
            sum += term
            if abs(term) < Double.ulpOfOne / 4 * sum { break }
        }
        return sum / z
    }

    /// ln Γ(x) - [(x - 1/2) ln x - x + ln √(2π)] for x ≥ 10, by the asymptotic series
    /// (truncation error < 1e-17 there).
    private static func stirlingCorrection(_ x: Double) -> Double {
        let r = 1 / x
        let r2 = r * r
        // Coefficients B_2k / (2k (2k - 1)), k = 1...8.
        var sum = 3617.0 / 122_400.0
        sum = sum * r2 - 1.0 / 156.0
        sum = sum * r2 + 691.0 / 360_360.0
        sum = sum * r2 - 1.0 / 1188.0
        sum = sum * r2 + 1.0 / 1680.0
        sum = sum * r2 - 1.0 / 1260.0
        sum = sum * r2 + 1.0 / 360.0
        sum = sum * r2 - 1.0 / 12.0
        return -sum * r
    }

    /// The continued fraction for I_x(a, b) / (x^a y^b / (a B(a, b))), valid for x < (a+1)/(a+b+2).
    private static func continuedFraction(a: Double, b: Double, x: Double, y: Double) -> Double {
        let tiny = Double.leastNormalMagnitude / Double.ulpOfOne
        let maxIterations = 100_000
        // The first partial denominator is 1 - (a+b)x/(a+1); when x is near 1 the same quantity
        // is formed from y, which avoids cancelling 1 against a number close to 1.
        var d = x < 0.5 ? 1 - (a + b) * x / (a + 1) : (1 - b + (a + b) * y) / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var c = 1.0
        var h = d
        for m in 1...maxIterations {
            let mm = Double(m)
            let m2 = 2 * mm
            // Even step.
            // Coefficients as products of ratios, so that a near 1e160 cannot overflow them.
            var term = (mm / (a - 1 + m2)) * ((b - mm) / (a + m2)) * x
            d = 1 + term * d
            if abs(d) < tiny { d = tiny }
            c = 1 + term / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            // Odd step.
            term = -((a + mm) / (a + m2)) * ((a + b + mm) / (a + 1 + m2)) * x
            d = 1 + term * d
            if abs(d) < tiny { d = tiny }
            c = 1 + term / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) <= Double.ulpOfOne { break }
        }
        return h
    }
}
