import Numerics
import SessionModel
import Testing

@testable import OutcomeStats

/// A whole analysis of a dataset small enough to check every figure by hand. The expected
/// values below were worked out on paper from METRICS.md, not taken from the program.
///
/// Courses (clinic 1 unless noted; pain before each session):
/// - A deep_tissue, sessions 1–3: 8, 6, 4 — change 4, 50 %, responder; response at session 3
///   (6 > 5.6, 4 ≤ 5.6). Meds 2, –, 1 → latest 1 at session 3: −50 %, reduced by a third.
/// - B deep_tissue, sessions 1–2: 6, 6 — change 0, 0 %, censored at 2. Meds 3, 0 → stopped.
/// - C deep_tissue, sessions 1–4: 10, 9, 7, 8 — change 2, 20 %, not a responder, but pain 7 ≤ 7
///   at session 3: response at 3 (KM counts the first time the threshold is reached).
/// - D swedish, sessions 1–2: 5, 2 — change 3, 60 %, responder at 2.
/// - E swedish, sessions 2–3 only: incomplete, left out.
/// - F swedish, session 1 only, pain 7: single session, left out.
/// - G swedish, sessions 1–2, pain 0 then 0: no baseline pain, left out.
/// - H mixed (deep_tissue, swedish), sessions 1–2: 4, 1 — change 3, 75 %, responder at 2.
@Suite("Analysis checked by hand")
struct HandCheckedAnalysisTests {
    static func table() -> SessionTable {
        var table = SessionTable()
        table.clinicNames = ["", "north"]
        func add(
            _ course: UInt32, _ number: Int32, _ technique: Technique, _ pain: Double, meds: Double = .nan,
            post: Double = .nan, adverse: AdverseEvent = .none
        ) {
            table.append(
                SessionRow(
                    clinic: 1, course: course, sessionNumber: number, day: Int32(number),
                    technique: technique,
                    painPre: pain, painPost: post, medDosesPerDay: meds, cause: .herniatedDisc,
                    symptomOnsetWeeks: 8,
                    age: 50, sex: .female, adverseEvent: adverse))
        }
        add(0, 1, .deepTissue, 8, meds: 2, post: 6)
        add(0, 2, .deepTissue, 6, post: 5, adverse: .soreness)
        add(0, 3, .deepTissue, 4, meds: 1)
        add(1, 1, .deepTissue, 6, meds: 3)
        add(1, 2, .deepTissue, 6, meds: 0)
        add(2, 1, .deepTissue, 10)
        add(2, 2, .deepTissue, 9)
        add(2, 3, .deepTissue, 7)
        add(2, 4, .deepTissue, 8)
        add(3, 1, .swedish, 5, post: 3)
        add(3, 2, .swedish, 2)
        add(4, 2, .swedish, 6)
        add(4, 3, .swedish, 5)
        add(5, 1, .swedish, 7)
        add(6, 1, .swedish, 0)
        add(6, 2, .swedish, 0)
        add(7, 1, .deepTissue, 4)
        add(7, 2, .swedish, 1)
        return table
    }

    static func analysis(minimumCell: Int = 0) -> OutcomeAnalysis {
        var settings = AnalysisSettings()
        settings.minimumCellSize = minimumCell
        return OutcomeAnalysis(table: table(), settings: settings)
    }

    @Test func courseFlow() {
        let flow = Self.analysis().flow
        #expect(
            flow
                == CourseFlow(
                    courses: 8, complete: 7, incomplete: 1, noBaselinePain: 1, singleSession: 1,
                    analysable: 5, medication: 2))
    }

    @Test func referenceIsTheTechniqueWithMostCompleteCourses() {
        // Complete courses by primary technique: deep_tissue A, B, C = 3; swedish D, F, G = 3.
        // A tie goes to the earlier technique in report order.
        #expect(Self.analysis().reference == .deepTissue)
    }

    @Test func techniqueOutcomes() throws {
        let rows = Self.analysis().techniqueOutcomes
        #expect(rows.map(\.group) == [.technique(.deepTissue), .technique(.swedish), .mixed, .all])
        let deep = try #require(rows.first)
        #expect(deep.courses == 3)
        #expect(deep.meanBaseline.isApproximatelyEqual(to: 8))  // (8 + 6 + 10) / 3
        #expect(deep.meanLatest.isApproximatelyEqual(to: 6))  // (4 + 6 + 8) / 3
        #expect(deep.change.mean.isApproximatelyEqual(to: 2))  // (4 + 0 + 2) / 3
        // SD of (4, 0, 2) = 2; t(0.975, 2) = 4.302652729749462; half-width = 4.3026527 × 2 / √3.
        let half = 4.302652729749462 * 2 / 3.0.squareRoot()
        #expect(try #require(deep.change.low).isApproximatelyEqual(to: 2 - half, relativeTolerance: 1e-12))
        #expect(try #require(deep.change.high).isApproximatelyEqual(to: 2 + half, relativeTolerance: 1e-12))
        #expect(deep.meanPercentChange.isApproximatelyEqual(to: (50.0 + 0 + 20) / 3))
        #expect(deep.responders == 1)
        // Kaplan–Meier: events at 3 (A, C), censored at 2 (B). At 2: 3 at risk, 0 events, 1
        // censored → S = 1. At 3: 2 at risk, 2 events → S = 0 ≤ 0.5: median 3.
        #expect(deep.medianSessionsToResponse == 3)

        let all = try #require(rows.last)
        #expect(all.courses == 5)
        #expect(all.change.mean.isApproximatelyEqual(to: 12.0 / 5))  // 4 + 0 + 2 + 3 + 3
        #expect(all.responders == 3)  // A, D, H
        // Wilson 3/5, z = 1.959963984540054: centre (0.6 + z²/10)/(1 + z²/5), half-width
        // z/(1 + z²/5) · √(0.6·0.4/5 + z²/100).
        let z = 1.959963984540054
        let centre = (0.6 + z * z / 10) / (1 + z * z / 5)
        let width = z / (1 + z * z / 5) * (0.6 * 0.4 / 5 + z * z / 100).squareRoot()
        #expect(all.responderRate.low.isApproximatelyEqual(to: centre - width, relativeTolerance: 1e-12))
        #expect(all.responderRate.high.isApproximatelyEqual(to: centre + width, relativeTolerance: 1e-12))
        // Events at 2 (D, H), 3 (A, C); B censored at 2. At 2: 5 at risk, 2 events → 0.6.
        // At 3: 2 at risk (A, C), 2 events → 0: median 3.
        #expect(all.medianSessionsToResponse == 3)
    }

    @Test func medication() throws {
        let rows = Self.analysis().medicationOutcomes
        #expect(rows.map(\.group) == [.technique(.deepTissue), .all])
        let deep = try #require(rows.first)
        #expect(deep.courses == 2)  // A (2 → 1) and B (3 → 0)
        #expect(deep.meanBaselineDoses.isApproximatelyEqual(to: 2.5))
        #expect(deep.meanLatestDoses.isApproximatelyEqual(to: 0.5))
        #expect(deep.meanPercentReduction.isApproximatelyEqual(to: 75))  // (50 + 100) / 2
        #expect(deep.reducedByThird.successes == 2)
        #expect(deep.stopped.successes == 1)
    }

    @Test func sessionTrend() throws {
        let rows = Self.analysis().sessionTrend.filter { $0.group == .technique(.deepTissue) }
        #expect(rows.map(\.sessionNumber) == [1, 2, 3, 4])
        #expect(rows.map(\.courses) == [3, 3, 2, 1])
        #expect(rows[1].meanPain.isApproximatelyEqual(to: 7))  // (6 + 6 + 9) / 3
        #expect(rows[1].change.mean.isApproximatelyEqual(to: 1))  // (2 + 0 + 1) / 3
        #expect(rows[2].change.mean.isApproximatelyEqual(to: 3.5))  // (4 + 3) / 2
        #expect(rows[0].meanDoses.isApproximatelyEqual(to: 2.5))  // A 2, B 3; C none
        #expect(rows[3].change.low == nil)  // one course: no interval
    }

    @Test func sessionLevelFigures() throws {
        let rows = Self.analysis().techniqueSessions
        let deep = try #require(rows.first { $0.group == .technique(.deepTissue) })
        // Deep tissue sessions: A 3, B 2, C 4, H 1 = 10, from 4 courses.
        #expect(deep.sessions == 10)
        #expect(deep.courses == 4)
        #expect(deep.sessionsWithPost == 2)  // A1 (8 → 6), A2 (6 → 5)
        #expect(deep.relief.mean.isApproximatelyEqual(to: 1.5))
        #expect(deep.adverseEvents == 1)
        #expect(deep.adversePer100.isApproximatelyEqual(to: 10))
        let all = try #require(rows.last)
        #expect(all.sessions == 18)
    }

    @Test func suppressionHidesSmallCells() {
        let analysis = Self.analysis(minimumCell: 3)
        let suppressed = analysis.techniqueOutcomes.filter(\.suppressed).map(\.group)
        #expect(suppressed == [.technique(.swedish), .mixed])
        // With a suppressed swedish cell, no comparison with the reference is made.
        #expect(analysis.cohortComparisons.allSatisfy { $0.welch == nil })
    }

    @Test func cohortComparisonAgainstReference() throws {
        // Deep tissue changes (4, 0, 2) vs swedish (3): swedish has one course, so Welch is
        // undefined and no comparison is made even with suppression off.
        let rows = Self.analysis().cohortComparisons.filter { $0.dimension == .all }
        #expect(rows.map(\.group) == [.technique(.deepTissue), .technique(.swedish), .mixed])
        #expect(rows.allSatisfy { $0.welch == nil && $0.adjusted == nil && $0.holmPValue == nil })
        #expect(rows[0].responderRate.isApproximatelyEqual(to: 1.0 / 3))
    }
}
