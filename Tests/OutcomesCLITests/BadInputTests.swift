import Foundation
import TestSupport
import Testing

/// The three commands, each run the way a user would on one input file.
enum Command: String, CaseIterable, Sendable {
    case validate
    case report
    case inspect

    func arguments(_ file: String) -> [String] {
        switch self {
        case .validate, .report: [rawValue, file, "--out", "out"]
        case .inspect: [rawValue, file]
        }
    }
}

/// Inputs that are not (good) session exports. Each must end in a one-line error naming the
/// file and a non-zero status, or be read; never a crash, a hang or a stack trace.
enum BadInput: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case missingFile
    case directory
    case emptyFile
    case blankLines
    case headerMissingColumns
    case randomBytesSeed1
    case randomBytesSeed2
    case randomBytesSeed3
    case randomBytesWithoutNUL
    case nulBytes
    case byte0x81
    case unterminatedQuote
    case raggedRows
    case tenMegabyteField
    case tenThousandColumns
    case headerOnly

    var testDescription: String { rawValue }

    /// What a command must do with the input.
    enum Outcome: Equatable {
        /// Status 2 and one line on stderr naming the file (and `file:line:` when given).
        case error(line: Int?)
        /// Read; the status is the one given, and nothing on stderr is an error.
        case works(status: Int32)
    }

    static let header = "patient_id,session_date,technique,pain_pre,notes\n"

    var fileName: String {
        switch self {
        case .missingFile: "no-such-export.csv"
        case .directory: "a-folder.csv"
        default: "\(rawValue).csv"
        }
    }

    func create(in directory: URL) throws {
        let name = fileName
        switch self {
        case .missingFile: break
        case .directory:
            try FileManager.default.createDirectory(
                at: directory.appendingPathComponent(name), withIntermediateDirectories: false)
        case .emptyFile: try directory.write("", to: name)
        case .blankLines: try directory.write("\n\n   \n\t\n\r\n\n", to: name)
        case .headerMissingColumns: try directory.write("Name,When,Score\nA,2024-01-01,5\n", to: name)
        case .randomBytesSeed1, .randomBytesSeed2, .randomBytesSeed3:
            var generator = SplitMix64(seed: UInt64(rawValue.last!.wholeNumberValue!))
            try directory.write(generator.bytes(64 << 10), to: name)
        case .randomBytesWithoutNUL:
            var generator = SplitMix64(seed: 42)
            try directory.write(generator.bytes(64 << 10, from: Array(1...255)), to: name)
        case .nulBytes:
            var data = Data((Self.header + "P1,2024-01-01,swedish,5,ok\n").utf8)
            data += Data("P2,2024-01-02,swedish,5,bad".utf8) + Data([0, 0, 0x41]) + Data("\n".utf8)
            try directory.write(data, to: name)
        case .byte0x81:
            var data = Data((Self.header + "P1,2024-01-01,swedish,5,ok\n").utf8)
            data += Data("P2,2024-01-02,swedish,5,bad ".utf8) + Data([0x81]) + Data("\n".utf8)
            try directory.write(data, to: name)
        case .unterminatedQuote: try directory.write(Self.unterminatedQuoteText, to: name)
        case .raggedRows: try directory.write(Self.raggedText, to: name)
        case .tenMegabyteField:
            let text =
                Self.header + "P1,2024-01-01,swedish,6," + String(repeating: "x", count: 10_000_000) + "\n"
                + "P1,2024-01-08,swedish,4,short\n"
            try directory.write(text, to: name)
        case .tenThousandColumns:
            let extra = (0..<9_996).map { "c\($0)" }
            let header = ["patient_id", "session_date", "technique", "pain_pre"] + extra
            let rows = (1...3).map { row in
                ["P1", "2024-01-0\(row)", "swedish", String(8 - row)] + extra.map { _ in "v\(row)" }
            }
            try directory.write(CSVText.document([header] + rows), to: name)
        case .headerOnly: try directory.write(Self.header, to: name)
        }
    }

    func outcome(of command: Command) -> Outcome {
        switch (self, command) {
        case (.missingFile, _), (.directory, _), (.emptyFile, _), (.blankLines, _): .error(line: nil)
        case (.headerMissingColumns, .inspect): .works(status: 0)
        case (.headerMissingColumns, _): .error(line: 1)
        case (.randomBytesSeed1, _), (.randomBytesSeed2, _), (.randomBytesSeed3, _),
            (.randomBytesWithoutNUL, _):
            .error(line: nil)
        case (.nulBytes, _), (.byte0x81, _): .error(line: 3)
        case (.unterminatedQuote, .validate), (.raggedRows, .validate): .works(status: 1)
        case (.unterminatedQuote, _), (.raggedRows, _): .works(status: 0)
        case (.tenMegabyteField, _), (.tenThousandColumns, _), (.headerOnly, _): .works(status: 0)
        }
    }

    /// Record 2 (line 3) opens a quote that never closes; the records after it still parse.
    static let unterminatedQuoteText =
        header + "P1,2024-01-01,swedish,6,fine\n" + "P2,2024-01-02,swedish,5,\"never closed\n"
        + "P3,2024-01-03,swedish,6,fine\n" + "P3,2024-01-10,swedish,4,\"quoted, fine\"\n"

    /// Record 1 has one field too many, record 3 one too few.
    static let raggedText =
        header + "P1,2024-01-01,swedish,6,fine,extra\n" + "P1,2024-01-08,swedish,5,fine\n"
        + "P1,2024-01-15,swedish,4\n" + "P1,2024-01-22,swedish,3,fine\n"
}

@Suite("Bad inputs")
struct BadInputTests {
    @Test(arguments: BadInput.allCases, Command.allCases)
    func contract(input: BadInput, command: Command) async throws {
        try await withTemporaryDirectory { directory in
            try input.create(in: directory)
            let result = try await runOutcomes(command.arguments(input.fileName), in: directory)
            switch input.outcome(of: command) {
            case .error(let line):
                expectOneLineError(result, naming: input.fileName, line: line)
            case .works(let status):
                #expect(result.status == status, "\(result)")
                #expect(!result.err.contains("error"), "\(result)")
                expectNoCrashText(result)
            }
        }
    }

    @Test func missingColumnsAreNamedWithTheHeadersFound() async throws {
        try await withTemporaryDirectory { directory in
            try BadInput.headerMissingColumns.create(in: directory)
            let file = BadInput.headerMissingColumns.fileName
            for command in [Command.validate, .report] {
                let result = try await runOutcomes(command.arguments(file), in: directory)
                expectOneLineError(result, naming: file, line: 1)
                for missing in ["patient_id", "session_date", "technique", "pain_pre"] {
                    #expect(result.err.contains(missing), "\(result)")
                }
                for found in ["Name", "When", "Score"] {
                    #expect(result.err.contains("'\(found)'"), "\(result)")
                }
            }
        }
    }

    @Test func theBadFileAmongSeveralIsNamed() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write(BadInput.raggedText, to: "good.csv")
            try BadInput.byte0x81.create(in: directory)
            for command in [Command.validate, .report] {
                let result = try await runOutcomes(
                    [command.rawValue, "good.csv", BadInput.byte0x81.fileName, "--out", "out"], in: directory)
                expectOneLineError(result, naming: BadInput.byte0x81.fileName, line: 3)
                #expect(!result.err.contains("good.csv"), "\(result)")
            }
        }
    }

    /// An output folder that cannot be made is reported like an input error: one line.
    @Test(arguments: [Command.validate, .report])
    func anUnwritableOutputFolderIsOneLine(command: Command) async throws {
        try await withTemporaryDirectory { directory in
            try directory.write(BadInput.raggedText, to: "export.csv")
            try directory.write("not a folder", to: "taken")
            let result = try await runOutcomes(
                [command.rawValue, "export.csv", "--out", "taken"], in: directory)
            expectOneLineError(result, naming: "taken")
            #expect(try directory.text("taken") == "not a folder")
        }
    }

    /// A header name quoted into the missing-columns message has its line breaks and terminal
    /// escapes made visible, so the message keeps the one-line contract.
    @Test(arguments: [
        "\"patient\nid\",x,y\n1,2,3\n", "\"patient\r\nid\",x,y\r\n1,2,3\r\n", "\"a\u{1B}[2Jb\",x\n1,2\n",
    ])
    func headerTextInTheMessageStaysOnOneLine(text: String) async throws {
        try await withTemporaryDirectory { directory in
            try directory.write(text, to: "odd-header.csv")
            let result = try await runOutcomes(Command.validate.arguments("odd-header.csv"), in: directory)
            #expect(result.status == 2, "\(result)")
            #expect(result.err.hasPrefix("outcomes: error: odd-header.csv:1: "), "\(result)")
            expectNoCrashText(result)
            let controls = result.err.unicodeScalars.dropLast().filter {
                $0.value < 0x20 || $0.value == 0x7F
            }
            #expect(controls.isEmpty, "stderr holds control characters: \(result)")
        }
    }
}
