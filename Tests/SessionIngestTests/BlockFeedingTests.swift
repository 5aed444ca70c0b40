import Foundation
import SessionModel
import TestSupport
import Testing

@testable import SessionIngest

/// Blocks of whole lines go to libcsv at once while they parse cleanly, and line by line
/// otherwise. Whatever the block size, the result must equal feeding every line on its own:
/// the same records, rejects, warnings, line numbers and counts, and the same `inspect`.
@Suite("Block feeding")
struct BlockFeedingTests {
    static func options(blockBytes: Int) -> IngestOptions {
        var options = IngestOptions()
        options.blockBytes = blockBytes
        return options
    }

    /// Block sizes from one byte (no line fits: always line by line) to the default.
    static let blockSizes = [1, 37, 211, 4 << 10, RecordFeeder.blockBytes]

    static func expectSameAsLineByLine(_ path: String, _ label: String) throws {
        let lineByLine = Result {
            try Ingestor.ingest(paths: [path], options: options(blockBytes: 0), parallelism: 1)
        }
        let inspectedByLine = Result {
            try Inspector.inspect(path: path, rows: 0, options: options(blockBytes: 0))
        }
        for size in blockSizes {
            let blocks = Result {
                try Ingestor.ingest(paths: [path], options: options(blockBytes: size), parallelism: 1)
            }
            switch (blocks, lineByLine) {
            case (.success(let a), .success(let b)):
                guard PartsTests.expectSame(a, b, "\(label), blocks of \(size)") else { return }
            case (.failure(let a), .failure(let b)):
                #expect("\(a)" == "\(b)", "\(label), blocks of \(size)")
            default:
                Issue.record("\(label), blocks of \(size): \(blocks) ≠ \(lineByLine)")
                return
            }
            let inspected = Result {
                try Inspector.inspect(path: path, rows: 0, options: options(blockBytes: size))
            }
            switch (inspected, inspectedByLine) {
            case (.success(let a), .success(let b)):
                #expect(a.records == b.records, "\(label), inspect with blocks of \(size)")
                #expect(a.recordLines == b.recordLines, "\(label), inspect lines with blocks of \(size)")
                #expect(
                    a.syntaxErrorLines == b.syntaxErrorLines, "\(label), inspect errors, blocks of \(size)")
            case (.failure(let a), .failure(let b)):
                #expect("\(a)" == "\(b)", "\(label), inspect with blocks of \(size)")
            default:
                Issue.record("\(label), inspect with blocks of \(size) differs")
            }
        }
    }

    @Test(arguments: FuzzTests.sampleNames)
    func samplesReadTheSameInBlocks(name: String) throws {
        try Self.expectSameAsLineByLine(Package.dataset(name), name)
    }

    /// Multi-line quoted notes (some holding a line that reads like a record), stray and
    /// unterminated quotes, blank lines, Windows-1252 lines, in each line ending.
    @Test(arguments: ["\n", "\r\n", "\r"])
    func trickyFilesReadTheSameInBlocks(ending: String) throws {
        let scratch = try Scratch()
        var random = SplitMix64(seed: 0xB10C + UInt64(ending.utf8.count))
        let path = try scratch.write("a.csv", PartsTests.trickyFile(&random, ending: ending))
        try Self.expectSameAsLineByLine(path, "tricky file ending \(ending.debugDescription)")
    }

    /// Line breaks inside quoted columns that are kept as bytes (ids, a technique) or not
    /// kept at all (an unknown column), mixed line endings, blank lines of spaces, and a
    /// NUL byte late in the file.
    @Test func lineBreaksOutsideNotesAndMixedEndings() throws {
        let scratch = try Scratch()
        var random = SplitMix64(seed: 0x5EED)
        let header = CSV.header() + ",extra"
        var rows: [String] = []
        for index in 0..<3_000 {
            var row = CSV.row(["patient_id": "P\(index % 97)", "session_number": String(index / 97 + 1)])
            switch random.int(0..<30) {
            case 0: row = row.replacingOccurrences(of: "T1", with: "\"T\n1\"")
            case 1: row = row.replacingOccurrences(of: "P\(index % 97)", with: "\"P\r\n\(index % 97)\"")
            case 2: row = "   "
            case 3: row = ""
            default: break
            }
            row += random.chance(0.1) ? ",\"two\rlines\"" : ",x"
            rows.append(row)
        }
        var text = header
        for row in rows { text += ["\n", "\r\n", "\r"][random.int(0..<3)] + row }
        let path = try scratch.write("mixed.csv", Array(text.utf8))
        try Self.expectSameAsLineByLine(path, "mixed endings")

        var withNul = Array(text.utf8)
        withNul.insert(0, at: withNul.count - 40)
        let nulPath = try scratch.write("nul.csv", withNul)
        try Self.expectSameAsLineByLine(nulPath, "a NUL near the end")
    }

    /// Blocks are parsed first without libcsv's per-byte space callback and again with it
    /// only when a space or tab sat at a field's edge (before it, after an unquoted one,
    /// around quotes, a blank line of spaces). Either way the fields must be those of
    /// line-by-line feeding.
    @Test(arguments: [
        "", " P1", "P1 ", "\"P1\" ", " \"P1\"", "P 1", "\"P, 1\"", "\" P1 \"", "P1\t", "P\t1",
    ])
    func spacesReadTheSameInBlocks(patient: String) throws {
        let scratch = try Scratch()
        var text = CSV.header()
        for index in 0..<400 {
            let notes = index % 3 == 0 ? "\"calm, then \"\"better\"\" after\"" : "walked out upright"
            var row = CSV.row(["session_number": String(index + 1), "notes": "x"])
            row = String(row.dropLast()) + notes
            if index == 200 { row = "P1" + patient + row.drop { $0 != "," } }
            if index == 300 {
                row = patient.isEmpty ? "   " : row.replacingOccurrences(of: "P1", with: patient)
            }
            text += "\n" + row
        }
        let path = try scratch.write("spaces.csv", Array((text + "\n").utf8))
        try Self.expectSameAsLineByLine(path, "patient \(patient.debugDescription)")
    }

    /// Which blocks the first parse accounts for byte by byte, and that the fields are those
    /// of a parse with no byte a space either way (or both parses fail).
    @Test(arguments: [
        ("a b,c d\n", false), ("a  b,\"c  \"\" d\"\n", false), ("\"a , b\",c\n", false),
        ("\"\",\"\"\"\",x\n", false), ("a,,\n\n\r\nb\r\n", false), ("a\tb,c\n", false),
        ("a ,b\n", true), ("a, b\n", true), (" a\n", true), ("a \n", true), ("\"a\" ,b\n", true),
        ("a,\t\n", true), ("  \n", true), ("a, \"b\"\n", true), ("a,b\t\r\n", true),
    ])
    func blocksAreParsedAgainOnlyForSpacesAtEdges(text: String, parsedAgain: Bool) {
        func parse(_ bytes: UnsafeRawBufferPointer, asBlock: Bool) -> (CSVTokenizer.Outcome, [[String]], Int)
        {
            let collector = FieldCollector()
            collector.setKeep([], beyond: .bytes)
            let tokenizer = CSVTokenizer(delimiter: 0x2C, collector: collector)
            collector.beginBlock(line: 1)
            let outcome =
                asBlock
                ? tokenizer.parseBlock(bytes, quotes: BlockScan(bytes).quotes) : tokenizer.parse(bytes)
            let rows = (0..<collector.recordCount).map { index in
                _ = collector.select(index)
                return collector.strings()
            }
            return (outcome, rows, tokenizer.blocksParsedAgain)
        }
        Array(text.utf8).withUnsafeBytes { bytes in
            let (blockOutcome, blockRows, again) = parse(bytes, asBlock: true)
            let (exactOutcome, exactRows, _) = parse(bytes, asBlock: false)
            #expect(again == (parsedAgain ? 1 : 0), "\(text.debugDescription)")
            #expect(blockOutcome == exactOutcome, "\(text.debugDescription)")
            if exactOutcome == .consumed { #expect(blockRows == exactRows, "\(text.debugDescription)") }
        }
    }

    /// Blocks at the limits of the room reserved for them (a field or row per byte, an
    /// 8-byte hash per one-byte field, one field as long as the block) give the fields of a
    /// parse that checks its room at every field.
    @Test(arguments: [
        String(repeating: ",", count: 5_000) + "\n", String(repeating: "\n", count: 5_000),
        String(repeating: "\r\n,\r", count: 2_000), String(repeating: "\"\",", count: 3_000) + "\"\"\n",
        String(repeating: "x", count: 40_000) + "\n", "\"" + String(repeating: "\"\"", count: 9_000) + "\"\n",
    ])
    func blocksAtTheLimitsOfTheirRoom(text: String) {
        for keep in [FieldCollector.Keep.bytes, .hash, .nothing] {
            func parse(asBlock: Bool) -> [[String]] {
                let collector = FieldCollector()
                collector.setKeep([.bytes, keep], beyond: keep)
                let tokenizer = CSVTokenizer(delimiter: 0x2C, collector: collector)
                _ = Array("warm,up\n".utf8).withUnsafeBytes { tokenizer.parse($0) }  // libcsv's buffer
                collector.discardRecord()
                collector.beginBlock(line: 1)
                let bytes = Array(text.utf8)
                let outcome = bytes.withUnsafeBytes {
                    asBlock ? tokenizer.parseBlock($0, quotes: BlockScan($0).quotes) : tokenizer.parse($0)
                }
                #expect(outcome == .consumed)
                return (0..<collector.recordCount).map { index in
                    _ = collector.select(index)
                    return collector.strings() + (0..<collector.fieldCount).map { String(collector.hash($0)) }
                }
            }
            #expect(parse(asBlock: true) == parse(asBlock: false), "\(keep)")
        }
    }

    @Test func mutatedSamplesReadTheSameInBlocks() throws {
        let samples = try FuzzTests.sampleNames.map { try Package.bytes(ofDataset: $0) }
        let scratch = try Scratch()
        var random = SplitMix64(seed: 0xB1_0C4)
        for index in 0..<6 {
            var bytes = samples[random.int(0..<samples.count)]
            for _ in 0..<random.int(1...12) {
                let position = random.int(0...bytes.count)
                let inserts: [[UInt8]] = [
                    [0x22], [0x22, 0x22], [0x2C], [0x3B], [0x0D], [0x0A], [0x0D, 0x0A], [0xE9], [0x20],
                ]
                switch random.int(0..<3) {
                case 0: bytes.insert(contentsOf: inserts[random.int(0..<inserts.count)], at: position)
                case 1: bytes.removeSubrange(position..<min(bytes.count, position + random.int(1...500)))
                default: if position < bytes.count { bytes[position] ^= UInt8(1 << random.int(0..<8)) }
                }
            }
            let path = try scratch.write("m\(index).csv", bytes)
            try Self.expectSameAsLineByLine(path, "mutated sample \(index)")
        }
    }
}
