import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// posix_openpt and friends; Glibc's module leaves them out (they need _XOPEN_SOURCE), so on
/// Linux they are looked up in the C library at run time.
enum PseudoTerminal {
    /// The master side's descriptor and the path of the terminal (slave) side.
    static func open() -> (master: Int32, path: String)? {
        #if os(Linux)
            typealias IntFunction = @convention(c) (Int32) -> Int32
            typealias NameFunction = @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?
            let library = dlopen(nil, RTLD_NOW)
            guard let openSymbol = dlsym(library, "posix_openpt"),
                let grantSymbol = dlsym(library, "grantpt"),
                let unlockSymbol = dlsym(library, "unlockpt"), let nameSymbol = dlsym(library, "ptsname")
            else { return nil }
            let openpt = unsafeBitCast(openSymbol, to: IntFunction.self)
            let grantpt = unsafeBitCast(grantSymbol, to: IntFunction.self)
            let unlockpt = unsafeBitCast(unlockSymbol, to: IntFunction.self)
            let ptsname = unsafeBitCast(nameSymbol, to: NameFunction.self)
        #endif
        let master = openpt(O_RDWR | O_NOCTTY)
        guard master >= 0 else { return nil }
        guard grantpt(master) == 0, unlockpt(master) == 0, let name = ptsname(master) else {
            close(master)
            return nil
        }
        return (master, String(cString: name))
    }

    #if !os(Linux)
        private static func openpt(_ flags: Int32) -> Int32 { posix_openpt(flags) }
    #endif
}

/// What a user sees on a terminal: stderr is a pseudo-terminal, so the progress bar is drawn.
@Suite("terminal")
struct TerminalTests {
    /// Runs `outcomes` with stderr on a fresh pseudo-terminal (and `CI` unset, so the bar is
    /// drawn) and returns the status and every byte the terminal received.
    static func runOnTerminal(_ arguments: [String], in directory: URL) throws -> (
        status: Int32, text: String
    ) {
        let binary = try OutcomesBinary.require()
        let (master, name) = try #require(PseudoTerminal.open(), "no pseudo-terminal")
        defer { close(master) }
        let terminal = try #require(FileHandle(forWritingAtPath: name))

        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["CI"] = nil
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = terminal
        let running = RunningProcess(process)
        try process.run()
        try terminal.close()
        DispatchQueue.global().asyncAfter(deadline: .now() + 60) { running.killIfRunning() }

        // The master reads until every copy of the terminal's other end is closed (EIO).
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let count = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            received += buffer[0..<count]
        }
        process.waitUntilExit()
        running.markFinished()
        #expect(!running.timedOut, "outcomes hung on a terminal")
        return (process.terminationStatus, String(decoding: received, as: UTF8.self))
    }

    /// What stays visible of one terminal line: the text after the last carriage return, less
    /// an erase-line sequence at its start.
    static func visible(_ line: String.UnicodeScalarView.SubSequence) -> String {
        let segments = line.split(separator: "\r", omittingEmptySubsequences: true)
        var text = String(String.UnicodeScalarView(segments.last ?? Substring.UnicodeScalarView()[...]))
        if text.hasPrefix("\u{1B}[2K") { text = String(text.unicodeScalars.dropFirst(4)) }
        return text
    }

    static func visibleLines(_ text: String) -> [String] {
        text.unicodeScalars.split(separator: "\n").map(visible).filter { !$0.isEmpty }
    }

    @Test func aSuccessfulRunLeavesOnlyItsSummary() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write(BadInput.raggedText, to: "export.csv")
            let (status, text) = try Self.runOnTerminal(
                ["report", "export.csv", "--out", "out"], in: directory)
            #expect(status == 0, "\(text.debugDescription)")
            let lines = Self.visibleLines(text)
            #expect(lines.count == 1, "\(lines)")
            #expect(lines.first?.hasPrefix("4 records:") == true, "\(text.debugDescription)")
        }
    }

    /// An error starts its own line: the progress bar is cleared when ingest throws.
    @Test func anErrorStartsItsOwnLine() async throws {
        try await withTemporaryDirectory { directory in
            try BadInput.headerMissingColumns.create(in: directory)
            let file = BadInput.headerMissingColumns.fileName
            for command in [Command.validate, .report] {
                let (status, text) = try Self.runOnTerminal(command.arguments(file), in: directory)
                #expect(status == 2, "\(text.debugDescription)")
                let lines = Self.visibleLines(text)
                #expect(lines.count == 1, "\(lines)")
                #expect(
                    lines.last?.contains("outcomes: error: \(file):1: ") == true, "\(text.debugDescription)")
                #expect(
                    lines.last?.hasPrefix("outcomes: error: ") == true,
                    "the terminal shows: \(lines.last ?? "")")
            }
        }
    }
}
