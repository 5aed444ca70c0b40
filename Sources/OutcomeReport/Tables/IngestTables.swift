public import OutcomeStats
public import SessionIngest

/// `rejects.csv` and `data_quality.csv`: the data steward's accounting of every record.
public enum IngestTables {
    /// One row per rejected, warned or duplicate record finding. This file may hold raw
    /// values (it is the data steward's, not part of the report).
    public static func rejects(_ issues: [RecordIssue]) -> CSVTable {
        CSVTable(
            header: ["file", "line", "record", "severity", "reason", "field", "value", "detail"],
            rows: issues.map { issue in
                [
                    .text(issue.file), .integer(issue.line), .integer(issue.record),
                    .text(issue.severity.rawValue),
                    .text(issue.reason.rawValue), .text(issue.field), .text(issue.value), .text(issue.detail),
                ]
            })
    }

    /// `metric,value` rows: record counts that reconcile, course flow when an analysis ran,
    /// and one `rejected_<reason>` (and `warning_<reason>`) row per reason seen.
    public static func dataQuality(_ result: IngestResult, flow: CourseFlow? = nil) -> CSVTable {
        let quality = result.quality
        var rows: [[CSVCell]] = []
        func add(_ metric: String, _ value: Int) { rows.append([.text(metric), .integer(value)]) }
        add("files", quality.files)
        add("records", quality.records)
        add("accepted", quality.accepted)
        add("warnings", quality.warnings)
        add("rejected", quality.rejected)
        add("duplicates", quality.duplicates)
        if let flow {
            add("courses", flow.courses)
            add("complete_courses", flow.complete)
            add("incomplete_courses", flow.incomplete)
            add("single_session_courses", flow.singleSession)
            add("no_baseline_pain_courses", flow.noBaselinePain)
            add("analysable_courses", flow.analysable)
            add("medication_courses", flow.medication)
        }
        add("vas_converted_rows", quality.vasConverted)
        let fallback = result.files.reduce(0) { $0 + $1.windows1252Lines }
        if fallback > 0 { add("windows1252_fallback_lines", fallback) }
        for reason in quality.rejectedByReason.keys.sorted() {
            add("rejected_\(reason.rawValue)", quality.rejectedByReason[reason]!)
        }
        for reason in quality.warningsByReason.keys.sorted() {
            add("warning_\(reason.rawValue)", quality.warningsByReason[reason]!)
        }
        for column in quality.ignoredColumns { rows.append([.text("ignored_column"), .text(column)]) }
        return CSVTable(header: ["metric", "value"], rows: rows)
    }
}
