import ArgumentParser
import SessionIngest

/// `outcomes inspect`: how a CSV file reads, before anything is validated.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a CSV file's detected dialect, header mapping and first records.",
        discussion: """
            Works on any CSV file, not only session exports. Shows the detected encoding, \
            byte-order mark, delimiter, line ending, date format and pain scale; how each header \
            maps to a canonical field and which are unmapped; then the first records exactly as \
            parsed (no trimming, no conversion). Lines are physical lines of the file (header = 1).

            Examples:
              outcomes inspect Datasets/sessions_practice.csv
              outcomes inspect export.csv --rows 0 --json > export.json
            """)

    @Argument(help: "The CSV file to inspect.")
    var file: String

    @Option(help: "How many data records to show; 0 shows all.")
    var rows = 10

    @Flag(help: "Print one JSON object: {\"dialect\", \"header\", \"mapping\", \"records\"}.")
    var json = false

    @OptionGroup(title: "Dialect overrides")
    var ingest: IngestFlags

    mutating func validate() throws {
        guard rows >= 0 else { throw ValidationError("--rows must be 0 (all) or more") }
    }

    func run() throws {
        let inspection = try Inspector.inspect(path: file, rows: rows, options: ingest.options())
        Terminal.write(json ? Self.json(inspection) : Self.text(inspection))
    }

    static func text(_ inspection: Inspection) -> String {
        let dialect = inspection.dialect
        var out = "file:           \(inspection.path)\n"
        out += "encoding:       \(dialect.encoding.rawValue)\(dialect.hasByteOrderMark ? " with BOM" : "")\n"
        out += "delimiter:      \(dialect.delimiterName)\n"
        out += "line ending:    \(dialect.lineEnding.rawValue)\n"
        out += "decimal comma:  \(dialect.decimalComma ? "accepted" : "no")\n"
        out += "date format:    \(inspection.dateFormatDescription)\n"
        out += "pain scale:     \(inspection.painScaleDescription)\n"
        out += "columns (\(inspection.header.count)):\n"
        let width = min(40, inspection.header.map(\.count).max() ?? 0)
        for (index, header) in inspection.header.enumerated() {
            let field = inspection.fields[index]?.rawValue ?? "(not mapped: ignored)"
            let padded =
                header.count < width ? header + String(repeating: " ", count: width - header.count) : header
            out += "  \(String(index + 1).leftPadded(4))  \(padded)  -> \(field)\n"
        }
        let missing = SessionField.required.filter { !inspection.fields.contains($0) }
        out +=
            "required fields missing: \(missing.isEmpty ? "none" : missing.map(\.rawValue).joined(separator: ", "))\n"
        if !inspection.syntaxErrorLines.isEmpty {
            let lines = inspection.syntaxErrorLines.prefix(20).map(String.init).joined(separator: ", ")
            out +=
                "CSV syntax errors on lines: \(lines)\(inspection.syntaxErrorLines.count > 20 ? ", …" : "")\n"
        }
        let shown = inspection.records.count
        out += "records (\(inspection.truncated ? "first \(shown)" : "all \(shown)")):\n"
        for (record, line) in zip(inspection.records, inspection.recordLines) {
            let fields = record.map { JSONText.string($0) }.joined(separator: ", ")
            out += "  line \(line): [\(fields)]\n"
        }
        return out
    }

    static func json(_ inspection: Inspection) -> String {
        let dialect = inspection.dialect
        let dialectObject = JSONText.object([
            ("encoding", JSONText.string(dialect.encoding.rawValue)),
            ("bom", dialect.hasByteOrderMark ? "true" : "false"),
            ("delimiter", JSONText.string(dialect.delimiter == 0x09 ? "\t" : dialect.delimiterName)),
            ("line_ending", JSONText.string(dialect.lineEnding.rawValue)),
            ("decimal_comma", dialect.decimalComma ? "true" : "false"),
            ("date_format", JSONText.string(inspection.dateFormatDescription)),
            ("pain_scale", JSONText.string(inspection.painScaleDescription)),
            (
                "syntax_error_lines",
                "[" + inspection.syntaxErrorLines.map(String.init).joined(separator: ",") + "]"
            ),
        ])
        let header = "[" + inspection.header.map(JSONText.string).joined(separator: ",") + "]"
        var seen = Set<String>()
        var mappingPairs: [(String, String)] = []
        for (index, name) in inspection.header.enumerated() where seen.insert(name).inserted {
            mappingPairs.append(
                (name, inspection.fields[index].map { JSONText.string($0.rawValue) } ?? "null"))
        }
        let records =
            "["
            + inspection.records.map { "[" + $0.map(JSONText.string).joined(separator: ",") + "]" }
            .joined(separator: ",\n ") + "]"
        return JSONText.object([
            ("dialect", dialectObject), ("header", header), ("mapping", JSONText.object(mappingPairs)),
            ("records", records),
        ]) + "\n"
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}

/// Minimal JSON text building with keys kept in the order given.
enum JSONText {
    static func string(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    static func object(_ pairs: [(String, String)]) -> String {
        "{" + pairs.map { "\(string($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
    }
}
