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
        /// The smallest and largest covariate over the rows from `lowest[k]`, `highest[k]` on, for
        /// k = 0, 1, 2 (±∞ when there is no such row).
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
            response.withUnsafeBufferPointer { y in
                covariate.withUnsafeBufferPointer { x in
                    var (low, high) = (Double.infinity, -Double.infinity)
                    for i in 0..<y.count {
                        finite = finite && y[i].isFinite && x[i].isFinite
                        largestResponse = max(largestResponse, abs(y[i]))
                        largestCovariate = max(largestCovariate, abs(x[i]))
                        if i >= 2 {
                            low = min(low, x[i])
                            high = max(high, x[i])
                        }
                    }
                    // From the third row on, then the second, then every row.
                    for first in stride(from: 2, through: 0, by: -1) {
                        if first < x.count {
                            low = min(low, x[first])
                            high = max(high, x[first])
                        }
                        (lowest[first], highest[first]) = (low, high)
                    }
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
    init?(first: Segment, second: Segment, confidence: Double = 0.95) {
        guard let fit = Self.fits(firsts: [first], second: second, confidence: confidence)[0] else {
            return nil
        }
        self = fit
    }

    /// The fits of each of `firsts` against the same `second` group: `fits[k]` is
    /// `AdjustedDifference(first: firsts[k], second: second, confidence: confidence)`.
    ///
    /// Every sum runs over the rows in the same order with the same operations as the general
    /// initialiser; only the matrix is not stored. A column after a reflection is recomputed
    /// from the covariate wherever it is needed, and the largest entry of a column, which the
    /// scaled norms need before their sums, is found from the smallest and largest covariate of
    /// each group: every column is a monotone function of the covariate within a group, and
    /// correctly rounded operations keep it monotone. Fits are run two at a time, one in each
    /// lane of a SIMD2 vector over the shared second group (lanes are computed independently,
    /// each with IEEE arithmetic, so a lane gives what a scalar would).
    static func fits(firsts: [Segment], second: Segment, confidence: Double = 0.95) -> [AdjustedDifference?] {
        precondition(confidence > 0 && confidence < 1, "confidence must be in (0, 1)")
        var fits = [AdjustedDifference?](repeating: nil, count: firsts.count)
        // The peeled first rows (0...3) must all lie in the first group.
        var paired: [Int] = []
        for (index, first) in firsts.enumerated() {
            if first.count < 4 || second.count < 1 {
                fits[index] = general(first, second, confidence)
            } else if first.allFinite && second.allFinite {
                paired.append(index)
            }
        }
        // Pairs of similar size waste the least; an odd one out is paired with itself.
        paired.sort { firsts[$0].count != firsts[$1].count ? firsts[$0].count < firsts[$1].count : $0 < $1 }
        let distinct = paired.isEmpty ? nil : DistinctRows(second)
        for start in stride(from: 0, to: paired.count, by: 2) {
            let pair = (paired[start], paired[min(start + 1, paired.count - 1)])
            let results = factor(firsts[pair.0], firsts[pair.1], second, distinct)
            for (index, result) in [(pair.0, results.0), (pair.1, results.1)] {
                switch result {
                case .singular:
                    fits[index] = nil
                case .unusual:
                    fits[index] = general(firsts[index], second, confidence)
                case .fit(let coefficient, let diagonal, let residualSquares):
                    fits[index] = AdjustedDifference(
                        coefficient: coefficient, diagonal: diagonal, residualSquares: residualSquares,
                        count: firsts[index].count + second.count, confidence: confidence)
                }
            }
        }
        return fits
    }

    /// The general initialiser over the concatenated rows.
    private static func general(_ first: Segment, _ second: Segment, _ confidence: Double)
        -> AdjustedDifference?
    {
        AdjustedDifference(
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

    private typealias Pair = SIMD2<Double>
    private typealias Lanes = SIMDMask<SIMD2<Int64>>

    /// The QR factorisation of ``init(response:group:covariate:confidence:)`` for the rows of
    /// `firstA` (at least 4) followed by those of `second`, in lane 0 of SIMD2 vectors, and the
    /// same for `firstB` in lane 1. Row i of the design goes through these values:
    ///
    /// - step 1 (v = ones with v₀ = 1 + √n): a = (x - x̄) - s₁, g' = g - s₂, r' = (y - ȳ) - s₃;
    /// - step 2 (v = a from row 1, v₁ = a₁ - d₁): g'' = g' - s₄·a, r'' = r' - s₅·a;
    /// - step 3 (v = g'' from row 2, v₂ = g''₂ - d₂): r''' = r'' - s₆·g''.
    ///
    /// The rows of the two first groups run side by side, row i of each in its lane; a lane
    /// whose group has no row i adds +0 instead, which changes none of its sums (they are
    /// finite and never -0). The rows of the shared second group then run in both lanes.
    private static func factor(
        _ firstA: Segment, _ firstB: Segment, _ second: Segment, _ distinct: DistinctRows?
    ) -> (Factorisation, Factorisation) {
        firstA.response.withUnsafeBufferPointer { yA in
            firstA.covariate.withUnsafeBufferPointer { xA in
                firstB.response.withUnsafeBufferPointer { yB in
                    firstB.covariate.withUnsafeBufferPointer { xB in
                        second.response.withUnsafeBufferPointer { y2 in
                            second.covariate.withUnsafeBufferPointer { x2 in
                                factor(
                                    FirstRows(ya: yA, xa: xA, yb: yB, xb: xB), (firstA, firstB),
                                    SecondRows(x: x2, y: y2, distinct: distinct), second: second)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The rows of the two first groups, side by side.
    private struct FirstRows {
        let ya: UnsafeBufferPointer<Double>
        let xa: UnsafeBufferPointer<Double>
        let yb: UnsafeBufferPointer<Double>
        let xb: UnsafeBufferPointer<Double>

        /// The longer of the two.
        var count: Int { max(ya.count, yb.count) }

        var counts: Pair { Pair(Double(ya.count), Double(yb.count)) }

        /// Row i of each group (the last row for a group that is shorter), and the lanes whose
        /// group has a row i.
        @inline(__always)
        func row(_ i: Int) -> (x: Pair, y: Pair, valid: Lanes) {
            let (a, b) = (min(i, ya.count - 1), min(i, yb.count - 1))
            return (Pair(xa[a], xb[b]), Pair(ya[a], yb[b]), Pair(repeating: Double(i)) .< counts)
        }

        /// `state` with `add(&state, term(x, y), valid)` applied for rows `start...` in order,
        /// row i of each group in its lane; `valid` holds the lanes whose group has a row i (the
        /// others must add +0). The rows both groups have run without a mask.
        @inline(__always)
        func fold<State, Term>(
            from start: Int, _ state: State, _ term: (Pair, Pair) -> Term,
            _ add: (inout State, Term, Lanes) -> Void
        ) -> State {
            var state = state
            let common = min(ya.count, yb.count)
            let both = Lanes(repeating: true)
            var i = start
            while i < common {
                add(&state, term(Pair(xa[i], xb[i]), Pair(ya[i], yb[i])), both)
                i += 1
            }
            while i < count {
                let (x, y, valid) = row(i)
                add(&state, term(x, y), valid)
                i += 1
            }
            return state
        }
    }

    private static func factor(
        _ first: FirstRows, _ segments: (Segment, Segment), _ rows: SecondRows, second: Segment
    ) -> (Factorisation, Factorisation) {
        /// `value` where `valid`, else +0.
        @inline(__always) func kept(_ value: Pair, _ valid: Lanes) -> Pair {
            value.replacing(with: 0, where: .!valid)
        }
        let firstCount = first.counts
        let count = firstCount + Pair(repeating: Double(rows.count))
        let largestX = Pair(
            max(segments.0.largestCovariate, second.largestCovariate),
            max(segments.1.largestCovariate, second.largestCovariate))
        let largestY = Pair(
            max(segments.0.largestResponse, second.largestResponse),
            max(segments.1.largestResponse, second.largestResponse))
        let one = Pair(repeating: 1)

        // Step 1, the column of ones: ‖1‖ = √n, so d₀ = -√n and v₀ = 1 - d₀; vᵀv and vᵀg only
        // depend on the counts. With them, the sums of the means.
        let diagonal0 = -(1 * count.squareRoot())
        let v0 = 1 - diagonal0
        var vv0 = 0 + v0 * v0
        var dotGroup0 = 0 + v0 * 1
        var sumX = CompensatedPair()
        var sumY = CompensatedPair()
        let row0 = first.row(0)
        sumX.add(row0.x)
        sumY.add(row0.y)
        (sumX, sumY, vv0, dotGroup0) = first.fold(from: 1, (sumX, sumY, vv0, dotGroup0), { x, y in (x, y) }) {
            sums, term, valid in
            sums.0.add(kept(term.0, valid))
            sums.1.add(kept(term.1, valid))
            sums.2 += kept(one, valid)
            sums.3 += kept(one, valid)
        }
        (sumX, sumY, vv0) = rows.fold((sumX, sumY, vv0), { x, y in (x, y) }) { sums, term in
            sums.0.add(term.0)
            sums.1.add(term.1)
            sums.2 += 1
        }
        guard all(sumX.value, sumY.value, \.isFinite) else { return (.unusual, .unusual) }

        // Means (two-pass, as SampleMoments) and the norms of the raw covariate and response.
        let firstX = sumX.value / count
        let firstY = sumY.value / count
        var residualX = CompensatedPair()
        var residualY = CompensatedPair()
        var squaresX = Pair(repeating: 0)
        var squaresY = Pair(repeating: 0)
        (residualX, residualY, squaresX, squaresY) = first.fold(
            from: 0, (residualX, residualY, squaresX, squaresY),
            { x, y in
                (x - firstX, y - firstY, (x / largestX) * (x / largestX), (y / largestY) * (y / largestY))
            }
        ) { sums, term, valid in
            sums.0.add(kept(term.0, valid))
            sums.1.add(kept(term.1, valid))
            sums.2 += kept(term.2, valid)
            sums.3 += kept(term.3, valid)
        }
        (residualX, residualY, squaresX, squaresY) = rows.fold(
            (residualX, residualY, squaresX, squaresY),
            { x, y in
                (x - firstX, y - firstY, (x / largestX) * (x / largestX), (y / largestY) * (y / largestY))
            }
        ) { sums, term in
            sums.0.add(term.0)
            sums.1.add(term.1)
            sums.2 += term.2
            sums.3 += term.3
        }
        let meanX = firstX + residualX.value / count
        let meanY = firstY + residualY.value / count
        let normX = Pair(
            scaledNorm(largest: largestX[0], squares: squaresX[0]),
            scaledNorm(largest: largestX[1], squares: squaresX[1]))
        let normY = Pair(
            scaledNorm(largest: largestY[0], squares: squaresY[0]),
            scaledNorm(largest: largestY[1], squares: squaresY[1]))

        // Step 1: reflect the centred covariate, the group and the centred response.
        var dotX0 = 0 + v0 * (row0.x - meanX)
        var dotY0 = 0 + v0 * (row0.y - meanY)
        (dotX0, dotY0) = first.fold(from: 1, (dotX0, dotY0), { x, y in (x - meanX, y - meanY) }) {
            sums, term, valid in
            sums.0 += kept(term.0, valid)
            sums.1 += kept(term.1, valid)
        }
        (dotX0, dotY0) = rows.fold((dotX0, dotY0), { x, y in (x - meanX, y - meanY) }) { sums, term in
            sums.0 += term.0
            sums.1 += term.1
        }
        let s1 = 2 * dotX0 / vv0
        let s2 = 2 * dotGroup0 / vv0
        let s3 = 2 * dotY0 / vv0
        let group1 = 1 - s2
        let group2 = 0 - s2
        var outcome: [Factorisation?] = [nil, nil]
        let lowest = [segments.0.lowest, segments.1.lowest]
        let highest = [segments.0.highest, segments.1.highest]

        // Step 2, the covariate column from row 1: a = (x - x̄) - s₁.
        @inline(__always) func a(_ x: Pair) -> Pair { (x - meanX) - s1 }
        var largest1 = Pair()
        for lane in 0..<2 {
            func a(_ x: Double) -> Double { (x - meanX[lane]) - s1[lane] }
            largest1[lane] = max(
                0, abs(a(lowest[lane][1])), abs(a(highest[lane][1])), abs(a(second.lowest[0])),
                abs(a(second.highest[0])))
            if !largest1[lane].isFinite {
                outcome[lane] = .unusual
            } else if largest1[lane] == 0 {
                outcome[lane] = .singular
            }
        }
        var squares1 = Pair(repeating: 0)
        squares1 = first.fold(
            from: 1, squares1,
            { x, _ in
                let value = a(x)
                return (value / largest1) * (value / largest1)
            }
        ) { $0 += kept($1, $2) }
        squares1 = rows.fold(
            squares1,
            { x, _ in
                let value = a(x)
                return (value / largest1) * (value / largest1)
            }
        ) { $0 += $1 }
        let alpha1 = largest1 * squares1.squareRoot()
        let row1 = first.row(1)
        let a1 = a(row1.x)
        var diagonal1 = Pair()
        for lane in 0..<2 {
            if outcome[lane] == nil && !(alpha1[lane] > rankTolerance * normX[lane]) {
                outcome[lane] = .singular
            }
            diagonal1[lane] = a1[lane] > 0 ? -alpha1[lane] : alpha1[lane]
        }
        let w1 = a1 - diagonal1
        let r1 = (row1.y - meanY) - s3
        var vv1 = 0 + w1 * w1
        var dotGroup1 = 0 + w1 * group1
        var dotY1 = 0 + w1 * r1
        (vv1, dotGroup1, dotY1) = first.fold(
            from: 2, (vv1, dotGroup1, dotY1),
            { x, y in
                let w = a(x)
                return (w * w, w * group1, w * ((y - meanY) - s3))
            }
        ) { sums, term, valid in
            sums.0 += kept(term.0, valid)
            sums.1 += kept(term.1, valid)
            sums.2 += kept(term.2, valid)
        }
        (vv1, dotGroup1, dotY1) = rows.fold(
            (vv1, dotGroup1, dotY1),
            { x, y in
                let w = a(x)
                return (w * w, w * group2, w * ((y - meanY) - s3))
            }
        ) { sums, term in
            sums.0 += term.0
            sums.1 += term.1
            sums.2 += term.2
        }
        let s4 = 2 * dotGroup1 / vv1
        let s5 = 2 * dotY1 / vv1

        // Step 3, the group column from row 2: g'' = g' - s₄·a.
        var largest2 = Pair()
        for lane in 0..<2 {
            func g(_ x: Double, _ group: Double) -> Double {
                group - s4[lane] * ((x - meanX[lane]) - s1[lane])
            }
            largest2[lane] = max(
                0, abs(g(lowest[lane][2], group1[lane])), abs(g(highest[lane][2], group1[lane])),
                abs(g(second.lowest[0], group2[lane])), abs(g(second.highest[0], group2[lane])))
            if outcome[lane] == nil {
                if !largest2[lane].isFinite {
                    outcome[lane] = .unusual
                } else if largest2[lane] == 0 {
                    outcome[lane] = .singular
                }
            }
        }
        var squares2 = Pair(repeating: 0)
        squares2 = first.fold(
            from: 2, squares2,
            { x, _ in
                let value = group1 - s4 * a(x)
                return (value / largest2) * (value / largest2)
            }
        ) { $0 += kept($1, $2) }
        squares2 = rows.fold(
            squares2,
            { x, _ in
                let value = group2 - s4 * a(x)
                return (value / largest2) * (value / largest2)
            }
        ) { $0 += $1 }
        let alpha2 = largest2 * squares2.squareRoot()
        let row2 = first.row(2)
        let w2 = a(row2.x)
        let g2 = group1 - s4 * w2
        var diagonal2 = Pair()
        for lane in 0..<2 {
            if outcome[lane] == nil && !(alpha2[lane] > rankTolerance * firstCount[lane].squareRoot()) {
                outcome[lane] = .singular
            }
            diagonal2[lane] = g2[lane] > 0 ? -alpha2[lane] : alpha2[lane]
        }
        let u2 = g2 - diagonal2
        let r2 = ((row2.y - meanY) - s3) - s5 * w2
        var vv2 = 0 + u2 * u2
        var dotY2 = 0 + u2 * r2
        (vv2, dotY2) = first.fold(
            from: 3, (vv2, dotY2),
            { x, y in
                let w = a(x)
                let u = group1 - s4 * w
                return (u * u, u * (((y - meanY) - s3) - s5 * w))
            }
        ) { sums, term, valid in
            sums.0 += kept(term.0, valid)
            sums.1 += kept(term.1, valid)
        }
        (vv2, dotY2) = rows.fold(
            (vv2, dotY2),
            { x, y in
                let w = a(x)
                let u = group2 - s4 * w
                return (u * u, u * (((y - meanY) - s3) - s5 * w))
            }
        ) { sums, term in
            sums.0 += term.0
            sums.1 += term.1
        }
        let s6 = 2 * dotY2 / vv2

        // The residuals from row 3 on.
        var residualSquares = Pair(repeating: 0)
        residualSquares = first.fold(
            from: 3, residualSquares,
            { x, y in
                let w = a(x)
                let residual = (((y - meanY) - s3) - s5 * w) - s6 * (group1 - s4 * w)
                return residual * residual
            }
        ) { $0 += kept($1, $2) }
        residualSquares = rows.fold(
            residualSquares,
            { x, y in
                let w = a(x)
                let residual = (((y - meanY) - s3) - s5 * w) - s6 * (group2 - s4 * w)
                return residual * residual
            }
        ) { $0 += $1 }
        let noise = 16 * count * Double.ulpOfOne * normY
        let coefficient = r2 - s6 * u2
        for lane in 0..<2 where outcome[lane] == nil {
            outcome[lane] =
                residualSquares[lane].squareRoot() > noise[lane]
                ? .fit(
                    coefficient: coefficient[lane], diagonal: diagonal2[lane],
                    residualSquares: residualSquares[lane])
                : .singular
        }
        return (outcome[0]!, outcome[1]!)
    }

    /// The rows of the shared second group, read in place.
    private struct SecondRows {
        let x: UnsafeBufferPointer<Double>
        let y: UnsafeBufferPointer<Double>
        let distinct: DistinctRows?

        var count: Int { x.count }

        /// `state` with `add(&state, term(x, y))` applied for every row in order, x and y in both
        /// lanes. With few distinct rows, `term` is evaluated once per distinct (x, y) and each
        /// row adds its pair's term: the same numbers, added in the same order.
        @inline(__always)
        func fold<State, Term>(
            _ state: State, _ term: (Pair, Pair) -> Term, _ add: (inout State, Term) -> Void
        ) -> State {
            var state = state
            guard let distinct else {
                for i in 0..<x.count { add(&state, term(Pair(repeating: x[i]), Pair(repeating: y[i]))) }
                return state
            }
            let terms = distinct.x.indices.map {
                term(Pair(repeating: distinct.x[$0]), Pair(repeating: distinct.y[$0]))
            }
            terms.withUnsafeBufferPointer { terms in
                distinct.codes.withUnsafeBufferPointer { codes in
                    for code in codes { add(&state, terms[Int(code)]) }
                }
            }
            return state
        }
    }

    /// The distinct (covariate, response) pairs of a group's rows and the pair of each row,
    /// when a group is large and holds few pairs (pain scores take few values): every pass of
    /// the factorisation then evaluates its terms once per pair.
    private struct DistinctRows {
        let x: [Double]
        let y: [Double]
        /// Index into `x` and `y` of each row's pair.
        let codes: [UInt32]

        /// nil when the group has fewer than 4096 rows or more distinct pairs than an eighth
        /// of its rows.
        init?(_ segment: Segment) {
            let count = segment.count
            guard count >= 4096 else { return nil }
            let limit = count / 8
            var bits = 1
            while 1 << bits < 2 * limit { bits += 1 }
            let capacity = 1 << bits
            // Open addressing on the bit patterns (so -0 and +0 stay apart), hashed by the top
            // bits of products, which depend on every bit of the values (pain scores have
            // trailing zero bits).
            var slots = [Int32](repeating: -1, count: capacity)
            var x: [Double] = []
            var y: [Double] = []
            var codes: [UInt32] = []
            codes.reserveCapacity(count)
            for (response, covariate) in zip(segment.response, segment.covariate) {
                let (xBits, yBits) = (covariate.bitPattern, response.bitPattern)
                let mixed = xBits &* 0x9E37_79B9_7F4A_7C15
                let hash = (mixed ^ (mixed >> 32) ^ yBits) &* 0xC2B2_AE3D_27D4_EB4F
                var slot = Int(truncatingIfNeeded: hash >> UInt64(64 - bits))
                while true {
                    let code = Int(slots[slot])
                    if code < 0 {
                        guard x.count < limit else { return nil }
                        slots[slot] = Int32(x.count)
                        codes.append(UInt32(x.count))
                        x.append(covariate)
                        y.append(response)
                        break
                    }
                    if x[code].bitPattern == xBits && y[code].bitPattern == yBits {
                        codes.append(UInt32(code))
                        break
                    }
                    slot = (slot + 1) & (capacity - 1)
                }
            }
            (self.x, self.y, self.codes) = (x, y, codes)
        }
    }

    /// Whether `test` holds in both lanes of both vectors.
    private static func all(_ a: Pair, _ b: Pair, _ test: (Double) -> Bool) -> Bool {
        test(a[0]) && test(a[1]) && test(b[0]) && test(b[1])
    }

    /// ``norm(_:)`` from its largest magnitude and its sum of scaled squares.
    private static func scaledNorm(largest: Double, squares: Double) -> Double {
        guard largest > 0, largest.isFinite else { return largest }
        return largest * squares.squareRoot()
    }
}
