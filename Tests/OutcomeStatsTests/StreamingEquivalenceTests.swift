import TestSupport
import Testing

@testable import OutcomeStats

/// The streaming forms of the estimators, which the analysis uses on large data, against the
/// general forms: they must agree bit for bit, not just closely.
@Suite("Streaming estimators")
struct StreamingEquivalenceTests {
    typealias Generator = SplitMix64

    /// Neumaier's summation as first written, with its branch.
    static func neumaier(_ values: [Double]) -> Double {
        var sum = 0.0
        var compensation = 0.0
        for value in values {
            let total = sum + value
            if abs(sum) >= abs(value) {
                compensation += (sum - total) + value
            } else {
                compensation += (value - total) + sum
            }
            sum = total
        }
        return sum + compensation
    }

    @Test func compensatedSumMatchesNeumaier() {
        var generator = Generator(seed: 1)
        for trial in 0..<200 {
            let count = Int.random(in: 0...300, using: &generator)
            let values = (0..<count).map { _ -> Double in
                switch trial % 4 {
                case 0: Double(Int.random(in: 0...20, using: &generator)) / 2
                case 1: Double.random(in: -1...1, using: &generator) * 1e-8 + 7
                case 2:
                    Double.random(in: -1...1, using: &generator)
                        * Self.pow2(Int.random(in: -60...60, using: &generator))
                default: [1e16, 1, -1e16, 0.1, -0.0, 3e-300][Int.random(in: 0..<6, using: &generator)]
                }
            }
            var sum = CompensatedSum()
            for value in values { sum.add(value) }
            #expect(sum.value.bitPattern == Self.neumaier(values).bitPattern, "trial \(trial)")

            let included = values.map { _ in Bool.random(using: &generator) }
            var partial = CompensatedSum()
            for (value, include) in zip(values, included) { partial.add(value, if: include) }
            let kept = zip(values, included).filter(\.1).map(\.0)
            #expect(partial.value.bitPattern == Self.neumaier(kept).bitPattern, "trial \(trial), partial")
        }
    }

    static func pow2(_ exponent: Int) -> Double { Double(sign: .plus, exponent: exponent, significand: 1) }

    @Test func adjustedDifferenceOverSegmentsMatchesTheGeneralFit() {
        var generator = Generator(seed: 2)
        var fitted = 0
        for trial in 0..<3000 {
            let firstCount = [1, 2, 3, 4, 5, 6, 9, 17, 60][trial % 9]
            let secondCount = [1, 2, 3, 5, 8, 40][(trial / 9) % 6]
            let kind = (trial / 54) % 6
            func covariate(_ group: Bool) -> Double {
                switch kind {
                case 0: Double(Int.random(in: 1...20, using: &generator)) / 2
                case 1: 6.5
                case 2: group ? 7.25 : 3.5
                case 3: Double.random(in: 1e6...(1e6 + 1e-3), using: &generator)
                default: Double.random(in: 0...10, using: &generator)
                }
            }
            let x1 = (0..<firstCount).map { _ in covariate(true) }
            let x2 = (0..<secondCount).map { _ in covariate(false) }
            func response(_ x: Double, _ group: Bool) -> Double {
                switch kind {
                case 4: 1.5 - 0.25 * x + (group ? 2 : 0)
                default: Double(Int.random(in: -20...20, using: &generator)) / 2 + 0.1 * x
                }
            }
            let y1 = x1.map { response($0, true) }
            let y2 = x2.map { response($0, false) }
            let general = AdjustedDifference(
                response: y1 + y2,
                group: Array(repeating: true, count: firstCount)
                    + Array(repeating: false, count: secondCount),
                covariate: x1 + x2, confidence: 0.9)
            let streamed = AdjustedDifference(
                first: AdjustedDifference.Segment(response: y1[...], covariate: x1[...]),
                second: AdjustedDifference.Segment(response: y2[...], covariate: x2[...]), confidence: 0.9)
            #expect(streamed == general, "trial \(trial): \(y1), \(x1) / \(y2), \(x2)")
            if general != nil { fitted += 1 }
        }
        #expect(fitted > 1000)
    }

    @Test func adjustedDifferenceOverSegmentsRejectsWhatTheGeneralFitRejects() {
        let y1 = [1.0, 2, 3, 4, 5]
        let x1 = [2.0, 4, 3, 5, 1]
        for bad in [Double.nan, .infinity] {
            let general = AdjustedDifference(
                response: y1 + [bad, 2], group: [true, true, true, true, true, false, false],
                covariate: x1 + [3, 4])
            let streamed = AdjustedDifference(
                first: AdjustedDifference.Segment(response: y1[...], covariate: x1[...]),
                second: AdjustedDifference.Segment(response: [bad, 2][...], covariate: [3, 4][...]))
            #expect(general == nil && streamed == nil)
        }
    }

    @Test func kaplanMeierFromCountsMatchesTheGeneralEstimate() {
        var generator = Generator(seed: 3)
        for _ in 0..<300 {
            let count = Int.random(in: 0...200, using: &generator)
            let times = (0..<count).map { _ in Int.random(in: 1...15, using: &generator) }
            let events = times.map { _ in Int.random(in: 0..<3, using: &generator) > 0 }
            var eventCounts = [Int](repeating: 0, count: 16)
            var censoredCounts = eventCounts
            for (time, event) in zip(times, events) {
                if event { eventCounts[time] += 1 } else { censoredCounts[time] += 1 }
            }
            let counted = KaplanMeier(events: eventCounts, censored: censoredCounts)
            #expect(counted == KaplanMeier(times: times, events: events))
        }
    }

    @Test func momentsFromTwoPassesMatchTheGeneralForm() {
        var generator = Generator(seed: 4)
        for count in [0, 1, 2, 3, 10, 257] {
            let values = (0..<count).map { _ in Double(Int.random(in: 0...100, using: &generator)) / 10 + 1e3
            }
            var sum = CompensatedSum()
            for value in values { sum.add(value) }
            var residuals = Residuals(firstMean: SampleMoments.firstMean(sum: sum, count: max(1, count)))
            for value in values { residuals.add(value) }
            let streamed = SampleMoments(count: count, firstMean: residuals.firstMean, residuals: residuals)
            let general = SampleMoments(values)
            #expect(streamed.count == general.count)
            #expect(streamed.mean.bitPattern == general.mean.bitPattern)
            #expect(streamed.sumOfSquares.bitPattern == general.sumOfSquares.bitPattern)
        }
    }
}

extension StreamingEquivalenceTests {
    @Test func adjustedDifferencesAgainstOneSecondGroupMatchTheGeneralFits() {
        var generator = Generator(seed: 5)
        for trial in 0..<200 {
            let secondCount = [1, 2, 7, 30, 200][trial % 5]
            let x2 = (0..<secondCount).map { _ in Double(Int.random(in: 1...20, using: &generator)) / 2 }
            let y2 = x2.map { _ in Double(Int.random(in: -20...20, using: &generator)) / 2 }
            let firsts = (0..<Int.random(in: 1...8, using: &generator)).map { _ -> ([Double], [Double]) in
                let count = [1, 3, 4, 5, 6, 11, 40, 150][Int.random(in: 0..<8, using: &generator)]
                let constant = Int.random(in: 0..<10, using: &generator) == 0
                let x = (0..<count).map { _ in
                    constant ? 6.5 : Double(Int.random(in: 1...20, using: &generator)) / 2
                }
                return (x.map { _ in Double(Int.random(in: -20...20, using: &generator)) / 2 }, x)
            }
            Self.expectFitsMatchTheGeneralFits(firsts, y2, x2, "trial \(trial)")
        }
    }
}

extension StreamingEquivalenceTests {
    /// Each first group (response, covariate) fitted against the second by
    /// `AdjustedDifference.fits` equals the general fit of the two groups' rows together.
    static func expectFitsMatchTheGeneralFits(
        _ firsts: [([Double], [Double])], _ y2: [Double], _ x2: [Double], _ label: String,
        everyFitExists: Bool = false, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let fits = AdjustedDifference.fits(
            firsts: firsts.map { AdjustedDifference.Segment(response: $0.0[...], covariate: $0.1[...]) },
            second: AdjustedDifference.Segment(response: y2[...], covariate: x2[...]), confidence: 0.95)
        for (index, (y1, x1)) in firsts.enumerated() {
            let general = AdjustedDifference(
                response: y1 + y2,
                group: Array(repeating: true, count: y1.count) + Array(repeating: false, count: y2.count),
                covariate: x1 + x2)
            if everyFitExists { #expect(general != nil, sourceLocation: sourceLocation) }
            #expect(fits[index] == general, "\(label), first group \(index)", sourceLocation: sourceLocation)
        }
    }

    /// A large second group with few distinct rows (evaluated once per distinct row) and one
    /// with many (evaluated row by row) give the general fits.
    @Test func adjustedDifferencesAgainstALargeSecondGroupMatchTheGeneralFits() {
        var generator = Generator(seed: 6)
        for fewDistinct in [true, false] {
            let x2 = (0..<4200).map { _ in
                fewDistinct
                    ? Double(Int.random(in: 1...20, using: &generator)) / 2
                    : Double.random(in: 0...10, using: &generator)
            }
            let y2 = x2.map { x in
                fewDistinct
                    ? x - Double(Int.random(in: 0...20, using: &generator)) / 2
                    : x - Double.random(in: 0...10, using: &generator)
            }
            let firsts = [4, 5, 90, 301, 300, 7].map { count -> ([Double], [Double]) in
                let x = (0..<count).map { _ in Double(Int.random(in: 1...20, using: &generator)) / 2 }
                return (x.map { $0 - Double(Int.random(in: 0...20, using: &generator)) / 2 }, x)
            }
            Self.expectFitsMatchTheGeneralFits(
                firsts, y2, x2, "few distinct: \(fewDistinct)", everyFitExists: true)
        }
    }
}
