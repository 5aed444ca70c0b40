import ArgumentParser
import SessionIngest
import SessionModel

/// The flags that override what ingest detects, shared by every command.
struct IngestFlags: ParsableArguments {
    @Option(
        help: ArgumentHelp("Field delimiter: ',', ';', tab or '|' (default: detected).", valueName: "char"))
    var delimiter: String?

    @Option(help: ArgumentHelp("Encoding: utf-8 or windows-1252 (default: detected).", valueName: "name"))
    var encoding: String?

    @Option(
        name: .customLong("date-format"),
        help: ArgumentHelp(
            "Date format: iso, mdy (MM/DD/YYYY), dmy (DD/MM/YYYY) or dmy-dots (DD.MM.YYYY) (default: each value by its shape; slash order decided from the whole column).",
            valueName: "format"))
    var dateFormat: String?

    @Option(
        name: .customLong("pain-scale"),
        help: ArgumentHelp(
            "Scale of rows with no pain_scale value: nrs (0–10) or vas (0–100, divided by 10) (default: nrs).",
            valueName: "scale"))
    var painScale: String?

    @Flag(
        inversion: .prefixedNo,
        help: "Accept ',' as the decimal separator (default: only when the delimiter is ';').")
    var decimalComma: Bool?

    @Option(help: ArgumentHelp("clinic_id of rows that have none (default: 'default').", valueName: "name"))
    var clinic: String?

    @Option(
        help: ArgumentHelp(
            "JSON or YAML file mapping headers to fields, e.g. {\"Client Number\": \"patient_id\", \"Insurance\": \"ignore\"}.",
            valueName: "file"))
    var mapping: String?

    @Option(
        help: ArgumentHelp(
            "Threads for parsing large files (default: one per core). Output is identical whatever the number.",
            valueName: "n"))
    var threads: Int?

    mutating func validate() throws {
        _ = try options()
        if let threads, !(1...64).contains(threads) { throw ValidationError("--threads must be 1 to 64") }
    }

    /// How many parts a large file is parsed in.
    var parallelism: Int { threads ?? Ingestor.defaultParallelism }

    /// Ingests `paths` with these flags, drawing a progress bar while reading when stderr
    /// is a terminal; the bar is cleared however ingest ends.
    /// With `buildsTable` false, only the data-quality accounting is wanted.
    func ingest(_ paths: [String], buildsTable: Bool = true, timings: PhaseTimings? = nil) throws
        -> IngestResult
    {
        let progress = ProgressBar.start(for: paths)
        defer { ProgressBar.finish(progress) }
        return try Ingestor.ingest(
            paths: paths, options: options(), parallelism: parallelism, buildsTable: buildsTable,
            progress: progress, timings: timings)
    }

    /// The ingest options these flags describe.
    func options() throws -> IngestOptions {
        var options = IngestOptions()
        if let delimiter {
            guard let byte = Dialect.delimiter(named: delimiter) else {
                throw ValidationError("--delimiter must be ',', ';', tab or '|', not '\(delimiter)'")
            }
            options.delimiter = byte
        }
        if let encoding {
            switch encoding.lowercased() {
            case "utf-8", "utf8": options.encoding = .utf8
            case "windows-1252", "cp1252", "latin1", "iso-8859-1": options.encoding = .windows1252
            default: throw ValidationError("--encoding must be utf-8 or windows-1252, not '\(encoding)'")
            }
        }
        if let dateFormat {
            guard let format = DateFormat(rawValue: dateFormat.lowercased()) else {
                throw ValidationError("--date-format must be iso, mdy, dmy or dmy-dots, not '\(dateFormat)'")
            }
            options.dateFormat = format
        }
        if let painScale {
            guard let scale = PainScale(rawValue: painScale.lowercased()) else {
                throw ValidationError("--pain-scale must be nrs or vas, not '\(painScale)'")
            }
            options.painScale = scale
        }
        options.decimalComma = decimalComma
        options.defaultClinic = clinic
        if let mapping {
            do { options.mapping = try HeaderMappingFile.load(path: mapping) } catch {
                throw ValidationError("--mapping: \(error.description)")
            }
        }
        return options
    }
}
