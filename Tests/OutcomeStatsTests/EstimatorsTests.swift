import Numerics
import OutcomeStats
import Testing

@Suite("Mean with t interval")
struct MeanIntervalTests {
    @Test func matchesReference() throws {
        for c in try #require(ReferenceFixture.shared).meanInterval {
            let interval = MeanInterval(c.values, confidence: c.confidence)
            #expect(interval.count == c.values.count)
            expectMatches(interval.mean, c.mean, "mean of \(c.values)")
            expectMatches(interval.standardDeviation, c.standardDeviation, "SD of \(c.values)")
            expectMatches(interval.low, c.low, "low of \(c.values)")
            expectMatches(interval.high, c.high, "high of \(c.values)")
        }
    }

    @Test func emptySample() {
        let interval = MeanInterval([Double]())
        #expect(interval.count == 0)
        #expect(interval.mean.isNaN)
        #expect(interval.standardDeviation.isNaN)
        #expect(interval.low == nil && interval.high == nil)
    }

    @Test func singleValue() {
        let interval = MeanInterval([4.5])
        #expect(interval.count == 1)
        #expect(interval.mean == 4.5)
        #expect(interval.standardDeviation.isNaN)
        #expect(interval.low == nil && interval.high == nil)
    }

    @Test func acceptsLazyCollections() {
        let values = [1.0, 2.0, 3.0, 4.0]
        #expect(MeanInterval(values.lazy.map { $0 * 2 }) == MeanInterval([2.0, 4.0, 6.0, 8.0]))
    }
}

@Suite("Wilson interval")
struct WilsonIntervalTests {
    @Test(arguments: ReferenceFixture.shared?.wilson ?? [])
    func matchesReference(_ c: ReferenceFixture.WilsonCase) {
        let interval = WilsonInterval(successes: c.successes, trials: c.trials, confidence: c.confidence)
        expectMatches(interval.proportion, c.proportion, "proportion")
        expectMatches(interval.low, c.low, "low")
        expectMatches(interval.high, c.high, "high")
    }

    @Test func boundsAreExactAtTheEdges() {
        #expect(WilsonInterval(successes: 0, trials: 7).low == 0)
        #expect(WilsonInterval(successes: 7, trials: 7).high == 1)
    }

    @Test func noTrials() {
        let interval = WilsonInterval(successes: 0, trials: 0)
        #expect(interval.proportion.isNaN)
        #expect(interval.low.isNaN)
        #expect(interval.high.isNaN)
    }
}

@Suite("Welch t test")
struct WelchTestTests {
    @Test func matchesReference() throws {
        for c in try #require(ReferenceFixture.shared).welch {
            let test = try #require(WelchTest(c.a, c.b, confidence: c.confidence))
            expectMatches(test.difference, c.difference, "difference")
            expectMatches(test.standardError, c.standardError, "standard error")
            expectMatches(test.degreesOfFreedom, c.degreesOfFreedom, "df")
            expectMatches(test.t, c.t, "t")
            expectMatches(test.pValue, c.pValue, "p")
            expectMatches(test.low, c.low, "low")
            expectMatches(test.high, c.high, "high")
        }
    }

    @Test func groupOfOneIsUndefined() {
        #expect(WelchTest([1.0], [2.0, 3.0, 4.0]) == nil)
        #expect(WelchTest([1.0, 2.0, 3.0], [Double]()) == nil)
    }

    @Test func twoConstantGroupsAreUndefined() {
        #expect(WelchTest([2.0, 2.0, 2.0], [5.0, 5.0]) == nil)
    }
}

@Suite("Covariate-adjusted difference (OLS)")
struct AdjustedDifferenceTests {
    @Test func matchesReference() throws {
        for c in try #require(ReferenceFixture.shared).adjustedDifference {
            let fit = try #require(
                AdjustedDifference(
                    response: c.response, group: c.group, covariate: c.covariate, confidence: c.confidence))
            #expect(fit.degreesOfFreedom == c.degreesOfFreedom)
            expectMatches(fit.estimate, c.estimate, "estimate (n=\(c.response.count))")
            expectMatches(fit.standardError, c.standardError, "standard error (n=\(c.response.count))")
            expectMatches(fit.low, c.low, "low (n=\(c.response.count))")
            expectMatches(fit.high, c.high, "high (n=\(c.response.count))")
            expectMatches(fit.pValue, c.pValue, "p (n=\(c.response.count))")
        }
    }

    @Test func tooFewObservations() {
        #expect(
            AdjustedDifference(response: [1, 2, 4], group: [true, false, true], covariate: [3, 5, 4]) == nil)
    }

    @Test func emptyGroupIsSingular() {
        let response = [1.0, 2.0, 4.0, 3.0, 5.0]
        let covariate = [3.0, 5.0, 4.0, 6.0, 2.0]
        #expect(
            AdjustedDifference(
                response: response, group: Array(repeating: true, count: 5), covariate: covariate) == nil)
        #expect(
            AdjustedDifference(
                response: response, group: Array(repeating: false, count: 5), covariate: covariate) == nil)
    }

    @Test func constantCovariateIsSingular() {
        let group = [true, false, true, false, true]
        #expect(
            AdjustedDifference(
                response: [1, 2, 4, 3, 5], group: group, covariate: Array(repeating: 0.1, count: 5)) == nil)
        #expect(
            AdjustedDifference(
                response: [1, 2, 4, 3, 5], group: group, covariate: Array(repeating: 0, count: 5)) == nil)
    }

    @Test func covariateCollinearWithGroupIsSingular() {
        let group = [true, false, true, false, true, false]
        let covariate = group.map { $0 ? 7.3 : 2.1 }
        #expect(AdjustedDifference(response: [1, 2, 4, 3, 5, 1], group: group, covariate: covariate) == nil)
    }

    @Test func perfectFitHasNoVariance() {
        let group = [true, false, true, false, true, false]
        let covariate = [1.0, 2.0, 3.0, 4.0, 5.0, 7.0]
        let response = zip(group, covariate).map { 2 + ($0 ? 1.5 : 0) - 0.5 * $1 }
        #expect(AdjustedDifference(response: response, group: group, covariate: covariate) == nil)
    }
}

@Suite("Holm adjustment")
struct HolmAdjustmentTests {
    @Test func matchesReference() throws {
        for c in try #require(ReferenceFixture.shared).holm {
            let adjusted = HolmAdjustment.adjust(c.pValues)
            #expect(adjusted.count == c.adjusted.count)
            for (value, reference) in zip(adjusted, c.adjusted) {
                expectMatches(value, reference, "Holm of \(c.pValues)")
            }
        }
    }

    @Test func emptyInput() {
        #expect(HolmAdjustment.adjust([]) == [])
    }

    @Test func nanIsNotCountedAsATest() {
        let adjusted = HolmAdjustment.adjust([0.01, .nan, 0.02])
        #expect(adjusted[0] == 0.02)
        #expect(adjusted[1].isNaN)
        #expect(adjusted[2] == 0.02)
    }
}

@Suite("Kaplan–Meier")
struct KaplanMeierTests {
    @Test func matchesReference() throws {
        for c in try #require(ReferenceFixture.shared).kaplanMeier {
            let estimate = KaplanMeier(times: c.times, events: c.events)
            #expect(estimate.steps.filter { $0.events > 0 }.map(\.time) == c.eventTimes)
            for (time, survival) in zip(c.eventTimes, c.survival) {
                expectMatches(estimate.survival(at: time), survival, "S(\(time)) for \(c.times)")
            }
            #expect(estimate.median == c.median, "median for \(c.times)")
        }
    }

    @Test func stepsCountCensoredSubjectsAsAtRiskAtTheirTime() {
        // Times 1 2 2 2 3 5; events at 1, two at 2 (one censored at 2), censored at 3, event at 5.
        let estimate = KaplanMeier(
            times: [2, 1, 2, 3, 2, 5], events: [true, true, false, false, true, true])
        #expect(estimate.steps.map(\.time) == [1, 2, 3, 5])
        #expect(estimate.steps.map(\.atRisk) == [6, 5, 2, 1])
        #expect(estimate.steps.map(\.events) == [1, 2, 0, 1])
        #expect(estimate.steps.map(\.censored) == [0, 1, 1, 0])
        #expect(estimate.steps.map(\.survival) == [5.0 / 6, 0.5, 0.5, 0])
        #expect(estimate.survival(at: 0) == 1)
        #expect(estimate.survival(at: 4) == 0.5)
        #expect(estimate.median == 2)
    }

    @Test func medianIsNilWhenSurvivalStaysAboveOneHalf() {
        let estimate = KaplanMeier(times: [1, 2, 3, 4, 5], events: [false, true, false, false, false])
        #expect(estimate.median == nil)
        #expect(estimate.survival(at: 10) == 0.75)
    }

    @Test func noSubjects() {
        let estimate = KaplanMeier(times: [], events: [])
        #expect(estimate.steps.isEmpty)
        #expect(estimate.median == nil)
        #expect(estimate.survival(at: 3) == 1)
    }
}
