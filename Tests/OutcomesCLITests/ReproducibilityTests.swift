import Foundation
import Testing

/// Same input, same bytes: between runs, against the committed examples, and for the
/// generated datasets.
@Suite("reproducibility")
struct ReproducibilityTests {
    /// The names of the files that differ between two folders (and those only in one).
    static func differences(_ first: URL, _ second: URL) throws -> [String] {
        let a = try first.fileNames()
        let b = try second.fileNames()
        var different = Set(a).symmetricDifference(b).map { "\($0) (only in one folder)" }
        for name in Set(a).intersection(b).sorted() {
            let left = try Data(contentsOf: first.appendingPathComponent(name))
            let right = try Data(contentsOf: second.appendingPathComponent(name))
            if left != right { different.append(name) }
        }
        return different.sorted()
    }

    @Test func reportIsByteIdenticalBetweenRuns() async throws {
        try await withTemporaryDirectory { directory in
            let inputs = ["practice_messy", "european_messy", "canonical_messy"].map {
                PackagePaths.datasets.appendingPathComponent("sessions_\($0).csv").path
            }
            async let first = writeReport(inputs, in: directory, folder: "first")
            async let second = writeReport(inputs, in: directory, folder: "second")
            let (a, b) = try await (first, second)
            #expect(try Self.differences(a.url, b.url) == [])
            #expect(try a.url.fileNames().count >= ReportContract.files.count)
        }
    }

    @Test func validateIsByteIdenticalBetweenRuns() async throws {
        try await withTemporaryDirectory { directory in
            let inputs = ["practice_messy", "european_messy"].map(PackagePaths.sampleArgument)
            let first = directory.appendingPathComponent("first")
            let second = directory.appendingPathComponent("second")
            async let a = runOutcomes(["validate"] + inputs + ["--out", first.path])
            async let b = runOutcomes(["validate"] + inputs + ["--out", second.path])
            let (resultA, resultB) = try await (a, b)
            #expect(resultA.stdout.count > 0)
            #expect(
                resultA.out.replacingOccurrences(of: first.path, with: "")
                    == resultB.out.replacingOccurrences(of: second.path, with: ""))
            #expect(try Self.differences(first, second) == [])
        }
    }

    /// `Reports/<sample>/` is what `scripts/report` writes today from `Datasets/`.
    @Test(arguments: PackagePaths.samples)
    func committedExampleIsFresh(sample: String) async throws {
        try await withTemporaryDirectory { directory in
            let result = try await runOutcomes(
                ["report", PackagePaths.sampleArgument(sample), "--out", directory.path],
                in: PackagePaths.root)
            #expect(result.status == 0, "\(result)")
            let committed = PackagePaths.reports.appendingPathComponent(sample)
            let stale = try Self.differences(committed, directory)
            #expect(
                stale.isEmpty,
                "Reports/\(sample)/ is stale (\(stale.joined(separator: ", "))): run scripts/report and commit the result"
            )
        }
    }

    static let python3: String? =
        ["/usr/bin/python3", "/usr/local/bin/python3", "/opt/homebrew/bin/python3"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
        ?? (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        .map { "\($0)/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) }

    /// `scripts/generate-datasets <dir>` rebuilds every committed sample byte for byte.
    @Test(.enabled(if: python3 != nil, "python3 is missing: cannot regenerate Datasets/ to compare"))
    func datasetsAreReproducible() async throws {
        try await withTemporaryDirectory { directory in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "bash", PackagePaths.root.appendingPathComponent("scripts/generate-datasets").path,
                directory.path,
            ]
            process.currentDirectoryURL = PackagePaths.root
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                process.terminationHandler = { _ in continuation.resume() }
                do { try process.run() } catch {
                    process.terminationHandler = nil
                    Issue.record(error, "could not run scripts/generate-datasets")
                    continuation.resume()
                }
            }
            #expect(process.terminationStatus == 0, "scripts/generate-datasets failed")
            let committed = PackagePaths.samples.map { "sessions_\($0).csv" }
            #expect(try directory.fileNames().filter { $0.hasSuffix(".csv") } == committed)
            for name in committed {
                let fresh = try Data(contentsOf: directory.appendingPathComponent(name))
                let stored = try Data(contentsOf: PackagePaths.datasets.appendingPathComponent(name))
                #expect(
                    fresh == stored, "Datasets/\(name) differs from what scripts/generate-datasets writes")
            }
        }
    }

    /// The test runner sits in SwiftPM's `.build/<triple>/<config>/`, and `outcomes` beside it.
    @Test func theBinaryIsTheOneBesideTheRunner() async throws {
        let binary = try OutcomesBinary.require()
        let folder = binary.deletingLastPathComponent().resolvingSymlinksInPath()
        #expect(["debug", "release"].contains(folder.lastPathComponent.lowercased()), "\(folder.path)")
        #expect(folder.pathComponents.contains { $0.hasPrefix(".build") }, "\(folder.path)")
        let version = try await runOutcomes(["--version"])
        #expect(version.status == 0)
        #expect(version.out == "0.1.0\n")
    }
}
