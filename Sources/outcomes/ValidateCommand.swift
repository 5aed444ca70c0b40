import ArgumentParser
import Foundation
import OutcomeReport
import SessionIngest
import SessionModel

/// `outcomes validate`: ingest only, with the data-quality accounting.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate session exports and account for every record.",
        discussion: """
            Ingests the files as one dataset and prints a data-quality summary. Writes \
            rejects.csv (every rejected, warned and duplicate record, with file, line, reason, \
            field and raw value) and data_quality.csv (counts that reconcile: records = accepted \
            + rejected + duplicates) into the output folder.

            Exit status: 0 when no record was rejected, 1 when any was (duplicates and warnings \
            alone do not count), 2 when a file could not be read as a session export.

            Examples:
              outcomes validate Datasets/sessions_practice_messy.csv --out checks
              outcomes validate site_a.csv site_b.csv --date-format dmy
            """)

    @Argument(help: "One or more CSV session exports, read as one dataset.")
    var files: [String]

    @Option(help: ArgumentHelp("Folder for rejects.csv and data_quality.csv.", valueName: "dir"))
    var out = "outcomes-out"

    @OptionGroup(title: "Dialect overrides")
    var ingest: IngestFlags

    func run() throws {
        let timings = PhaseTimings.fromEnvironment()
        let result = try ingest.ingest(files, buildsTable: false, timings: timings)
        try OutputFolder(path: out).write([
            ("rejects.csv", IngestTables.rejects(result.issues).rendered()),
            ("data_quality.csv", IngestTables.dataQuality(result).rendered()),
        ])
        timings?.mark("write")
        Terminal.write(Self.summary(result))
        Terminal.line("wrote \(out)/rejects.csv, \(out)/data_quality.csv")
        if result.quality.rejected > 0 { throw ExitCode(ExitStatus.recordsRejected) }
    }

    static func summary(_ result: IngestResult) -> String {
        var out = ""
        for file in result.files {
            let dialect = file.dialect
            out += "\(file.path): \(dialect.encoding.rawValue)\(dialect.hasByteOrderMark ? "+BOM" : ""), "
            out +=
                "'\(dialect.delimiterName)', \(dialect.lineEnding.rawValue), dates \(file.dateFormatDescription), "
            out += "pain \(file.painScaleDescription)\n"
            out += "  \(file.records) records: \(file.accepted) accepted (\(file.warned) with warnings), "
            out += "\(file.rejected) rejected, \(file.duplicates) duplicates"
            if file.vasConverted > 0 { out += "; \(file.vasConverted) VAS rows converted" }
            out += "\n"
            if !file.mapping.ignoredHeaders.isEmpty {
                out += "  ignored columns: \(file.mapping.ignoredHeaders.joined(separator: ", "))\n"
            }
        }
        let quality = result.quality
        if result.files.count > 1 {
            out +=
                "total: \(quality.records) records: \(quality.accepted) accepted (\(quality.warnings) with warnings), "
            out += "\(quality.rejected) rejected, \(quality.duplicates) duplicates\n"
        }
        if !quality.rejectedByReason.isEmpty {
            out += "rejected by reason:\n"
            for reason in quality.rejectedByReason.keys.sorted() {
                out +=
                    "  \(reason.rawValue.padding(toLength: 28, withPad: " ", startingAt: 0)) \(quality.rejectedByReason[reason]!)\n"
            }
        }
        if !quality.warningsByReason.isEmpty {
            out += "warnings by reason:\n"
            for reason in quality.warningsByReason.keys.sorted() {
                out +=
                    "  \(reason.rawValue.padding(toLength: 28, withPad: " ", startingAt: 0)) \(quality.warningsByReason[reason]!)\n"
            }
        }
        return out
    }
}

/// An output folder, created when missing; files are written whole or not at all.
struct OutputFolder {
    var path: String

    func write(_ files: [(name: String, contents: String)]) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            for file in files {
                let url = URL(fileURLWithPath: path).appendingPathComponent(file.name)
                try Data(file.contents.utf8).write(to: url, options: .atomic)
            }
        } catch {
            throw CommandFailure(message: "\(path): cannot write output: \(error.localizedDescription)")
        }
    }
}
