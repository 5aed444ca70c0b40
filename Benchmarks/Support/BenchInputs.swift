// Inputs shared by the benchmark suites: a generated session export, made once and reused.
//
// The file is made by the project's own generator (scripts/generate_sessions.py, fixed seed),
// so its records are unique and clean like a real export (a concatenated sample would turn
// most records into duplicates). It is cached in the temporary directory under a name that
// includes the generator's hash, so an edited generator gives a new file.
//
// Environment:
//   OUTCOMES_BENCH_INPUT     use this CSV instead of generating one (any dialect)
//   OUTCOMES_BENCH_SESSIONS  sessions to generate (default 200000, about 21 MB canonical)

import Foundation

public enum BenchInputs {
    /// The repository root, found from this source file's location
    /// (<root>/Benchmarks/Support/BenchInputs.swift).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // Benchmarks (package)
        .deletingLastPathComponent()  // root

    public static var sessions: Int {
        ProcessInfo.processInfo.environment["OUTCOMES_BENCH_SESSIONS"].flatMap { Int($0) } ?? 200_000
    }

    /// The path of a `dialect` export of `sessions` sessions (seed 7), generated when missing.
    public static func export(dialect: String = "canonical", sessions: Int = sessions) throws -> String {
        if let forced = ProcessInfo.processInfo.environment["OUTCOMES_BENCH_INPUT"], !forced.isEmpty {
            return forced
        }
        let generator = repositoryRoot.appendingPathComponent("scripts/generate_sessions.py")
        let script = try Data(contentsOf: generator)
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("outcomes-benchmarks-\(getuid())", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let name = "\(dialect)-\(sessions)-seed7-\(String(fnv1a(script), radix: 16)).csv"
        let target = directory.appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: target.path) { return target.path }

        let partial = directory.appendingPathComponent(name + ".\(getpid()).partial")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", generator.path, "--dialect", dialect, "--sessions", String(sessions),
            "--seed", "7", "--quiet", "--out", partial.path,
        ]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            try? FileManager.default.removeItem(at: partial)
            throw BenchInputError(message: "generate_sessions.py exited with \(process.terminationStatus)")
        }
        // rename(2): atomic, and a concurrent run that won the race left an identical file.
        guard rename(partial.path, target.path) == 0 else {
            throw BenchInputError(message: "cannot move \(partial.path) to \(target.path)")
        }
        return target.path
    }

    /// Size of the file at `path` in bytes.
    public static func size(of path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    private static func fnv1a(_ data: Data) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }
}

public struct BenchInputError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
