public import OutcomeStats
import SessionModel

/// The outcome CSV files of METRICS.md §4, with the contract's columns first and in order.
///
/// A suppressed row keeps its label, shows its count band (e.g. `<11`) instead of the
/// count, leaves every figure empty and says `suppressed=true`.
public enum OutcomeTables {
    public static func techniqueOutcomes(_ analysis: OutcomeAnalysis) -> CSVTable {
        let settings = analysis.settings
        var table = CSVTable(header: [
            "technique", "courses", "mean_baseline", "mean_latest", "mean_change", "change_ci_low",
            "change_ci_high",
            "mean_pct_change", "responders", "responder_rate", "responder_ci_low", "responder_ci_high",
            "median_sessions_to_response", "suppressed",
        ])
        for row in analysis.techniqueOutcomes {
            if row.suppressed {
                table.rows.append(
                    [.text(row.group.name), .text(settings.countBand)] + blanks(11) + [.boolean(true)])
                continue
            }
            table.rows.append([
                .text(row.group.name), .integer(row.courses), .number(row.meanBaseline),
                .number(row.meanLatest),
                .number(row.change.mean), .number(row.change.low), .number(row.change.high),
                .number(row.meanPercentChange), .integer(row.responders),
                .number(row.responderRate.proportion),
                .number(row.responderRate.low), .number(row.responderRate.high),
                .integer(row.medianSessionsToResponse), .boolean(false),
            ])
        }
        return table
    }

    public static func techniqueSessions(_ analysis: OutcomeAnalysis) -> CSVTable {
        var table = CSVTable(header: [
            "technique", "sessions", "sessions_with_post", "mean_immediate_relief", "relief_ci_low",
            "relief_ci_high",
            "adverse_events", "adverse_per_100", "courses", "suppressed",
        ])
        for row in analysis.techniqueSessions {
            if row.suppressed {
                table.rows.append(
                    [.text(row.group.name)] + blanks(7) + [
                        .text(analysis.settings.countBand), .boolean(true),
                    ])
                continue
            }
            table.rows.append([
                .text(row.group.name), .integer(row.sessions), .integer(row.sessionsWithPost),
                .number(row.relief.mean), .number(row.relief.low), .number(row.relief.high),
                .integer(row.adverseEvents), .number(row.adversePer100), .integer(row.courses),
                .boolean(false),
            ])
        }
        return table
    }

    public static func sessionTrend(_ analysis: OutcomeAnalysis) -> CSVTable {
        var table = CSVTable(header: [
            "technique", "session_number", "courses", "mean_pain", "mean_change", "change_ci_low",
            "change_ci_high",
            "mean_med_doses", "suppressed",
        ])
        for row in analysis.sessionTrend {
            if row.suppressed {
                table.rows.append(
                    [.text(row.group.name), .integer(row.sessionNumber), .text(analysis.settings.countBand)]
                        + blanks(5) + [.boolean(true)])
                continue
            }
            table.rows.append([
                .text(row.group.name), .integer(row.sessionNumber), .integer(row.courses),
                .number(row.meanPain),
                .number(row.change.mean), .number(row.change.low), .number(row.change.high),
                .number(row.meanDoses),
                .boolean(false),
            ])
        }
        return table
    }

    public static func medicationOutcomes(_ analysis: OutcomeAnalysis) -> CSVTable {
        var table = CSVTable(header: [
            "technique", "courses", "mean_baseline_doses", "mean_latest_doses", "mean_pct_reduction",
            "reduced_third",
            "reduced_third_rate", "stopped", "stopped_rate", "suppressed", "reduced_third_ci_low",
            "reduced_third_ci_high", "stopped_ci_low", "stopped_ci_high",
        ])
        for row in analysis.medicationOutcomes {
            if row.suppressed {
                table.rows.append(
                    [.text(row.group.name), .text(analysis.settings.countBand)] + blanks(7) + [.boolean(true)]
                        + blanks(4))
                continue
            }
            table.rows.append([
                .text(row.group.name), .integer(row.courses), .number(row.meanBaselineDoses),
                .number(row.meanLatestDoses), .number(row.meanPercentReduction),
                .integer(row.reducedByThird.successes),
                .number(row.reducedByThird.proportion), .integer(row.stopped.successes),
                .number(row.stopped.proportion),
                .boolean(false), .number(row.reducedByThird.low), .number(row.reducedByThird.high),
                .number(row.stopped.low), .number(row.stopped.high),
            ])
        }
        return table
    }

    public static func cohortComparison(_ analysis: OutcomeAnalysis) -> CSVTable {
        var table = CSVTable(header: [
            "dimension", "cohort", "technique", "courses", "mean_change", "change_ci_low", "change_ci_high",
            "responder_rate", "diff_vs_reference", "diff_ci_low", "diff_ci_high", "p_value", "p_holm",
            "adjusted_diff", "adjusted_ci_low", "adjusted_ci_high", "suppressed", "reference",
        ])
        let reference = analysis.reference?.name ?? ""
        for row in analysis.cohortComparisons {
            let labels: [CSVCell] = [.text(row.dimension.rawValue), .text(row.cohort), .text(row.group.name)]
            if row.suppressed {
                table.rows.append(
                    labels + [.text(analysis.settings.countBand)] + blanks(12) + [
                        .boolean(true), .text(reference),
                    ])
                continue
            }
            table.rows.append(
                labels + [
                    .integer(row.courses), .number(row.change.mean), .number(row.change.low),
                    .number(row.change.high),
                    .number(row.responderRate), .number(row.welch?.difference), .number(row.welch?.low),
                    .number(row.welch?.high), .number(row.welch?.pValue), .number(row.holmPValue),
                    .number(row.adjusted?.estimate), .number(row.adjusted?.low), .number(row.adjusted?.high),
                    .boolean(false), .text(reference),
                ])
        }
        return table
    }

    /// Kaplan–Meier steps per technique (chart data for BI tools); suppressed series omitted.
    public static func sessionsToResponse(_ analysis: OutcomeAnalysis) -> CSVTable {
        var table = CSVTable(header: [
            "technique", "session_number", "at_risk", "events", "censored", "survival",
        ])
        for curve in analysis.survivalCurves where !curve.suppressed {
            for step in curve.estimate.steps {
                table.rows.append([
                    .text(curve.group.name), .integer(step.time), .integer(step.atRisk),
                    .integer(step.events),
                    .integer(step.censored), .number(step.survival),
                ])
            }
        }
        return table
    }

    /// Share of courses improving by at least each threshold 0–100 % (chart data).
    public static func responderThresholds(_ analysis: OutcomeAnalysis) -> CSVTable {
        var table = CSVTable(header: ["technique", "threshold_pct", "courses", "proportion"])
        for curve in analysis.responderCurves where !curve.suppressed {
            for (threshold, proportion) in curve.proportions.enumerated() {
                table.rows.append([
                    .text(curve.group.name), .integer(threshold), .integer(curve.courses),
                    .number(proportion),
                ])
            }
        }
        return table
    }

    private static func blanks(_ count: Int) -> [CSVCell] { [CSVCell](repeating: .text(""), count: count) }
}
