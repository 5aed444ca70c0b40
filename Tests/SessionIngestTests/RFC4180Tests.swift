import Foundation
import SessionModel
import Testing

@testable import SessionIngest

/// RFC 4180 edge cases, as `inspect` shows them (fields exactly as parsed) and as ingest
/// numbers them (physical lines; the header is line 1; quoted line breaks count).
@Suite("RFC 4180 edge cases")
struct RFC4180Tests {
    /// A minimal session export: the required columns plus session number and notes.
    static let columns = ["patient_id", "session_date", "session_number", "technique", "pain_pre", "notes"]

    static func row(_ patient: String, _ number: Int, notes: String = "", technique: String = "swedish")
        -> String
    {
        CSV.row(
            [
                "patient_id": patient, "session_number": String(number), "notes": notes,
                "technique": technique,
            ],
            columns: columns)
    }

    @Test func quotedLineBreaksKeepLaterRecordsOnTheirPhysicalLines() throws {
        let scratch = try Scratch()
        let path = try scratch.write("a.csv", "id,text\n1,\"a\nb\"\n2,\"c\r\nd\"\n3,x\n4,\"e\n\nf\n\"\n5,y\n")
        let inspection = try Inspector.inspect(path: path, rows: 0)
        #expect(inspection.header == ["id", "text"])
        #expect(
            inspection.records == [
                ["1", "a\nb"], ["2", "c\r\nd"], ["3", "x"], ["4", "e\n\nf\n"], ["5", "y"],
            ])
        #expect(inspection.recordLines == [2, 4, 6, 7, 11])
        #expect(inspection.syntaxErrorLines.isEmpty)
        #expect(!inspection.truncated)
    }

    @Test func ingestReportsIssuesOnThePhysicalLineWhereTheRecordStarts() throws {
        let scratch = try Scratch()
        let text =
            CSV.header(Self.columns) + "\n" + Self.row("P1", 1, notes: "one\ntwo\r\nthree") + "\n"
            + Self.row("P1", 2, technique: "reiki") + "\n" + Self.row("P1", 3, notes: "x\ny") + "\n"
            + Self.row("P1", 4, technique: "") + "\n"
        let path = try scratch.write("a.csv", text)
        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        let issues = result.issues.map { "\($0.line)/\($0.record)/\($0.reason.rawValue)" }
        #expect(issues == ["5/2/unknown_technique", "8/4/missing_technique"])
        #expect(result.files[0].lines == 8)
        #expect(result.quality.accepted == 2)
    }

    @Test func escapedQuotesAndEmptyQuotedFields() throws {
        let scratch = try Scratch()
        let path = try scratch.write(
            "a.csv",
            "a,b,c\n\"say \"\"hi\"\"\",\"\"\"\"\"\",\"\"\n\"\",,\"x,y\"\n\"\"\"quoted\"\"\",\"a\"\"\",\n")
        let inspection = try Inspector.inspect(path: path, rows: 0)
        #expect(
            inspection.records == [
                ["say \"hi\"", "\"\"", ""],
                ["", "", "x,y"],
                ["\"quoted\"", "a\"", ""],
            ])
        #expect(inspection.recordLines == [2, 3, 4])
    }

    @Test func crlfFile() throws {
        let scratch = try Scratch()
        let path = try scratch.write("a.csv", "id,text\r\n1,x\r\n2,\"y\r\nz\"\r\n3,w\r\n")
        let inspection = try Inspector.inspect(path: path, rows: 0)
        #expect(inspection.dialect.lineEnding == .crlf)
        #expect(inspection.records == [["1", "x"], ["2", "y\r\nz"], ["3", "w"]])
        #expect(inspection.recordLines == [2, 3, 5])
    }

    @Test func loneCRFile() throws {
        let scratch = try Scratch()
        let path = try scratch.write("a.csv", "id,text\r1,x\r2,\"y\rz\"\r3,w\r")
        let inspection = try Inspector.inspect(path: path, rows: 0)
        #expect(inspection.dialect.lineEnding == .cr)
        #expect(inspection.records == [["1", "x"], ["2", "y\rz"], ["3", "w"]])
        #expect(inspection.recordLines == [2, 3, 5])

        let text =
            ([CSV.header(Self.columns)] + (1...3).map { Self.row("P1", $0, notes: "a\rb") }).joined(
                separator: "\r") + "\r" + Self.row("P1", 4, technique: "reiki") + "\r"
        let sessions = try scratch.write("b.csv", text)
        let result = try Ingestor.ingest(paths: [sessions])
        expectReconciles(result)
        #expect(result.quality.accepted == 3)
        #expect(result.issues.map(\.line) == [8])
    }

    @Test(arguments: ["id,text\n1,x\n2,y", "id,text\n1,x\n2,\"y\"", "id,text\r\n1,x\r\n2,\"y\r\nz\""])
    func missingFinalNewline(text: String) throws {
        let scratch = try Scratch()
        let path = try scratch.write("a.csv", text)
        let inspection = try Inspector.inspect(path: path, rows: 0)
        #expect(inspection.records.count == 2)
        #expect(inspection.records.last?.first == "2")
        #expect(inspection.recordLines == [2, 3])
        #expect(inspection.syntaxErrorLines.isEmpty)
    }

    @Test func missingFinalNewlineInIngest() throws {
        let scratch = try Scratch()
        let text =
            CSV.header(Self.columns) + "\n" + Self.row("P1", 1) + "\n" + Self.row("P1", 2, notes: "last")
        let result = try Ingestor.ingest(paths: [try scratch.write("a.csv", text)])
        expectReconciles(result)
        #expect(result.quality.records == 2)
        #expect(result.quality.accepted == 2)
    }

    @Test func blankLinesAreSkippedButCounted() throws {
        let scratch = try Scratch()
        let path = try scratch.write("a.csv", "id,text\n\n1,x\n\n\n2,y\r\n\r\n\r3,z\n\n")
        let inspection = try Inspector.inspect(path: path, rows: 0)
        #expect(inspection.records == [["1", "x"], ["2", "y"], ["3", "z"]])
        #expect(inspection.recordLines == [3, 6, 9])

        let text =
            CSV.header(Self.columns) + "\n\n" + Self.row("P1", 1) + "\n\n\n"
            + Self.row("P1", 2, technique: "reiki")
            + "\n\n"
        let result = try Ingestor.ingest(paths: [try scratch.write("b.csv", text)])
        expectReconciles(result)
        #expect(result.quality.records == 2)
        #expect(result.issues.map(\.line) == [6])
        #expect(result.issues.map(\.record) == [2])
    }

    @Test func byteOrderMarkIsStripped() throws {
        let scratch = try Scratch()
        let path = try scratch.write("a.csv", [0xEF, 0xBB, 0xBF] + Array("id,text\n1,x\n".utf8))
        let inspection = try Inspector.inspect(path: path, rows: 0)
        #expect(inspection.dialect.hasByteOrderMark)
        #expect(inspection.dialect.encoding == .utf8)
        #expect(inspection.header == ["id", "text"])
        #expect(inspection.header.first?.unicodeScalars.first == "i")

        let sessions = try scratch.write(
            "b.csv",
            [0xEF, 0xBB, 0xBF] + Array((CSV.header(Self.columns) + "\n" + Self.row("P1", 1) + "\n").utf8))
        let result = try Ingestor.ingest(paths: [sessions])
        #expect(result.files[0].mapping.fields.first == .patientID)
        #expect(result.quality.accepted == 1)
    }

    @Test func multibyteUTF8IsPreservedExactly() throws {
        let scratch = try Scratch()
        let values = ["Café é", "漢字", "🎉👩‍⚕️", "Zürich-Süd", "L5–S1 45°"]
        let text = "name,text\n" + values.map { "\($0),\"\($0), again\"" }.joined(separator: "\n") + "\n"
        let path = try scratch.write("a.csv", text)
        let inspection = try Inspector.inspect(path: path, rows: 0)
        #expect(inspection.dialect.encoding == .utf8)
        #expect(inspection.records.map { $0[0] } == values)
        #expect(inspection.records.map { $0[1] } == values.map { "\($0), again" })
        #expect(inspection.records.map { Array($0[0].utf8) } == values.map { Array($0.utf8) })

        let clinics = ["Zürich-Süd", "漢字クリニック", "🏥 Nord"]
        let rows = clinics.enumerated().map { index, clinic in
            ["clinic_id": clinic, "patient_id": "P\(index)", "notes": "é漢🎉"]
        }
        let result = try Ingestor.ingest(paths: [try scratch.write("b.csv", CSV.file(rows))])
        #expect(result.quality.accepted == 3)
        #expect(Set(result.table.clinicNames).isSuperset(of: clinics))
    }

    @Test func unquotedSpacesArePreservedByInspectAndTrimmedByIngest() throws {
        let scratch = try Scratch()
        let path = try scratch.write("a.csv", "id,text\n 1 ,  two words  \n\t3\t,x \n")
        let inspection = try Inspector.inspect(path: path, rows: 0)
        #expect(inspection.records == [[" 1 ", "  two words  "], ["\t3\t", "x "]])

        // " P1 " and "P1" are one patient; " 6 " and "6" one pain score: the second row
        // repeats the first once trimmed.
        let text =
            CSV.header() + "\n" + CSV.row() + "\n"
            + CSV.row(["patient_id": " P000001 ", "pain_pre": " 6 ", "technique": " deep_tissue "]) + "\n"
        let result = try Ingestor.ingest(paths: [try scratch.write("b.csv", text)])
        expectReconciles(result)
        #expect(result.quality.accepted == 1)
        #expect(result.quality.duplicates == 1)
    }

    // MARK: Syntax errors and recovery

    @Test func strayQuoteRejectsOneRecordAndParsingGoesOn() throws {
        let scratch = try Scratch()
        let text =
            CSV.header(Self.columns) + "\n" + Self.row("P1", 1) + "\n"
            + "P1,2024-03-08,2,swedish,5,tender spot 3\" below PSIS\n"
            + Self.row("P1", 3) + "\n"
        let path = try scratch.write("a.csv", text)
        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        #expect(result.quality.records == 3)
        #expect(result.quality.accepted == 2)
        let issue = try #require(result.issues.first)
        #expect(result.issues.count == 1)
        #expect(issue.reason == .csvSyntax)
        #expect(issue.line == 3)
        #expect(issue.record == 2)
        #expect(issue.field == "")

        let inspection = try Inspector.inspect(path: path, rows: 0)
        #expect(inspection.syntaxErrorLines == [3])
        #expect(inspection.recordLines == [2, 4])
    }

    @Test func unterminatedQuoteResumesAtTheLineAfterTheRecordStarted() throws {
        let scratch = try Scratch()
        let text =
            CSV.header(Self.columns) + "\n" + Self.row("P1", 1) + "\n"
            + "P1,2024-03-08,2,swedish,5,\"never closed\n"
            + Self.row("P1", 3) + "\n" + Self.row("P1", 4) + "\n"
        let path = try scratch.write("a.csv", text)
        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        #expect(result.quality.records == 4)
        #expect(result.quality.accepted == 3)
        #expect(result.issues.map(\.reason) == [.csvSyntax])
        #expect(result.issues.map(\.line) == [3])
        #expect(result.issues.map(\.record) == [2])
        #expect(result.table.sessionNumber == [1, 3, 4])

        let inspection = try Inspector.inspect(path: path, rows: 0)
        #expect(inspection.syntaxErrorLines == [3])
        #expect(inspection.recordLines == [2, 4, 5])
    }

    @Test func aStrayQuoteAfterAMultiLineQuotedFieldResumesAfterTheErrorLine() throws {
        // Record 2 opens a quoted field on line 3 and breaks the syntax on line 4 (a
        // character after the closing quote). Line 4, `b"x`, does not read as a record of
        // its own (an unbalanced quote, no delimiter): the record really spanned lines 3
        // and 4, so it costs one csv_syntax record and parsing resumes on line 5.
        let scratch = try Scratch()
        let text = "id,text\n1,x\n2,\"a\nb\"x\n3,y\n"
        let path = try scratch.write("a.csv", text)
        let inspection = try Inspector.inspect(path: path, rows: 0)
        #expect(inspection.syntaxErrorLines == [3])
        #expect(inspection.records == [["1", "x"], ["3", "y"]])
        #expect(inspection.recordLines == [2, 5])

        let sessions =
            CSV.header(Self.columns) + "\n" + Self.row("P1", 1) + "\n"
            + "P1,2024-03-08,2,swedish,5,\"a\nb\"x\n"
            + Self.row("P1", 3) + "\n"
        let result = try Ingestor.ingest(paths: [try scratch.write("b.csv", sessions)])
        expectReconciles(result)
        #expect(result.quality.records == 3)
        #expect(result.quality.accepted == 2)
        #expect(result.issues.map(\.reason) == [.csvSyntax])
        #expect(result.issues.map(\.line) == [3])
        #expect(result.issues.map(\.record) == [2])
        #expect(result.table.sessionNumber == [1, 3])
    }

    @Test func anUnbalancedQuoteThatSwallowsRecordsResumesAfterTheStartLine() throws {
        // Record 2 opens a quote on line 3 that is never meant to close: it swallows line 4
        // and closes on line 5's `"b"`, where the `b` after the quote is the error. Line 4
        // reads as a whole record, so parsing resumes there: only record 2 is lost.
        let scratch = try Scratch()
        let text = "id,text\n1,x\n2,\"a\n3,y\n4,\"b\"\n5,z\n"
        let path = try scratch.write("a.csv", text)
        let inspection = try Inspector.inspect(path: path, rows: 0)
        #expect(inspection.syntaxErrorLines == [3])
        #expect(inspection.records == [["1", "x"], ["3", "y"], ["4", "b"], ["5", "z"]])
        #expect(inspection.recordLines == [2, 4, 5, 6])

        let sessions =
            CSV.header(Self.columns) + "\n" + Self.row("P1", 1) + "\n"
            + "P1,2024-03-08,2,swedish,5,\"open\n"
            + Self.row("P1", 3) + "\n" + Self.row("P1", 4, notes: "\"quoted\"") + "\n"
            + Self.row("P1", 5) + "\n"
        let result = try Ingestor.ingest(paths: [try scratch.write("b.csv", sessions)])
        expectReconciles(result)
        #expect(result.quality.records == 5)
        #expect(result.quality.accepted == 4)
        #expect(result.issues.map(\.reason) == [.csvSyntax])
        #expect(result.issues.map(\.line) == [3])
        #expect(result.issues.map(\.record) == [2])
        #expect(result.table.sessionNumber == [1, 3, 4, 5])
    }

    @Test func unterminatedQuoteOnTheLastLine() throws {
        let scratch = try Scratch()
        let text =
            CSV.header(Self.columns) + "\n" + Self.row("P1", 1) + "\n" + "P1,2024-03-08,2,swedish,5,\"open"
        let result = try Ingestor.ingest(paths: [try scratch.write("a.csv", text)])
        expectReconciles(result)
        #expect(result.quality.records == 2)
        #expect(result.issues.map(\.reason) == [.csvSyntax])
        #expect(result.issues.map(\.line) == [3])
    }

    /// A file whose line 3 is `line`, between two records. `inspect` and `ingest` parse with
    /// the same libcsv settings (no byte is a space, nothing is trimmed), so they count the
    /// same records and the `record` of `rejects.csv` is the record `inspect` shows.
    static func spacesFile(_ line: String) -> String {
        CSV.header(columns) + "\n" + row("P1", 1) + "\n" + line + "\n" + row("P1", 3, technique: "reiki")
            + "\n"
    }

    /// A space after a closing quote or before an opening quote is a syntax error (RFC 4180
    /// strict) for `inspect` and `ingest` alike: one `csv_syntax` record, and the records
    /// after it keep their numbers.
    @Test(arguments: ["P1,2024-03-08,2,swedish,5,\"note\" ", "P1,2024-03-08,2,swedish,5, \"note\""])
    func spacesAroundQuotesAreASyntaxErrorForInspectAndIngestAlike(line: String) throws {
        let scratch = try Scratch()
        let path = try scratch.write("a.csv", Self.spacesFile(line))
        let inspection = try Inspector.inspect(path: path, rows: 0)
        #expect(inspection.syntaxErrorLines == [3])
        #expect(inspection.recordLines == [2, 4])
        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        #expect(result.quality.records == inspection.records.count + inspection.syntaxErrorLines.count)
        #expect(result.quality.accepted == 1)
        #expect(result.issues.map(\.reason) == [.csvSyntax, .unknownTechnique])
        #expect(result.issues.map(\.line) == [3, 4])
        #expect(result.issues.map(\.record) == [2, 3])
    }

    /// A line of only spaces and tabs is a record of one field for `inspect` and `ingest`
    /// alike; `ingest` rejects it as `ragged_row` as the header has more fields.
    @Test func aWhitespaceOnlyLineIsARecordForInspectAndIngestAlike() throws {
        let scratch = try Scratch()
        let path = try scratch.write("a.csv", Self.spacesFile("   \t"))
        let inspection = try Inspector.inspect(path: path, rows: 0)
        #expect(inspection.syntaxErrorLines.isEmpty)
        #expect(inspection.recordLines == [2, 3, 4])
        #expect(inspection.records.dropFirst().first == ["   \t"])
        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        #expect(result.quality.records == inspection.records.count)
        #expect(result.quality.accepted == 1)
        #expect(result.issues.map(\.reason) == [.raggedRow, .unknownTechnique])
        #expect(result.issues.map(\.line) == [3, 4])
        #expect(result.issues.map(\.record) == [2, 3])
    }

    /// A line of 4 MiB (libcsv's reader block) whose CRLF straddles the block boundary
    /// is still one physical line.
    @Test func crlfAcrossTheReadBlockBoundaryIsOneLine() throws {
        let scratch = try Scratch()
        let header = "patient_id,session_date,technique,pain_pre,notes\r\n"
        let prefix = "P1,2024-03-07,swedish,5,\""
        // Line 2 runs from its first byte through its CR to exactly 4 MiB.
        let fill = (4 << 20) - prefix.utf8.count - 2
        var bytes = Array(header.utf8) + Array(prefix.utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "x"), count: fill)
        bytes += Array("\"\r\nP1,2024-03-08,swedish,4,\r\nP1,2024-03-09,reiki,4,\r\n".utf8)
        let path = try scratch.write("a.csv", bytes)
        let inspection = try Inspector.inspect(path: path, rows: 0)
        #expect(inspection.records.count == 3)
        #expect(inspection.records.first?.last?.utf8.count == fill)
        #expect(inspection.recordLines == [2, 3, 4])
        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        #expect(result.issues.map(\.line) == [4])
    }
}
