import Foundation
import Testing

/// Where the package and the built `outcomes` executable are.
enum PackagePaths {
    /// The package root: this file is `<root>/Tests/OutcomesCLITests/CLIHarness.swift`.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    static let datasets = root.appendingPathComponent("Datasets")
    static let reports = root.appendingPathComponent("Reports")

    /// The names `<sample>` of every committed `Datasets/sessions_<sample>.csv`, sorted.
    static let samples: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: datasets.path)) ?? []
        return names.filter { $0.hasPrefix("sessions_") && $0.hasSuffix(".csv") }
            .map { String($0.dropFirst("sessions_".count).dropLast(".csv".count)) }
            .sorted()
    }()

    /// `Datasets/sessions_<sample>.csv` relative to the package root (as `scripts/report` passes it).
    static func sampleArgument(_ sample: String) -> String { "Datasets/sessions_\(sample).csv" }
}

/// Finds the `outcomes` executable that `swift build --build-tests` put beside the test runner.
enum OutcomesBinary {
    /// The directories that may hold the product, best first. SwiftPM runs the tests from
    /// `.build/<triple>/<config>/`: on Linux the runner is the executable
    /// `<config>/<Package>PackageTests.xctest`; on macOS it is a bundle
    /// `<config>/<Package>PackageTests.xctest/Contents/MacOS/…` loaded by `xctest` or
    /// `swiftpm-testing-helper`, so the bundle itself is looked up too.
    static var candidateDirectories: [URL] {
        var directories: [URL] = []
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        var url = runner
        while url.pathComponents.count > 1 {
            if url.pathExtension == "xctest" { directories.append(url.deletingLastPathComponent()) }
            url = url.deletingLastPathComponent()
        }
        directories.append(runner.deletingLastPathComponent())
        for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            directories.append(bundle.bundleURL.deletingLastPathComponent())
        }
        return directories
    }

    /// The `outcomes` executable, or nil when it has not been built.
    static let url: URL? =
        candidateDirectories
        .map { $0.appendingPathComponent("outcomes") }
        .first { FileManager.default.isExecutableFile(atPath: $0.path) }

    static func require() throws -> URL {
        try #require(
            url,
            "no built `outcomes` beside the test runner (looked in \(candidateDirectories.map(\.path))); run `swift build --build-tests` first"
        )
    }
}

/// What one run of the binary did.
struct CommandResult: Sendable, CustomStringConvertible {
    var arguments: [String]
    var status: Int32
    /// True when the process ended by a signal (a crash), not by exiting.
    var signalled: Bool
    var timedOut: Bool
    var stdout: Data
    var stderr: Data

    var out: String { String(decoding: stdout, as: UTF8.self) }
    var err: String { String(decoding: stderr, as: UTF8.self) }

    var description: String {
        let shownOut = out.count > 2000 ? String(out.prefix(2000)) + "…" : out
        let shownErr = err.count > 2000 ? String(err.prefix(2000)) + "…" : err
        return "outcomes \(arguments.joined(separator: " ")) -> status \(status)"
            + (signalled ? " (signal)" : "") + (timedOut ? " (timed out)" : "")
            + "\n--- stdout:\n\(shownOut)\n--- stderr:\n\(shownErr)"
    }
}

/// Holds a process so the watchdog can end it; the lock guards the hand-over.
final class RunningProcess: @unchecked Sendable {
    let process: Process
    private let lock = NSLock()
    private var finished = false
    private(set) var timedOut = false

    init(_ process: Process) { self.process = process }

    func markFinished() {
        lock.lock()
        finished = true
        lock.unlock()
    }

    func killIfRunning() {
        lock.lock()
        defer { lock.unlock() }
        guard !finished, process.isRunning else { return }
        timedOut = true
        kill(process.processIdentifier, SIGKILL)
    }
}

/// Runs the built `outcomes` with `arguments` in `directory` (default: the package root),
/// stdin from /dev/null, stdout and stderr captured whole (through files, so a large output
/// can never block the child), and a time limit after which the child is killed.
///
/// With `closeStdoutAfter`, stdout is a pipe instead, and the reader closes it after that many
/// bytes (as `outcomes inspect big.csv | head -c N` does); `stdout` then holds those bytes.
func runOutcomes(
    _ arguments: [String], in directory: URL = PackagePaths.root, timeout: Duration = .seconds(60),
    closeStdoutAfter: Int? = nil
) async throws -> CommandResult {
    let binary = try OutcomesBinary.require()
    let scratch = FileManager.default.temporaryDirectory
        .appendingPathComponent("outcomes-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let outURL = scratch.appendingPathComponent("stdout")
    let errURL = scratch.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let outHandle = try FileHandle(forWritingTo: outURL)
    let errHandle = try FileHandle(forWritingTo: errURL)

    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.standardInput = FileHandle.nullDevice
    let pipe = closeStdoutAfter.map { _ in Pipe() }
    process.standardOutput = pipe ?? outHandle
    process.standardError = errHandle
    let running = RunningProcess(process)

    let watchdog = Task {
        try await Task.sleep(for: timeout)
        running.killIfRunning()
    }
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        process.terminationHandler = { _ in continuation.resume() }
        do { try process.run() } catch {
            process.terminationHandler = nil
            Issue.record(error, "could not start \(binary.path)")
            continuation.resume()
            return
        }
        if let pipe, let count = closeStdoutAfter {
            let head = pipe.fileHandleForReading.readData(ofLength: count)
            try? outHandle.write(contentsOf: head)
            try? pipe.fileHandleForReading.close()
        }
    }
    running.markFinished()
    watchdog.cancel()
    try? outHandle.close()
    try? errHandle.close()
    let result = CommandResult(
        arguments: arguments, status: process.terminationStatus,
        signalled: process.terminationReason == .uncaughtSignal, timedOut: running.timedOut,
        stdout: (try? Data(contentsOf: outURL)) ?? Data(), stderr: (try? Data(contentsOf: errURL)) ?? Data())
    #expect(!result.timedOut, "outcomes hung for \(timeout): \(result)")
    return result
}

/// Text that only a crash, a trap or a runtime failure prints.
let crashMarkers = [
    "Fatal error", "fatal error", "Stack dump", "backtrace", "Backtrace", "Crash", "💣", "Segmentation fault",
    "Illegal instruction", "Thread 0 crashed", "SIGSEGV", "SIGILL", "SIGTRAP", "SIGABRT",
]

/// Checks the error contract: the documented status, and exactly one line on stderr that
/// starts `outcomes: error: ` and names the file (and `file:line:` where a line is known).
func expectOneLineError(
    _ result: CommandResult, status: Int32 = 2, naming file: String, line: Int? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(!result.signalled, "crashed: \(result)", sourceLocation: sourceLocation)
    #expect(result.status == status, "\(result)", sourceLocation: sourceLocation)
    let text = result.err
    #expect(text.hasPrefix("outcomes: error: "), "\(result)", sourceLocation: sourceLocation)
    #expect(
        text.hasSuffix("\n") && text.filter { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }.count == 1,
        "stderr is not exactly one line: \(result)", sourceLocation: sourceLocation)
    #expect(
        text.contains(file), "the message does not name \(file): \(result)", sourceLocation: sourceLocation)
    if let line {
        #expect(
            text.contains("\(file):\(line):"), "the message does not name line \(line): \(result)",
            sourceLocation: sourceLocation)
    }
    expectNoCrashText(result, sourceLocation: sourceLocation)
}

/// Checks that stderr holds nothing a crash or trap would print.
func expectNoCrashText(_ result: CommandResult, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!result.signalled, "crashed: \(result)", sourceLocation: sourceLocation)
    for marker in crashMarkers {
        #expect(
            !result.err.contains(marker), "stderr shows '\(marker)': \(result)",
            sourceLocation: sourceLocation)
    }
}

/// A fresh directory, removed after `body`.
func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("outcomes-cli-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}

extension URL {
    /// Writes `text` as UTF-8 to `name` in this directory and returns the file's URL.
    @discardableResult
    func write(_ text: String, to name: String) throws -> URL {
        try write(Data(text.utf8), to: name)
    }

    @discardableResult
    func write(_ data: Data, to name: String) throws -> URL {
        let url = appendingPathComponent(name)
        try data.write(to: url)
        return url
    }

    /// The names of the regular files in this directory, sorted.
    func fileNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }

    func text(_ name: String) throws -> String {
        String(decoding: try Data(contentsOf: appendingPathComponent(name)), as: UTF8.self)
    }
}
