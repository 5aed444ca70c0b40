import Foundation
import Testing

/// `outcomes inspect --json`, decoded loosely (as a consumer with JSONSerialization would).
struct InspectJSON {
    var object: [String: Any]
    var dialect: [String: Any]
    var header: [String]
    var mapping: [String: Any]
    var records: [[String]]

    init(_ result: CommandResult, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let parsed = try JSONSerialization.jsonObject(with: result.stdout)
        object = try #require(
            parsed as? [String: Any], "not a JSON object: \(result)", sourceLocation: sourceLocation)
        dialect = try #require(object["dialect"] as? [String: Any], sourceLocation: sourceLocation)
        header = try #require(object["header"] as? [String], sourceLocation: sourceLocation)
        mapping = try #require(object["mapping"] as? [String: Any], sourceLocation: sourceLocation)
        records = try #require(object["records"] as? [[String]], sourceLocation: sourceLocation)
    }
}

@Suite("inspect")
struct InspectCommandTests {
    @Test(arguments: Sample.all)
    func textNamesTheDialectAndMapping(sample: Sample) async throws {
        let result = try await runOutcomes(["inspect", sample.argument])
        #expect(result.status == 0, "\(result)")
        #expect(result.err.isEmpty, "\(result)")
        let lines = result.out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func value(_ label: String) -> String? {
            lines.first { $0.hasPrefix(label + ":") }.map {
                $0.dropFirst(label.count + 1).trimmingCharacters(in: .whitespaces)
            }
        }
        #expect(value("file") == sample.argument)
        #expect(value("encoding") == sample.encoding + (sample.byteOrderMark ? " with BOM" : ""))
        #expect(value("delimiter") == sample.delimiter)
        #expect(value("line ending") == sample.lineEnding)
        #expect(value("date format")?.contains(sample.dateFormat) == true, "\(result)")
        #expect(value("pain scale")?.isEmpty == false, "\(result)")
        #expect(value("required fields missing") == "none")
        for field in ["patient_id", "session_date", "technique", "pain_pre", "clinic_id", "notes"] {
            #expect(lines.contains { $0.hasSuffix("-> \(field)") }, "no column maps to \(field): \(result)")
        }
        #expect(lines.contains("records (first 10):"), "\(result)")
        #expect(lines.filter { $0.hasPrefix("  line ") }.count == 10, "\(result)")
    }

    @Test(arguments: Sample.all)
    func jsonHoldsEveryRecord(sample: Sample) async throws {
        let result = try await runOutcomes(["inspect", sample.argument, "--rows", "0", "--json"])
        #expect(result.status == 0, "\(result)")
        #expect(result.err.isEmpty, "\(result)")
        let json = try InspectJSON(result)
        #expect(Set(json.object.keys).isSuperset(of: ["dialect", "header", "mapping", "records"]))
        #expect(json.dialect["encoding"] as? String == sample.encoding)
        #expect(json.dialect["bom"] as? Bool == sample.byteOrderMark)
        #expect(json.dialect["delimiter"] as? String == sample.delimiter)
        #expect(json.dialect["line_ending"] as? String == sample.lineEnding)
        let syntaxErrors = try #require(json.dialect["syntax_error_lines"] as? [Int])
        #expect(
            syntaxErrors.count == (sample.isMessy ? 1 : 0),
            "the README puts one stray quote in each messy file")
        #expect(json.records.count + syntaxErrors.count == sample.records)
        #expect(json.header.count == (sample.name.hasPrefix("practice") ? 16 : 17))
        #expect(json.header.first?.hasPrefix("\u{FEFF}") == false, "the BOM leaked into the header")
        for name in json.header { #expect(json.mapping.keys.contains(name), "mapping lacks \(name)") }
        #expect(json.mapping[json.header[1]] as? String == "patient_id")
        #expect(Set(json.records.compactMap(\.first)).contains(sample.clinic))
        let wellFormed = json.records.filter { $0.count == json.header.count }.count
        #expect(wellFormed >= json.records.count - 5, "ragged rows are rare even in messy samples")
    }

    /// Leading and trailing spaces, quotes, delimiters and line breaks inside fields, and
    /// non-ASCII text all come back exactly as written.
    @Test func jsonRecordsAreExactlyAsParsed() async throws {
        let header = ["name", " spaced header ", "note", "città"]
        let records = [
            ["  leading", "trailing  ", "say \"hi\"", "Zürich–Süd 🙂 東京"],
            ["", "a,b", "line1\nline2", "crlf\r\ninside"],
            ["\"starts quoted", "x\"y", " ", "é"],
            ["tab\there", "semi;colon", "pipe|bar", ""],
        ]
        try await withTemporaryDirectory { directory in
            var text = CSVText.document([header] + records)
            text += "   raw spaces   ,\ttab\t,y,z\n"
            try directory.write(text, to: "exact.csv")
            let result = try await runOutcomes(["inspect", "exact.csv", "--json"], in: directory)
            #expect(result.status == 0, "\(result)")
            let json = try InspectJSON(result)
            #expect(json.header == header)
            #expect(json.records == records + [["   raw spaces   ", "\ttab\t", "y", "z"]])
            #expect(json.mapping["note"] as? String == "notes")
            #expect(json.mapping["name"] is NSNull)
        }
    }

    @Test(arguments: [(nil, 10), (2, 2), (0, 25), (1, 1), (100, 25)] as [(Int?, Int)])
    func rowsLimitsTheRecords(rows: Int?, expected: Int) async throws {
        try await withTemporaryDirectory { directory in
            let rowsText = (1...25).map {
                ["P\($0)", "2024-01-\(String(format: "%02d", $0))", "swedish", "5"]
            }
            try directory.write(
                CSVText.document([["patient_id", "session_date", "technique", "pain_pre"]] + rowsText),
                to: "rows.csv")
            let limit = rows.map { ["--rows", String($0)] } ?? []
            let json = try await runOutcomes(["inspect", "rows.csv", "--json"] + limit, in: directory)
            #expect(json.status == 0, "\(json)")
            #expect(try InspectJSON(json).records == Array(rowsText.prefix(expected)))
            let text = try await runOutcomes(["inspect", "rows.csv"] + limit, in: directory)
            #expect(text.out.components(separatedBy: "\n  line ").count - 1 == expected, "\(text)")
            #expect(
                text.out.contains(expected == 25 ? "records (all 25):" : "records (first \(expected)):"),
                "\(text)")
        }
    }

    @Test func readsACSVThatIsNotASessionExport() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write(
                "city;population;area\nBern;134794;51.62\nGenf;203856;15.93\n", to: "cities.csv")
            let text = try await runOutcomes(["inspect", "cities.csv"], in: directory)
            #expect(text.status == 0, "\(text)")
            #expect(text.err.isEmpty, "\(text)")
            #expect(text.out.contains("delimiter:      ;"), "\(text)")
            #expect(
                text.out.contains("required fields missing: patient_id, session_date, technique, pain_pre"))
            let json = try InspectJSON(
                try await runOutcomes(["inspect", "cities.csv", "--json"], in: directory))
            #expect(json.header == ["city", "population", "area"])
            #expect(json.records == [["Bern", "134794", "51.62"], ["Genf", "203856", "15.93"]])
            #expect(json.mapping.values.allSatisfy { $0 is NSNull })
        }
    }

    @Test func aTenMegabyteFieldComesBackWhole() async throws {
        try await withTemporaryDirectory { directory in
            try BadInput.tenMegabyteField.create(in: directory)
            let result = try await runOutcomes(
                ["inspect", BadInput.tenMegabyteField.fileName, "--json"], in: directory)
            #expect(result.status == 0)
            let json = try InspectJSON(result)
            #expect(json.records.count == 2)
            #expect(json.records.first?.last?.utf8.count == 10_000_000)
            #expect(json.records.first?.last?.allSatisfy { $0 == "x" } == true)
        }
    }

    /// `outcomes inspect big.csv | head -c 100`: the reader goes away; that is not an error.
    @Test(arguments: [[], ["--json"]])
    func aClosedPipeIsNotAnError(extra: [String]) async throws {
        let result = try await runOutcomes(
            ["inspect", PackagePaths.sampleArgument("canonical"), "--rows", "0"] + extra,
            closeStdoutAfter: 100)
        #expect(result.stdout.count == 100)
        #expect(!result.signalled, "\(result)")
        #expect(result.status == 0, "\(result)")
        #expect(result.err.isEmpty, "\(result)")
    }
}
