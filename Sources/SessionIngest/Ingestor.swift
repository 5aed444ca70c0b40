import Foundation
public import SessionModel

/// Reads session exports into one dataset of validated sessions, accounting for every
/// record: `records = accepted + rejected + duplicates`, per file and in total.
public enum Ingestor {
    /// Ingests `paths` as one dataset. Throws ``IngestError`` for a file that cannot be read
    /// as a session export at all (missing, empty, binary, no required columns); bad
    /// records are not errors but rejects.
    ///
    /// Large files are cut into `parallelism` parts parsed on separate threads; the result is
    /// identical, byte for byte, whatever the number of parts. With `buildsTable` false the
    /// result accounts for every record as usual but its table is empty (what
    /// `outcomes validate` needs, for less time and memory).
    public static func ingest(
        paths: [String], options: IngestOptions = IngestOptions(), parallelism: Int = defaultParallelism,
        buildsTable: Bool = true, progress: IngestProgress? = nil, timings: PhaseTimings? = nil
    ) throws(IngestError) -> IngestResult {
        guard paths.count < Int(UInt16.max) else {
            throw IngestError(file: paths[0], message: "too many input files (at most \(UInt16.max - 1))")
        }
        var staged: [StagedSessions] = []
        var issues: [RecordIssue] = []
        var summaries: [FileSummary] = []
        var slashOrders: [DateFormat?] = []
        for (index, path) in paths.enumerated() {
            let dialect = try DialectSniffer.sniff(path: path, options: options)
            let parsed = try FileParse.run(
                path: path, fileIndex: UInt16(index), dialect: dialect, options: options, staged: &staged,
                parts: parallelism, progress: progress, timings: timings)
            let validator = parsed.validator
            guard let mapping = validator.mapping else {
                throw IngestError(file: path, message: "the file holds only blank lines: no header")
            }
            issues += validator.issues
            let (order, dateDescription) = validator.dates.decision(forced: options.dateFormat)
            slashOrders.append(order)
            var summary = FileSummary(
                path: path, dialect: dialect, mapping: mapping, dateFormatDescription: dateDescription,
                slashOrder: order, painScaleDescription: painScaleDescription(mapping, options))
            summary.lines = parsed.feed.lines
            summary.records = validator.summaryCounts.records
            summary.rejected = validator.summaryCounts.rejected
            summary.windows1252Lines = parsed.feed.windows1252Lines
            summary.parts = parsed.parts
            summaries.append(summary)
        }

        timings?.mark("parse and validate")
        let finalizer = SessionFinalizer(
            slashOrders: slashOrders, paths: paths, parallelism: parallelism, buildsTable: buildsTable)
        let (table, removals, keptWarned, keptVAS) = finalizer.finish(consume staged, issues: &issues)
        timings?.mark("finalize")
        var quality = DataQuality()
        quality.files = paths.count
        for index in summaries.indices {
            summaries[index].rejected += removals.rejected[index]
            summaries[index].duplicates = removals.duplicates[index]
            summaries[index].accepted =
                summaries[index].records - summaries[index].rejected - summaries[index].duplicates
            summaries[index].warned = keptWarned[index]
            summaries[index].vasConverted = keptVAS[index]
            let summary = summaries[index]
            quality.records += summary.records
            quality.accepted += summary.accepted
            quality.rejected += summary.rejected
            quality.duplicates += summary.duplicates
            quality.warnings += summary.warned
            quality.vasConverted += summary.vasConverted
            for header in summary.mapping.ignoredHeaders {
                quality.ignoredColumns.append(paths.count > 1 ? "\(summary.path): \(header)" : header)
            }
        }
        issues.sort { a, b in
            if a.fileIndex != b.fileIndex { return a.fileIndex < b.fileIndex }
            if a.record != b.record { return a.record < b.record }
            return a.reason < b.reason
        }
        for issue in issues {
            switch issue.severity {
            case .error: quality.rejectedByReason[issue.reason, default: 0] += 1
            case .warning: quality.warningsByReason[issue.reason, default: 0] += 1
            case .duplicate: break
            }
        }
        return IngestResult(table: table, files: summaries, issues: issues, quality: quality)
    }

    /// One part per core, at most 8.
    public static var defaultParallelism: Int { min(8, max(1, ProcessInfo.processInfo.activeProcessorCount)) }

    private static func painScaleDescription(_ mapping: HeaderMapping, _ options: IngestOptions) -> String {
        let fallback = options.painScale.map { "\($0.rawValue) (--pain-scale)" } ?? "nrs (default)"
        if mapping.column(of: .painScale) != nil {
            return "per row (pain_scale column); blank rows: \(fallback)"
        }
        return fallback
    }
}
