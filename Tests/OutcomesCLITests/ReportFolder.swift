import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The output contract of `outcomes report` (METRICS.md §4), hard-coded from the spec.
enum ReportContract {
    /// Each CSV of §4 and the columns its header must start with, in order.
    static let csvColumns: [String: [String]] = [
        "technique_outcomes.csv": [
            "technique", "courses", "mean_baseline", "mean_latest", "mean_change", "change_ci_low",
            "change_ci_high",
            "mean_pct_change", "responders", "responder_rate", "responder_ci_low", "responder_ci_high",
            "median_sessions_to_response", "suppressed",
        ],
        "technique_sessions.csv": [
            "technique", "sessions", "sessions_with_post", "mean_immediate_relief", "relief_ci_low",
            "relief_ci_high",
            "adverse_events", "adverse_per_100",
        ],
        "session_trend.csv": [
            "technique", "session_number", "courses", "mean_pain", "mean_change", "change_ci_low",
            "change_ci_high",
            "mean_med_doses", "suppressed",
        ],
        "medication_outcomes.csv": [
            "technique", "courses", "mean_baseline_doses", "mean_latest_doses", "mean_pct_reduction",
            "reduced_third",
            "reduced_third_rate", "stopped", "stopped_rate", "suppressed",
        ],
        "cohort_comparison.csv": [
            "dimension", "cohort", "technique", "courses", "mean_change", "change_ci_low", "change_ci_high",
            "responder_rate", "diff_vs_reference", "diff_ci_low", "diff_ci_high", "p_value", "p_holm",
            "adjusted_diff", "adjusted_ci_low", "adjusted_ci_high", "suppressed",
        ],
        "data_quality.csv": ["metric", "value"],
        "rejects.csv": ["file", "line", "record", "severity", "reason", "field", "value"],
    ]

    /// The chart-data CSVs the command also writes (named in its help, not in §4's table).
    static let chartDataCSVs = ["sessions_to_response.csv", "responder_thresholds.csv"]

    static let charts = [
        "chart_pain_by_session.svg", "chart_sessions_to_response.svg", "chart_responders_by_threshold.svg",
        "chart_medication_by_session.svg",
    ]

    static let files = Set(csvColumns.keys).union(chartDataCSVs).union(charts).union(["report.md"])

    /// Everything but `rejects.csv`: no patient id, therapist id, date of service or note.
    static let deidentifiedFiles = files.subtracting(["rejects.csv"]).sorted()

    /// The metrics `data_quality.csv` has at least.
    static let dataQualityMetrics = [
        "records", "accepted", "warnings", "rejected", "duplicates", "courses", "complete_courses",
        "incomplete_courses", "single_session_courses", "no_baseline_pain_courses", "vas_converted_rows",
    ]

    /// The tables with one `suppressed` flag per row, and their label columns.
    static let suppressibleTables: [String: Set<String>] = [
        "technique_outcomes.csv": ["technique"],
        "technique_sessions.csv": ["technique"],
        "session_trend.csv": ["technique", "session_number"],
        "medication_outcomes.csv": ["technique"],
        "cohort_comparison.csv": ["dimension", "cohort", "technique", "reference"],
    ]

    /// Columns that hold a proportion 0–1.
    static let proportionColumns: [String: [String]] = [
        "technique_outcomes.csv": ["responder_rate", "responder_ci_low", "responder_ci_high"],
        "medication_outcomes.csv": ["reduced_third_rate", "stopped_rate"],
        "cohort_comparison.csv": ["responder_rate", "p_value", "p_holm"],
    ]
}

/// One folder written by `outcomes report`, read back.
struct ReportFolder {
    var url: URL
    var csv: [String: RFC4180Document] = [:]

    init(_ url: URL) throws {
        self.url = url
        for name in try url.fileNames() where name.hasSuffix(".csv") {
            do { csv[name] = try RFC4180Document(try url.text(name)) } catch {
                Issue.record(error, "\(name) is not RFC 4180")
            }
        }
    }

    func text(_ name: String) throws -> String { try url.text(name) }

    var quality: DataQuality? { csv["data_quality.csv"].map(DataQuality.init) }

    /// Checks every part of the output contract that holds for any input.
    func checkContract(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let names = Set(try url.fileNames())
        #expect(
            names.isSuperset(of: ReportContract.files),
            "missing: \(ReportContract.files.subtracting(names).sorted())", sourceLocation: sourceLocation)
        for (name, columns) in ReportContract.csvColumns.sorted(by: { $0.key < $1.key }) {
            let header = csv[name]?.header ?? []
            #expect(
                Array(header.prefix(columns.count)) == columns, "\(name) header: \(header)",
                sourceLocation: sourceLocation)
        }
        for name in names where name.hasSuffix(".csv") {
            let bytes = try Data(contentsOf: url.appendingPathComponent(name))
            #expect(
                String(data: bytes, encoding: .utf8) != nil, "\(name) is not UTF-8",
                sourceLocation: sourceLocation)
            #expect(
                bytes.starts(with: [0xEF, 0xBB, 0xBF]) == false, "\(name) has a BOM",
                sourceLocation: sourceLocation)
        }
        for (name, labels) in ReportContract.suppressibleTables {
            guard let document = csv[name] else { continue }
            for row in document.records {
                #expect(
                    row["suppressed"] == "true" || row["suppressed"] == "false", "\(name): \(row)",
                    sourceLocation: sourceLocation)
                for (column, value) in row where !labels.contains(column) && column != "suppressed" {
                    let isBand = value.hasPrefix("<") && Int(value.dropFirst()) != nil
                    #expect(
                        value.isEmpty || isBand || Double(value)?.isFinite == true,
                        "\(name) \(column) is not a number: '\(value)'", sourceLocation: sourceLocation)
                }
            }
        }
        for (name, columns) in ReportContract.proportionColumns {
            for column in columns {
                for value in csv[name]?.column(column) ?? [] where !value.isEmpty {
                    let number = Double(value) ?? .nan
                    #expect(
                        number >= 0 && number <= 1, "\(name) \(column) = \(value)",
                        sourceLocation: sourceLocation)
                }
            }
        }
        for chart in ReportContract.charts where names.contains(chart) {
            try checkSVG(chart, sourceLocation: sourceLocation)
        }
        let markdown = try text("report.md")
        #expect(markdown.hasPrefix("# "), sourceLocation: sourceLocation)
        try checkDataQuality(sourceLocation: sourceLocation)
    }

    private func checkSVG(_ name: String, sourceLocation: SourceLocation) throws {
        let data = try Data(contentsOf: url.appendingPathComponent(name))
        let parser = XMLParser(data: data)
        let root = RootElement()
        parser.delegate = root
        #expect(
            parser.parse(), "\(name) is not well-formed XML: \(String(describing: parser.parserError))",
            sourceLocation: sourceLocation)
        #expect(
            root.name == "svg", "\(name) root is \(root.name ?? "nothing")", sourceLocation: sourceLocation)
    }

    private func checkDataQuality(sourceLocation: SourceLocation) throws {
        let quality = try #require(quality, sourceLocation: sourceLocation)
        for metric in ReportContract.dataQualityMetrics {
            #expect(
                quality[metric] != nil, "data_quality.csv lacks \(metric)", sourceLocation: sourceLocation)
        }
        let records = quality["records"] ?? -1
        let sum = (quality["accepted"] ?? 0) + (quality["rejected"] ?? 0) + (quality["duplicates"] ?? 0)
        #expect(records == sum, "records do not reconcile", sourceLocation: sourceLocation)
        let rejects = try #require(csv["rejects.csv"], sourceLocation: sourceLocation)
        var byReason: [String: Int] = [:]
        for row in rejects.records where row["severity"] == "error" {
            byReason[row["reason"] ?? "", default: 0] += 1
        }
        for (reason, count) in byReason {
            #expect(
                quality["rejected_\(reason)"] == count, "rejected_\(reason)", sourceLocation: sourceLocation)
        }
    }
}

/// Remembers the name of the first element of an XML document.
private final class RootElement: NSObject, XMLParserDelegate {
    var name: String?

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if name == nil { name = elementName }
    }
}

/// Runs `outcomes report` on `inputs` into `<directory>/<folder>` and reads the result back.
func writeReport(
    _ inputs: [String], in directory: URL, folder: String = "report", options: [String] = [],
    sourceLocation: SourceLocation = #_sourceLocation
) async throws -> ReportFolder {
    let out = directory.appendingPathComponent(folder)
    let result = try await runOutcomes(["report"] + inputs + ["--out", out.path] + options, in: directory)
    #expect(result.status == 0, "\(result)", sourceLocation: sourceLocation)
    expectNoCrashText(result, sourceLocation: sourceLocation)
    return try ReportFolder(out)
}
