import Foundation
import SessionModel
import Testing

@testable import SessionIngest

/// Files that are not session exports at all give an ``IngestError`` naming the file (and
/// the line, where there is one), never a crash; big but legal inputs parse.
@Suite("Bad and extreme inputs")
struct BadInputTests {
    enum BadInput: String, CaseIterable, Sendable {
        case missingFile, directory, emptyFile, onlyBlankLines, onlyByteOrderMark, missingRequiredColumns,
            nulByte,
            nulByteInHeader, nulByteAfterTheSniffedSample, undefinedWindows1252Byte, undefinedByteInUTF8File,
            utf16, headerWithStrayQuote,
            headerWithUnterminatedQuote, twoColumnsForOneField
    }

    struct Expected {
        var line: Int?
        var words: [String]
        /// Whether `inspect`, which needs no session columns, fails too.
        var inspectFails = true
    }

    /// Writes the input into `scratch` and returns its path and what the error must say.
    static func make(_ input: BadInput, in scratch: Scratch) throws -> (String, Expected) {
        let header = Array(CSV.header().utf8) + [0x0A]
        let row = Array(CSV.row().utf8) + [0x0A]
        switch input {
        case .missingFile:
            return (scratch.path("absent.csv"), Expected(words: ["no such file"]))
        case .directory:
            let path = scratch.path("folder.csv")
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            return (path, Expected(words: ["directory"]))
        case .emptyFile:
            return (try scratch.write("a.csv", []), Expected(words: ["empty"]))
        case .onlyBlankLines:
            return (
                try scratch.write("a.csv", "\n\r\n  \n\t\r\r\n"),
                Expected(words: ["blank lines", "no header"])
            )
        case .onlyByteOrderMark:
            return (try scratch.write("a.csv", [0xEF, 0xBB, 0xBF, 0x0A]), Expected(words: ["no header"]))
        case .missingRequiredColumns:
            let path = try scratch.write(
                "a.csv", "patient_id,Visit Date,Therapy,Score\nP1,2024-03-07,swedish,5\n")
            return (
                path,
                Expected(
                    line: 1,
                    words: [
                        "missing required column", "pain_pre", "'patient_id'", "'Visit Date'", "'Score'",
                    ],
                    inspectFails: false)
            )
        case .nulByte:
            return (
                try scratch.write("a.csv", header + row + row.prefix(10) + [0] + row.dropFirst(10)),
                Expected(line: 3, words: ["NUL"])
            )
        case .nulByteInHeader:
            return (try scratch.write("a.csv", [0x61, 0x00] + header), Expected(line: 1, words: ["NUL"]))
        case .nulByteAfterTheSniffedSample:
            var bytes = header
            while bytes.count < 300_000 { bytes += row }
            let line = bytes.filter { $0 == 0x0A }.count + 1
            bytes += row.prefix(5) + [0] + row
            return (try scratch.write("a.csv", bytes), Expected(line: line, words: ["NUL"]))
        case .undefinedWindows1252Byte:
            // 0xE9 is not UTF-8 here, so the file is Windows-1252, where 0x81 has no character.
            return (
                try scratch.write("a.csv", header + row + Array("P1,caf".utf8) + [0xE9, 0x81, 0x0A]),
                Expected(line: 3, words: ["0x81", "neither UTF-8 nor Windows-1252"])
            )
        case .undefinedByteInUTF8File:
            // Beyond the sniffed sample: the file is UTF-8, and one line is neither.
            var bytes = header
            while bytes.count < 300_000 { bytes += row }
            let line = bytes.filter { $0 == 0x0A }.count + 1
            bytes += Array("P1,".utf8) + [0x8D] + row
            return (try scratch.write("a.csv", bytes), Expected(line: line, words: ["0x8D"]))
        case .utf16:
            return (
                try scratch.write("a.csv", [0xFF, 0xFE] + Array("a\0,\0b\0".utf8)),
                Expected(words: ["UTF-16"])
            )
        case .headerWithStrayQuote:
            return (
                try scratch.write("a.csv", "patient_id,session\"date,technique,pain_pre\n" + CSV.row()),
                Expected(line: 1, words: ["syntax error in the header"])
            )
        case .headerWithUnterminatedQuote:
            return (
                try scratch.write(
                    "a.csv", "\n\npatient_id,\"session_date,technique,pain_pre\nP1,2024-03-07,x,1\n"),
                Expected(line: 3, words: ["syntax error in the header"])
            )
        case .twoColumnsForOneField:
            return (
                try scratch.write(
                    "a.csv", "Client ID,MRN,session_date,technique,pain_pre\nP1,1,2024-03-07,swedish,4\n"),
                Expected(line: 1, words: ["'Client ID'", "'MRN'", "patient_id"], inspectFails: false)
            )
        }
    }

    @Test(arguments: BadInput.allCases)
    func badInputIsAnErrorNamingTheFile(input: BadInput) throws {
        let scratch = try Scratch()
        let (path, expected) = try Self.make(input, in: scratch)
        let error = try #require(#expect(throws: IngestError.self) { try Ingestor.ingest(paths: [path]) })
        #expect(error.file == path)
        if let line = expected.line { #expect(error.line == line) }
        for word in expected.words {
            #expect(error.message.contains(word) || error.description.contains(word), "\(error.description)")
        }
        let prefix = error.line.map { "\(path):\($0): " } ?? "\(path): "
        #expect(error.description.hasPrefix(prefix))
        #expect(error.description.hasSuffix(error.message))

        if expected.inspectFails {
            let inspectError = #expect(throws: IngestError.self) {
                try Inspector.inspect(path: path, rows: 0)
            }
            #expect(inspectError?.file == path)
        } else {
            #expect(throws: Never.self) { try Inspector.inspect(path: path, rows: 0) }
        }
    }

    @Test func aBadFileAmongGoodOnesIsNamed() throws {
        let scratch = try Scratch()
        let good = try scratch.write("good.csv", CSV.file([[:]]))
        let bad = try scratch.write("bad.csv", [])
        let error = #expect(throws: IngestError.self) { try Ingestor.ingest(paths: [good, bad, good]) }
        #expect(error?.file == bad)
    }

    @Test func tooManyFilesIsAnErrorBeforeAnyIsRead() {
        let paths = Array(repeating: "/nonexistent/a.csv", count: Int(UInt16.max))
        let error = #expect(throws: IngestError.self) { try Ingestor.ingest(paths: paths) }
        #expect(error?.message.contains("too many input files") == true)
    }

    @Test(arguments: ["", "\n", "\r\n\n\n", "\r"])
    func aHeaderWithoutRowsIsZeroRecords(tail: String) throws {
        let scratch = try Scratch()
        let path = try scratch.write("a.csv", CSV.header() + tail)
        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        #expect(result.quality.records == 0)
        #expect(result.table.count == 0)
        #expect(result.issues.isEmpty)
        let inspection = try Inspector.inspect(path: path, rows: 0)
        #expect(inspection.header == CSV.canonicalColumns)
        #expect(inspection.records.isEmpty)
    }

    @Test func aFieldOver64MiBIsAnError() throws {
        let scratch = try Scratch()
        var bytes = Array((CSV.header() + "\n" + CSV.row() + "\n").utf8)
        bytes += Array("C01,P2,2024-03-07,1,swedish,T1,60,5,,nrs,,,,,,,\"".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "n"), count: (64 << 20) + 1024)
        bytes += Array("\"\n".utf8)
        let path = try scratch.write("a.csv", bytes)
        let error = #expect(throws: IngestError.self) { try Ingestor.ingest(paths: [path]) }
        #expect(error?.file == path)
        #expect(error?.line == 3)
        #expect(error?.message.contains("64 MiB") == true)
    }

    @Test func aTenMegabyteQuotedFieldParses() throws {
        let scratch = try Scratch()
        // Multibyte characters, commas, escaped quotes; no line break, so the one physical
        // line is longer than the reader's block and arrives in pieces.
        let unit = "é漢, \"\"x\"\" 🎉 "
        let decoded = "é漢, \"x\" 🎉 "
        let repeats = (10 << 20) / unit.utf8.count
        let note = String(repeating: unit, count: repeats)
        let text =
            CSV.header() + "\n" + CSV.row(["notes": "short"]) + "\n" + CSV.row(["session_number": "2"])
            + "\"" + note + "\"\n" + CSV.row(["session_number": "3", "technique": "reiki"]) + "\n"
        let path = try scratch.write("a.csv", text)
        let inspection = try Inspector.inspect(path: path, rows: 0)
        #expect(inspection.records.count == 3)
        #expect(inspection.recordLines == [2, 3, 4])
        let parsed = try #require(inspection.records.dropFirst().first?.last)
        #expect(parsed.utf8.count == repeats * decoded.utf8.count)
        #expect(parsed == String(repeating: decoded, count: repeats))

        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        #expect(result.quality.accepted == 2)
        #expect(result.issues.map(\.line) == [4])
    }

    /// A line longer than the reader's 4 MiB block arrives in pieces; no piece may end
    /// inside a UTF-8 sequence, or the rest would be read as Windows-1252.
    @Test(arguments: [("é", 1), ("漢", 1), ("漢", 2), ("🎉", 1), ("🎉", 2), ("🎉", 3)])
    func piecesOfALongLineNeverSplitACharacter(character: String, inside: Int) throws {
        let scratch = try Scratch()
        let header = CSV.header(RFC4180Tests.columns) + "\n"
        let prefix = "P1,2024-03-07,1,swedish,5,\""
        // The block boundary falls `inside` bytes into the character.
        let before = (4 << 20) - inside - prefix.utf8.count
        let note = String(repeating: "x", count: before) + character + String(repeating: "y", count: 1_000)
        let text = header + prefix + note + "\"\n" + "P1,2024-03-08,2,reiki,5,\n"
        let path = try scratch.write("a.csv", text)
        let inspection = try Inspector.inspect(path: path, rows: 0)
        #expect(inspection.records.first?.last == note)
        #expect(inspection.recordLines == [2, 3])
        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        #expect(result.files[0].windows1252Lines == 0)
        #expect(result.issues.map(\.line) == [3])
    }

    @Test func tenThousandColumnsParse() throws {
        let scratch = try Scratch()
        let extra = (1...9_996).map { "x\($0)" }
        let header = ["patient_id", "session_date", "technique", "pain_pre"] + extra
        let row = ["P1", "2024-03-07", "swedish", "5"] + extra.map { "v" + $0 }
        let path = try scratch.write(
            "a.csv",
            header.joined(separator: ",") + "\n" + row.joined(separator: ",") + "\n"
                + row.joined(separator: ",")
                + ",one too many\n")
        let inspection = try Inspector.inspect(path: path, rows: 0)
        #expect(inspection.header.count == 10_000)
        #expect(inspection.records.map(\.count) == [10_000, 10_001])
        #expect(inspection.records.first?.last == "vx9996")
        #expect(inspection.dialect.delimiter == UInt8(ascii: ","))

        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        #expect(result.quality.accepted == 1)
        #expect(result.issues.map(\.reason) == [.raggedRow])
        #expect(result.quality.ignoredColumns.count == 9_996)
    }

    @Test func inspectStopsAfterTheRowsAskedFor() throws {
        let scratch = try Scratch()
        let path = try scratch.write("a.csv", CSV.file((1...5).map { ["session_number": String($0)] }))
        let inspection = try Inspector.inspect(path: path, rows: 2)
        #expect(inspection.records.count == 2)
        #expect(inspection.recordLines == [2, 3])
        #expect(inspection.truncated)
        let exact = try Inspector.inspect(path: path, rows: 5)
        #expect(exact.records.count == 5)
        #expect(!exact.truncated)
    }
}
