import Foundation
import Numerics
import OutcomeStats
import Testing

// Reference values come from Fixtures/reference_stats.json, written by
// scripts/reference/make_stats_fixtures.py with scipy and statsmodels; every value must agree to a
// relative tolerance of 1e-9 (absolute 1e-300 where the reference is exactly 0).

/// The decoded fixture; see scripts/reference/make_stats_fixtures.py for how each part was made.
struct ReferenceFixture: Decodable, Sendable {
    struct TCase: Decodable, Sendable, CustomTestStringConvertible {
        let df: Double
        let t: Double
        let cdf: Double
        let sf: Double
        let twoSided: Double
        var testDescription: String { "df=\(df) t=\(t)" }
    }
    struct TQuantileCase: Decodable, Sendable, CustomTestStringConvertible {
        let df: Double
        let p: Double
        let quantile: Double
        var testDescription: String { "df=\(df) p=\(p)" }
    }
    struct NormalQuantileCase: Decodable, Sendable {
        let p: Double
        let quantile: Double
    }
    struct NormalCDFCase: Decodable, Sendable {
        let x: Double
        let cdf: Double
    }
    struct MeanCase: Decodable, Sendable {
        let values: [Double]
        let confidence: Double
        let mean: Double
        let standardDeviation: Double
        let low: Double
        let high: Double
    }
    struct WilsonCase: Decodable, Sendable, CustomTestStringConvertible {
        let successes: Int
        let trials: Int
        let confidence: Double
        let proportion: Double
        let low: Double
        let high: Double
        var testDescription: String { "\(successes)/\(trials) at \(confidence)" }
    }
    struct WelchCase: Decodable, Sendable {
        let a: [Double]
        let b: [Double]
        let confidence: Double
        let difference: Double
        let standardError: Double
        let degreesOfFreedom: Double
        let t: Double
        let pValue: Double
        let low: Double
        let high: Double
    }
    struct OLSCase: Decodable, Sendable {
        let response: [Double]
        let group: [Bool]
        let covariate: [Double]
        let confidence: Double
        let estimate: Double
        let standardError: Double
        let degreesOfFreedom: Int
        let low: Double
        let high: Double
        let pValue: Double
    }
    struct HolmCase: Decodable, Sendable {
        let pValues: [Double]
        let adjusted: [Double]
    }
    struct KaplanMeierCase: Decodable, Sendable {
        let times: [Int]
        let events: [Bool]
        let eventTimes: [Int]
        let survival: [Double]
        let median: Int?
    }

    let studentT: [TCase]
    let studentTQuantile: [TQuantileCase]
    let normalQuantile: [NormalQuantileCase]
    let normalCDF: [NormalCDFCase]
    let meanInterval: [MeanCase]
    let wilson: [WilsonCase]
    let welch: [WelchCase]
    let adjustedDifference: [OLSCase]
    let holm: [HolmCase]
    let kaplanMeier: [KaplanMeierCase]

    /// nil if the resource is missing or malformed; `fixtureLoads` then fails with the reason.
    static let shared: ReferenceFixture? = try? load()

    static func load() throws -> ReferenceFixture {
        let url = try #require(
            Bundle.module.url(forResource: "Fixtures/reference_stats", withExtension: "json"))
        return try JSONDecoder().decode(ReferenceFixture.self, from: Data(contentsOf: url))
    }
}

/// Expects `actual` to match a reference value to 1e-9 relative (1e-300 absolute for a reference of 0).
func expectMatches(
    _ actual: Double?, _ expected: Double, _ what: @autoclosure () -> String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard let actual else {
        Issue.record("\(what()): nil, expected \(expected)", sourceLocation: sourceLocation)
        return
    }
    let matches =
        expected == 0
        ? abs(actual) <= 1e-300
        : actual.isApproximatelyEqual(to: expected, relativeTolerance: 1e-9)
    #expect(matches, "\(what()): \(actual) vs reference \(expected)", sourceLocation: sourceLocation)
}

@Suite("Reference fixture")
struct FixtureTests {
    @Test func fixtureLoads() throws {
        let fixture = try ReferenceFixture.load()
        #expect(fixture.studentT.count > 400)
        #expect(fixture.studentTQuantile.count > 200)
        #expect(!fixture.kaplanMeier.isEmpty)
    }
}

@Suite("Student t distribution")
struct StudentTTests {
    @Test(arguments: ReferenceFixture.shared?.studentT ?? [])
    func cdfAndSurvival(_ c: ReferenceFixture.TCase) {
        let distribution = StudentT(degreesOfFreedom: c.df)
        expectMatches(distribution.cdf(c.t), c.cdf, "cdf")
        expectMatches(distribution.survival(c.t), c.sf, "survival")
        expectMatches(distribution.twoSidedPValue(c.t), c.twoSided, "two-sided p")
    }

    @Test(arguments: ReferenceFixture.shared?.studentTQuantile ?? [])
    func quantile(_ c: ReferenceFixture.TQuantileCase) {
        expectMatches(StudentT(degreesOfFreedom: c.df).quantile(c.p), c.quantile, "quantile")
    }

    @Test func quantileEndpoints() {
        let distribution = StudentT(degreesOfFreedom: 7.3)
        #expect(distribution.quantile(0) == -.infinity)
        #expect(distribution.quantile(1) == .infinity)
        #expect(distribution.quantile(0.5) == 0)
        #expect(distribution.quantile(-0.1).isNaN)
        #expect(distribution.quantile(.nan).isNaN)
        #expect(distribution.cdf(.infinity) == 1)
        #expect(distribution.survival(.infinity) == 0)
        #expect(distribution.cdf(.nan).isNaN)
    }

    @Test(arguments: [0.3, 1, 2.5, 12, 1e4, 1e9])
    func quantileInvertsCDF(_ df: Double) {
        let distribution = StudentT(degreesOfFreedom: df)
        for p in [1e-60, 1e-12, 0.003, 0.2, 0.49, 0.77, 0.999] {
            let t = distribution.quantile(p)
            let back = p < 0.5 ? distribution.cdf(t) : distribution.survival(t)
            let target = p < 0.5 ? p : 1 - p
            #expect(back.isApproximatelyEqual(to: target, relativeTolerance: 1e-12), "df=\(df) p=\(p)")
        }
    }

    @Test func infiniteAndHugeDegreesOfFreedomTendToNormal() {
        let normal = StudentT(degreesOfFreedom: .infinity)
        #expect(normal.cdf(-2) == NormalDistribution.cdf(-2))
        #expect(normal.quantile(0.975) == NormalDistribution.quantile(0.975))
        for df in [1e20, 1e300] {
            let distribution = StudentT(degreesOfFreedom: df)
            for t in [-5.0, -1.0, 0.3, 2.0, 8.0] {
                #expect(
                    distribution.cdf(t).isApproximatelyEqual(
                        to: NormalDistribution.cdf(t), relativeTolerance: 1e-12))
            }
            #expect(
                distribution.quantile(0.025).isApproximatelyEqual(
                    to: NormalDistribution.quantile(0.025), relativeTolerance: 1e-12))
        }
    }
}

@Suite("Standard normal distribution")
struct NormalDistributionTests {
    @Test func quantile() throws {
        let fixture = try #require(ReferenceFixture.shared)
        for c in fixture.normalQuantile {
            expectMatches(NormalDistribution.quantile(c.p), c.quantile, "quantile(\(c.p))")
        }
    }

    @Test func cdf() throws {
        let fixture = try #require(ReferenceFixture.shared)
        for c in fixture.normalCDF {
            expectMatches(NormalDistribution.cdf(c.x), c.cdf, "cdf(\(c.x))")
        }
    }

    @Test func endpoints() {
        #expect(NormalDistribution.quantile(0) == -.infinity)
        #expect(NormalDistribution.quantile(1) == .infinity)
        #expect(NormalDistribution.quantile(0.5) == 0)
        #expect(NormalDistribution.quantile(2).isNaN)
        #expect(NormalDistribution.cdf(.nan).isNaN)
    }
}
