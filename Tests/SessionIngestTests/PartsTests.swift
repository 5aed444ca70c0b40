import Foundation
import SessionModel
import TestSupport
import Testing

@testable import SessionIngest

/// A large file is cut into parts parsed on separate threads; the result must be the same,
/// to the last line number, as parsing it in one piece. The part size is lowered here so
/// that the small committed samples are cut too.
@Suite("Parsing in parts")
struct PartsTests {
    static func options(partBytes: Int64) -> IngestOptions {
        var options = IngestOptions()
        options.minimumPartBytes = partBytes
        return options
    }

    /// Records every difference between two results; true when there is none.
    @discardableResult
    static func expectSame(
        _ parts: IngestResult, _ whole: IngestResult, _ label: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Bool {
        var ok = true
        func check(_ condition: Bool, _ what: @autoclosure () -> String) {
            if !condition {
                Issue.record(Comment(rawValue: "\(label): \(what())"), sourceLocation: sourceLocation)
                ok = false
            }
        }
        check(parts.quality == whole.quality, "quality \(parts.quality) ≠ \(whole.quality)")
        check(
            parts.issues.count == whole.issues.count,
            "issue count \(parts.issues.count) ≠ \(whole.issues.count)")
        if let index = zip(parts.issues, whole.issues).enumerated().first(where: {
            $0.element.0 != $0.element.1
        })?.offset {
            check(false, "issue \(index): \(parts.issues[index]) ≠ \(whole.issues[index])")
        }
        check(parts.files.count == whole.files.count, "file count")
        for (a, b) in zip(parts.files, whole.files) {
            check(
                (a.records, a.accepted, a.warned, a.rejected, a.duplicates) == (
                    b.records, b.accepted, b.warned, b.rejected, b.duplicates
                ), "\(a.path): counts")
            check(a.lines == b.lines, "\(a.path): lines \(a.lines) ≠ \(b.lines)")
            check(
                a.vasConverted == b.vasConverted && a.windows1252Lines == b.windows1252Lines,
                "\(a.path): vas/1252")
            check(a.slashOrder == b.slashOrder, "\(a.path): slash order")
            check(a.dateFormatDescription == b.dateFormatDescription, "\(a.path): date description")
            check(a.dialect == b.dialect && a.mapping == b.mapping, "\(a.path): dialect or mapping")
        }
        check(parts.table.clinicNames == whole.table.clinicNames, "clinic names")
        check(
            parts.table.count == whole.table.count, "table rows \(parts.table.count) ≠ \(whole.table.count)")
        if parts.table.count == whole.table.count,
            let row = (0..<parts.table.count).first(where: { parts.table.row($0) != whole.table.row($0) })
        {
            check(false, "table row \(row): \(parts.table.row(row)) ≠ \(whole.table.row(row))")
        }
        return ok
    }

    static let samples = FuzzTests.sampleNames

    @Test(arguments: samples)
    func samplesParseTheSameInParts(name: String) throws {
        let path = Package.dataset(name)
        let whole = try Ingestor.ingest(paths: [path], parallelism: 1)
        #expect(whole.files[0].parts == 1)
        // Different cuts for different samples: few large parts, and many small ones.
        let index = Self.samples.firstIndex(of: name) ?? 0
        for (partBytes, parallelism) in [index % 2 == 0 ? (Int64(32 << 10), 3) : (16 << 10, 7)] {
            let parts = try Ingestor.ingest(
                paths: [path], options: Self.options(partBytes: partBytes), parallelism: parallelism)
            #expect(parts.files[0].parts > 1, "\(name) was not cut with \(partBytes) and \(parallelism)")
            Self.expectSame(parts, whole, "\(name) in \(parallelism) parts of ≥ \(partBytes)")
            expectReconciles(parts)
        }
    }

    @Test func twoFilesInParts() throws {
        // Rows of earlier files are already staged when a later file's parts are merged; the
        // messy file repeats the clean one's rows, so duplicates cross the files.
        let paths = ["sessions_canonical.csv", "sessions_canonical_messy.csv"].map { Package.dataset($0) }
        let whole = try Ingestor.ingest(paths: paths, parallelism: 1)
        let parts = try Ingestor.ingest(
            paths: paths, options: Self.options(partBytes: 40 << 10), parallelism: 4)
        #expect(parts.files.allSatisfy { $0.parts > 1 })
        Self.expectSame(parts, whole, "two samples")
    }

    /// Files built so that cuts fall among multi-line quoted notes, stray and unterminated
    /// quotes, blank lines, lone CRs and Windows-1252 lines.
    static func trickyFile(_ random: inout SplitMix64, ending: String) -> [UInt8] {
        var bytes = Array((CSV.header() + ending).utf8)
        while bytes.count < 200_000 {
            let patient = "P\(random.int(1...60))"
            var notes = ""
            switch random.int(0..<12) {
            case 0:
                // A line inside quotes that reads like a whole record: a tempting false cut.
                notes = "line one\(ending)\(CSV.row())\(ending)line three"
            case 1: notes = "say \"hi\", twice"
            case 2: notes = String(repeating: "long ", count: random.int(100...3_000))
            default: break
            }
            var row = CSV.row([
                "patient_id": patient, "session_number": String(random.int(1...12)), "notes": notes,
                "pain_pre": String(random.int(0...11)),
            ])
            switch random.int(0..<40) {
            case 0: row += "tender spot 3\" below PSIS"  // stray quote
            case 1: row += ",extra"
            case 2: row = ""  // a blank line
            default: break
            }
            bytes += Array((row + ending).utf8)
            if random.int(0..<50) == 0 {
                bytes +=
                    Array("C01,Pé".utf8) + [0xE9] + Array(CSV.row().dropFirst(10).utf8) + Array(ending.utf8)
            }
        }
        if random.chance(0.5) {
            bytes += Array("C01,P1,2024-03-07,1,swedish,T1,60,5,,nrs,,,,,,,\"never closed".utf8)
        }
        return bytes
    }

    @Test(arguments: ["\n", "\r\n", "\r"])
    func trickyFilesParseTheSameInParts(ending: String) throws {
        let scratch = try Scratch()
        var random = SplitMix64(seed: UInt64(ending.utf8.count) &* 0x9E37)
        for round in 0..<2 {
            let path = try scratch.write("a\(round).csv", Self.trickyFile(&random, ending: ending))
            let whole = try Ingestor.ingest(paths: [path], parallelism: 1)
            for partBytes in [Int64(8 << 10), 23 << 10] {
                let parts = try Ingestor.ingest(
                    paths: [path], options: Self.options(partBytes: partBytes), parallelism: random.int(2...6)
                )
                guard Self.expectSame(parts, whole, "round \(round), ≥ \(partBytes) per part") else { return }
            }
        }
    }

    @Test func anErrorInALaterPartNamesTheFileLine() throws {
        let scratch = try Scratch()
        var text = CSV.header() + "\n"
        while text.utf8.count < 300_000 { text += CSV.row(["notes": "a\nb"]) + "\n" }
        let lines = text.utf8.filter { $0 == 0x0A }.count
        var bytes = Array(text.utf8) + Array("C01,P".utf8) + [0] + Array("1\n".utf8)
        for _ in 0..<100 { bytes += Array((CSV.row() + "\n").utf8) }
        let path = try scratch.write("a.csv", bytes)
        let whole = #expect(throws: IngestError.self) { try Ingestor.ingest(paths: [path], parallelism: 1) }
        let parts = #expect(throws: IngestError.self) {
            try Ingestor.ingest(paths: [path], options: Self.options(partBytes: 10 << 10), parallelism: 4)
        }
        #expect(whole?.line == lines + 1)
        #expect(parts == whole)
    }

    @Test func mutatedSamplesParseTheSameInParts() throws {
        let samples = try Self.samples.map { try Package.bytes(ofDataset: $0) }
        let scratch = try Scratch()
        let path = scratch.path("fuzz.csv")
        var random = SplitMix64(seed: 0x9A_7751)
        for index in 0..<10 {
            // A whole sample with a few mutations (they keep the header), so there is room to cut.
            var bytes = samples[random.int(0..<samples.count)]
            for _ in 0..<random.int(1...10) {
                let position = random.int(0...bytes.count)
                let inserts: [[UInt8]] = [
                    [0x22], [0x22, 0x22], [0x2C], [0x3B], [0x0D], [0x0A], [0x0D, 0x0A], [0xE9],
                ]
                switch random.int(0..<3) {
                case 0: bytes.insert(contentsOf: inserts[random.int(0..<inserts.count)], at: position)
                case 1: bytes.removeSubrange(position..<min(bytes.count, position + random.int(1...500)))
                default: if position < bytes.count { bytes[position] ^= UInt8(1 << random.int(0..<8)) }
                }
            }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let label = "mutation #\(index)"
            let options = Self.options(partBytes: Int64(random.int(8...64)) << 10)
            let parallelism = random.int(2...5)
            do {
                let whole = try Ingestor.ingest(paths: [path], parallelism: 1)
                do {
                    let parts = try Ingestor.ingest(paths: [path], options: options, parallelism: parallelism)
                    guard Self.expectSame(parts, whole, label) else { return }
                } catch {
                    Issue.record("\(label): in parts \(error), in one piece no error")
                    return
                }
            } catch let wholeError {
                let partsError = #expect(throws: IngestError.self, "\(label)") {
                    try Ingestor.ingest(paths: [path], options: options, parallelism: parallelism)
                }
                #expect(partsError == wholeError, "\(label)")
            }
        }
    }
}
