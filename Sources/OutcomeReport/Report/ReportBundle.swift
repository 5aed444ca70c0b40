public import OutcomeStats
public import SessionIngest

/// Every file `outcomes report` writes, built in memory from one ingest and one analysis.
public struct ReportBundle: Sendable {
    /// The version written into the report.
    public static let version = "0.1.0"

    /// File name and contents, in the order they are written.
    public var files: [(name: String, contents: String)]

    public init(ingest: IngestResult, analysis: OutcomeAnalysis) {
        let charts = ReportCharts.all(analysis)
        var files: [(String, String)] = [
            ("technique_outcomes.csv", OutcomeTables.techniqueOutcomes(analysis).rendered()),
            ("technique_sessions.csv", OutcomeTables.techniqueSessions(analysis).rendered()),
            ("session_trend.csv", OutcomeTables.sessionTrend(analysis).rendered()),
            ("medication_outcomes.csv", OutcomeTables.medicationOutcomes(analysis).rendered()),
            ("cohort_comparison.csv", OutcomeTables.cohortComparison(analysis).rendered()),
            ("sessions_to_response.csv", OutcomeTables.sessionsToResponse(analysis).rendered()),
            ("responder_thresholds.csv", OutcomeTables.responderThresholds(analysis).rendered()),
            ("data_quality.csv", IngestTables.dataQuality(ingest, flow: analysis.flow).rendered()),
            ("rejects.csv", IngestTables.rejects(ingest.issues).rendered()),
        ]
        for chart in charts { files.append((chart.name, chart.chart.svg())) }
        files.append(
            ("report.md", MarkdownReport(ingest: ingest, analysis: analysis, charts: charts).rendered()))
        self.files = files
    }
}
