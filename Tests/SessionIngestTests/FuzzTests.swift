import Foundation
import SessionModel
import TestSupport
import Testing

@testable import SessionIngest

/// Seeded, bounded random inputs that must never crash: each is either an ``IngestError``
/// or a result whose counts reconcile, through both `ingest` and `inspect`.
@Suite("Randomized inputs")
struct FuzzTests {
    static let sampleNames = [
        "sessions_canonical.csv", "sessions_canonical_messy.csv", "sessions_practice.csv",
        "sessions_practice_messy.csv", "sessions_european.csv", "sessions_european_messy.csv",
    ]

    /// Runs one input through both entry points and checks what must hold. Returns false
    /// (after recording why) when something does not.
    static func check(
        _ bytes: [UInt8], at path: String, options: IngestOptions = IngestOptions(), label: String
    ) throws -> Bool {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var ok = true
        do {
            let result = try Ingestor.ingest(paths: [path], options: options)
            ok = expectReconciles(result)
            let records = result.quality.records
            for issue in result.issues {
                #expect(issue.line >= 2 && issue.record >= 1 && issue.record <= records, "\(label): \(issue)")
            }
            #expect(result.files[0].lines >= records, "\(label)")
            ok = ok && result.issues.allSatisfy { $0.line >= 2 && $0.record >= 1 && $0.record <= records }
        } catch {
            #expect(error.file == path, "\(label): \(error)")
            #expect(!error.message.isEmpty, "\(label)")
        }
        do {
            let inspection = try Inspector.inspect(path: path, rows: 0, options: options)
            #expect(inspection.records.count == inspection.recordLines.count, "\(label)")
            let lines = inspection.recordLines
            let errors = inspection.syntaxErrorLines
            let rising =
                zip(lines, lines.dropFirst()).allSatisfy { $0 < $1 }
                && zip(errors, errors.dropFirst()).allSatisfy { $0 < $1 }
                && Set(lines).isDisjoint(with: errors) && (lines + errors).allSatisfy { $0 >= 2 }
            #expect(rising, "\(label): record lines \(lines.prefix(20)), errors \(errors.prefix(20))")
            ok = ok && rising
        } catch {
            #expect(error.file == path, "\(label): \(error)")
        }
        return ok
    }

    static func randomOptions(_ random: inout SplitMix64) -> IngestOptions {
        guard random.chance(0.25) else { return IngestOptions() }
        var options = IngestOptions()
        if random.chance(0.3) { options.delimiter = Dialect.candidateDelimiters[random.int(0..<4)] }
        if random.chance(0.3) { options.encoding = random.chance(0.5) ? .utf8 : .windows1252 }
        if random.chance(0.3) { options.dateFormat = DateFormat.allCases[random.int(0..<4)] }
        if random.chance(0.3) { options.painScale = random.chance(0.5) ? .nrs : .vas }
        if random.chance(0.3) { options.decimalComma = random.chance(0.5) }
        return options
    }

    @Test func randomBytes() throws {
        let scratch = try Scratch()
        let path = scratch.path("fuzz.csv")
        var random = SplitMix64(seed: 0xB17E5)
        for index in 0..<300 {
            let count = random.int(0...3_000)
            var bytes = random.bytes(count)
            if index % 2 == 0 {
                // Without NULs, and mostly ASCII with line breaks, so more of it parses.
                bytes = bytes.map { byte in
                    if byte == 0 { return 0x0A }
                    return byte < 0xC0 ? byte & 0x7F == 0 ? 0x2C : byte & 0x7F : byte
                }
            }
            guard
                try Self.check(
                    bytes, at: path, options: Self.randomOptions(&random), label: "bytes #\(index)")
            else {
                return
            }
        }
    }

    static let tokens: [[UInt8]] =
        [
            "P000001", "2024-03-07", "03/25/2024", "25.03.2024", "deep_tissue", "DTM", "reiki", "6", "6,5",
            "65", "vas",
            "nrs", "-1", "x", ",", ",", ",", ";", "\t", "|", "\"", "\"", "\"\"", "\r", "\n", "\n", "\r\n",
            " ", "é", "漢",
            "🎉", "", "1", "2", "C01",
        ].map { Array($0.utf8) } + [[0xE9], [0xFC], [0x81], [0xEF, 0xBB, 0xBF], [0xC3], [0xF0, 0x9F]]

    @Test func randomCSVShapedText() throws {
        let scratch = try Scratch()
        let path = scratch.path("fuzz.csv")
        var random = SplitMix64(seed: 0xC5F)
        for index in 0..<400 {
            var bytes: [UInt8] = []
            if random.chance(0.7) {
                let columns =
                    random.chance(0.5) ? CSV.canonicalColumns : CSV.canonicalColumns.shuffled(using: &random)
                let delimiter = [",", ";", "\t", "|"][random.int(0..<4)]
                bytes += Array((columns.prefix(random.int(4...17)).joined(separator: delimiter) + "\n").utf8)
            }
            for _ in 0..<random.int(0...400) { bytes += Self.tokens[random.int(0..<Self.tokens.count)] }
            guard
                try Self.check(bytes, at: path, options: Self.randomOptions(&random), label: "text #\(index)")
            else {
                return
            }
        }
    }

    static func mutate(_ samples: [[UInt8]], _ random: inout SplitMix64) -> [UInt8] {
        func window(_ random: inout SplitMix64) -> ArraySlice<UInt8> {
            let sample = samples[random.int(0..<samples.count)]
            let length = random.int(1...min(24_000, sample.count))
            let start = random.int(0...(sample.count - length))
            return sample[start..<(start + length)]
        }
        let source = random.int(0..<samples.count)
        var bytes: [UInt8] = []
        if random.chance(0.7) {
            // Keep the sample's header (and byte-order mark), so records reach validation.
            let sample = samples[source]
            let end = (sample.firstIndex(of: 0x0A) ?? sample.count - 1) + 1
            bytes += sample[..<end]
        }
        bytes += window(&random)
        for _ in 0..<random.int(0...8) {
            guard !bytes.isEmpty else { break }
            let position = random.int(0...bytes.count)
            switch random.int(0..<6) {
            case 0:  // cut a range out
                let end = min(bytes.count, position + random.int(0...2_000))
                bytes.removeSubrange(position..<end)
            case 1:  // splice in a window of any sample
                bytes.insert(contentsOf: window(&random).prefix(4_000), at: position)
            case 2:  // insert structural bytes
                let inserts: [[UInt8]] = [
                    [0x22], [0x22, 0x22], [0x2C], [0x3B], [0x09], [0x7C], [0x0D], [0x0A], [0x0D, 0x0A],
                ]
                bytes.insert(contentsOf: inserts[random.int(0..<inserts.count)], at: position)
            case 3:  // flip a byte
                if position < bytes.count { bytes[position] ^= UInt8(1 << random.int(0..<8)) }
            case 4:  // truncate
                bytes.removeSubrange(position...)
            default:  // duplicate a stretch (an export concatenated twice)
                let end = min(bytes.count, position + random.int(0...3_000))
                bytes.insert(contentsOf: bytes[position..<end], at: end)
            }
        }
        return bytes
    }

    @Test func mutatedSamples() throws {
        let samples = try Self.sampleNames.map { try Package.bytes(ofDataset: $0) }
        let scratch = try Scratch()
        let path = scratch.path("fuzz.csv")
        var random = SplitMix64(seed: 0x5A_3F1E5)
        for index in 0..<350 {
            let bytes = Self.mutate(samples, &random)
            guard
                try Self.check(
                    bytes, at: path, options: Self.randomOptions(&random), label: "mutation #\(index)")
            else {
                return
            }
        }
    }

    @Test func wholeSamplesWithAFewFlips() throws {
        // Full-size files (beyond the sniffed sample and several reader blocks' worth of
        // lines), each with a handful of structural bytes inserted.
        let scratch = try Scratch()
        let path = scratch.path("fuzz.csv")
        var random = SplitMix64(seed: 0xF11E)
        for name in Self.sampleNames {
            var bytes = try Package.bytes(ofDataset: name)
            for _ in 0..<2 {
                for _ in 0..<random.int(1...6) {
                    let inserts: [[UInt8]] = [[0x22], [0x0D], [0x0A], [0x2C], [0x3B], [0xE9]]
                    bytes.insert(
                        contentsOf: inserts[random.int(0..<inserts.count)], at: random.int(0...bytes.count))
                }
                guard try Self.check(bytes, at: path, label: name) else { return }
            }
        }
    }
}
