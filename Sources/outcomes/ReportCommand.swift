import ArgumentParser
import Foundation
import OutcomeReport
import OutcomeStats
import SessionIngest
import SessionModel

/// `outcomes report`: the outcome report of one or more exports.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the treatment-outcome report (Markdown, CSV and SVG) for session exports.",
        discussion: """
            Several inputs form one dataset (a clinic network's exports). Writes report.md, the \
            outcome CSVs (technique_outcomes, technique_sessions, session_trend, \
            medication_outcomes, cohort_comparison, sessions_to_response, responder_thresholds), \
            data_quality.csv, rejects.csv and four SVG charts into the output folder. No patient \
            id, therapist id, date of service or note appears in the report, the outcome CSVs or \
            the charts; cells from fewer than --min-cell courses are suppressed.

            Examples:
              outcomes report Datasets/sessions_canonical.csv --out Reports/canonical
              outcomes report north.csv south.csv --reference swedish --min-cell 20 --out network
            """)

    @Argument(help: "One or more CSV session exports, read as one dataset.")
    var inputs: [String]

    @Option(help: ArgumentHelp("Folder to write the report into.", valueName: "dir"))
    var out = "outcomes-out"

    @Option(
        name: .customLong("min-cell"), parsing: .unconditional,
        help: "Suppress cells built from fewer courses than this; 0 turns suppression off.")
    var minCell = 11

    @Option(
        help: ArgumentHelp(
            "Technique to compare the others with (default: the one with the most complete courses).",
            valueName: "technique"))
    var reference: String?

    @Option(
        name: .customLong("responder-threshold"), parsing: .unconditional,
        help: "Percent improvement that makes a responder.")
    var responderThreshold: Double = 30

    @Option(
        name: .customLong("max-session"), parsing: .unconditional,
        help: "Last session number in the trend by session count.")
    var maxSession = 12

    @Option(
        name: .customLong("chronicity-cutoffs"),
        help: ArgumentHelp("Weeks since onset separating acute,subacute,chronic.", valueName: "weeks,weeks"))
    var chronicityCutoffs = "6,12"

    @OptionGroup(title: "Dialect overrides")
    var ingest: IngestFlags

    mutating func validate() throws {
        _ = try settings()
    }

    func settings() throws -> AnalysisSettings {
        var settings = AnalysisSettings()
        guard minCell >= 0 else { throw ValidationError("--min-cell must be 0 or more") }
        settings.minimumCellSize = minCell
        if let reference {
            guard let technique = Technique(name: reference.lowercased()) else {
                let names = Technique.allCases.map(\.name).joined(separator: ", ")
                throw ValidationError("--reference must be one of \(names), not '\(reference)'")
            }
            settings.reference = technique
        }
        guard responderThreshold > 0 && responderThreshold <= 100 else {
            throw ValidationError("--responder-threshold must be above 0 and at most 100")
        }
        settings.responderThreshold = responderThreshold
        guard (1...1000).contains(maxSession) else {
            throw ValidationError("--max-session must be 1 to 1000")
        }
        settings.maximumSession = maxSession
        let parts = chronicityCutoffs.split(separator: ",").map {
            Double($0.trimmingCharacters(in: .whitespaces))
        }
        guard parts.count == 2, let first = parts[0], let second = parts[1], first >= 0, first < second else {
            throw ValidationError("--chronicity-cutoffs must be two increasing numbers of weeks, e.g. 6,12")
        }
        settings.chronicityCutoffs = (first, second)
        return settings
    }

    func run() throws {
        let timings = PhaseTimings.fromEnvironment()
        let result = try ingest.ingest(inputs, timings: timings)
        let analysis = OutcomeAnalysis(table: result.table, settings: try settings())
        timings?.mark("statistics")
        let bundle = ReportBundle(ingest: result, analysis: analysis)
        try OutputFolder(path: out).write(bundle.files)
        timings?.mark("write report")
        let quality = result.quality
        Terminal.note(
            "\(quality.records) records: \(quality.accepted) accepted, \(quality.rejected) rejected, \(quality.duplicates) duplicates; \(analysis.flow.analysable) of \(analysis.flow.courses) courses analysed"
        )
        Terminal.line("wrote \(out)/report.md and \(bundle.files.count - 1) more files")
    }
}
