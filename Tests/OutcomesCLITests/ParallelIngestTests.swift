import Foundation
import TestSupport
import Testing

/// A large file is parsed in parts on several threads; the output must not depend on it.
@Suite("parallel ingest")
struct ParallelIngestTests {
    /// Where the defects of ``bigExport()`` start (physical lines, header = 1).
    struct Defects {
        var unknownTechniqueLine = 0
        var raggedLine = 0
        var unterminatedQuoteLine = 0
        var duplicateLines: [Int] = []
        var records = 0
    }

    /// About 18 MB (well above two 8 MiB parts) of courses whose notes hold quoted commas,
    /// quotes and line breaks, with duplicates far apart and defects late in the file.
    static func bigExport() -> (text: String, defects: Defects) {
        var generator = SplitMix64(seed: 2024)
        var text = "clinic_id,patient_id,session_date,session_number,technique,pain_pre,notes\n"
        text.reserveCapacity(19_000_000)
        var defects = Defects()
        var line = 2
        var kept: [String] = []
        let techniques = ["swedish", "deep_tissue", "neuromuscular", "sports"]
        let filler = String(repeating: "z", count: 180)
        var course = 0
        while text.utf8.count < 18_000_000 {
            course += 1
            let sessions = 2 + Int(generator.next() % 7)
            let baseline = 4 + Int(generator.next() % 7)
            for session in 1...sessions {
                let roll = generator.next() % 10
                var note = "plain note \(filler)"
                var breaks = 0
                if roll < 3 {
                    note = "\"tender, \"\"tight\"\"\nat L5 \(filler)\""
                    breaks = 1
                } else if roll < 4 {
                    note = "\"first\r\nsecond \(filler)\""
                    breaks = 1
                }
                var row =
                    "C0\(course % 7),P\(course),2024-0\(1 + session % 12)-\(10 + session),\(session),"
                    + "\(techniques[course % 4]),\(max(0, baseline - session)),\(note)\n"
                let progress = Double(text.utf8.count) / 18_000_000
                var defective = true
                if defects.unknownTechniqueLine == 0 && progress > 0.35 && breaks == 0 {
                    row = row.replacingOccurrences(of: techniques[course % 4], with: "reiki")
                    defects.unknownTechniqueLine = line
                } else if defects.raggedLine == 0 && progress > 0.55 && breaks == 0 {
                    row = row.replacingOccurrences(of: "\n", with: ",extra\n")
                    defects.raggedLine = line
                } else if defects.unterminatedQuoteLine == 0 && progress > 0.8 && breaks == 0 {
                    row = row.replacingOccurrences(of: "plain note", with: "\"never closed")
                    defects.unterminatedQuoteLine = line
                } else {
                    defective = false
                }
                text += row
                defects.records += 1
                if !defective && session == 1 && course % 997 == 0 { kept.append(row) }
                line += 1 + breaks
            }
            if course % 1_500 == 0, let row = kept.first {
                // An exact copy of a row seen megabytes earlier.
                kept.removeFirst()
                text += row
                defects.records += 1
                defects.duplicateLines.append(line)
                line += row.filter { $0 == "\n" || $0 == "\r\n" }.count
            }
        }
        return (text, defects)
    }

    @Test func threadsDoNotChangeTheOutput() async throws {
        try await withTemporaryDirectory { directory in
            let (text, defects) = Self.bigExport()
            try directory.write(text, to: "big.csv")
            async let one = writeReport(
                ["big.csv"], in: directory, folder: "one", options: ["--threads", "1"])
            async let four = writeReport(
                ["big.csv"], in: directory, folder: "four", options: ["--threads", "4"])
            let (single, parallel) = try await (one, four)
            #expect(try ReproducibilityTests.differences(single.url, parallel.url) == [])
            try parallel.checkContract()
            let quality = try #require(parallel.quality)
            #expect(quality["records"] == defects.records)
            #expect(quality["rejected_unknown_technique"] == 1)
            #expect(quality["rejected_ragged_row"] == 1)
            #expect(quality["rejected_csv_syntax"] == 1)
            #expect(quality["duplicates"] == defects.duplicateLines.count)
            let rejects = try #require(parallel.csv["rejects.csv"]).records
            func lines(_ reason: String) -> [Int] {
                rejects.filter { $0["reason"] == reason }.compactMap { Int($0["line"] ?? "") }
            }
            #expect(lines("unknown_technique") == [defects.unknownTechniqueLine])
            #expect(lines("ragged_row") == [defects.raggedLine])
            #expect(lines("csv_syntax") == [defects.unterminatedQuoteLine])
            #expect(lines("duplicate_record") == defects.duplicateLines)
        }
    }

    /// An error found by a later part still names the file's own physical line.
    @Test func anErrorInALaterPartNamesItsLine() async throws {
        try await withTemporaryDirectory { directory in
            let (text, defects) = Self.bigExport()
            var data = Data(text.utf8)
            // Put a byte that is neither UTF-8 nor Windows-1252 into the ragged row (late in the file).
            let lines = Array(text.utf8).split(separator: 0x0A, omittingEmptySubsequences: false)
            var offset = 0
            for index in 0..<(defects.raggedLine - 1) { offset += lines[index].count + 1 }
            data[offset + 1] = 0x81
            try directory.write(data, to: "late.csv")
            for threads in ["1", "4"] {
                let result = try await runOutcomes(
                    ["validate", "late.csv", "--out", "out", "--threads", threads], in: directory)
                expectOneLineError(result, naming: "late.csv", line: defects.raggedLine)
            }
        }
    }
}
