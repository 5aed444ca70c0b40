import Foundation
import Testing

/// The analysis flags change the outputs as documented; bad values are rejected up front.
@Suite("report options")
struct ReportOptionsTests {
    static let canonical = PackagePaths.datasets.appendingPathComponent("sessions_canonical.csv").path

    /// Unsuppressed rows of one cohort dimension, by cohort: summed courses.
    static func courses(_ report: ReportFolder, dimension: String) -> [String: Int] {
        var totals: [String: Int] = [:]
        for row in report.csv["cohort_comparison.csv"]?.records ?? [] where row["dimension"] == dimension {
            totals[row["cohort"] ?? "", default: 0] += Int(row["courses"] ?? "") ?? 0
        }
        return totals
    }

    @Test func referenceChoosesTheComparator() async throws {
        try await withTemporaryDirectory { directory in
            let plain = try await writeReport([Self.canonical], in: directory, folder: "plain")
            let swedish = try await writeReport(
                [Self.canonical], in: directory, folder: "swedish", options: ["--reference", "swedish"])
            try swedish.checkContract()
            func allRows(_ report: ReportFolder) -> [String: [String: String]] {
                let rows =
                    report.csv["cohort_comparison.csv"]?.records.filter { $0["dimension"] == "all" } ?? []
                return Dictionary(
                    rows.map { ($0["technique"] ?? "", $0) }, uniquingKeysWith: { first, _ in first })
            }
            let before = allRows(plain)
            let after = allRows(swedish)
            #expect(
                before["swedish"]?["diff_vs_reference"]?.isEmpty == false, "swedish is compared by default")
            #expect(
                after["swedish"]?["diff_vs_reference"]?.isEmpty == true,
                "the reference is not compared with itself")
            #expect(after["deep_tissue"]?["diff_vs_reference"]?.isEmpty == false)
            #expect(Set(swedish.csv["cohort_comparison.csv"]?.column("reference") ?? []) == ["swedish"])
            // Welch's difference is antisymmetric: deep_tissue − swedish = −(swedish − deep_tissue).
            let forward = Double(after["deep_tissue"]?["diff_vs_reference"] ?? "") ?? .nan
            let backward = Double(before["swedish"]?["diff_vs_reference"] ?? "") ?? .nan
            if before["deep_tissue"]?["diff_vs_reference"]?.isEmpty == true {
                #expect(abs(forward + backward) < 1e-9, "\(forward) vs \(backward)")
            }
            #expect(try swedish.text("report.md").contains("**swedish**"))
        }
    }

    @Test func responderThresholdMovesTheResponders() async throws {
        try await withTemporaryDirectory { directory in
            let plain = try await writeReport([Self.canonical], in: directory, folder: "plain")
            let strict = try await writeReport(
                [Self.canonical], in: directory, folder: "strict", options: ["--responder-threshold", "50"])
            try strict.checkContract()
            let before = try #require(plain.csv["technique_outcomes.csv"]?.records.last)
            let after = try #require(strict.csv["technique_outcomes.csv"]?.records.last)
            #expect(before["technique"] == "all" && after["technique"] == "all")
            #expect(after["courses"] == before["courses"])
            #expect(after["mean_change"] == before["mean_change"], "the threshold does not change pain")
            let responders = (Int(before["responders"] ?? "") ?? 0, Int(after["responders"] ?? "") ?? 0)
            #expect(responders.1 < responders.0, "\(responders)")
            let rates = (
                Double(before["responder_rate"] ?? "") ?? 0, Double(after["responder_rate"] ?? "") ?? 1
            )
            #expect(rates.1 < rates.0)
            #expect(try strict.text("report.md").contains("at least 50%"))
        }
    }

    @Test func maxSessionEndsTheTrend() async throws {
        try await withTemporaryDirectory { directory in
            let report = try await writeReport(
                [Self.canonical], in: directory, options: ["--max-session", "6"])
            try report.checkContract()
            let numbers = Set(
                report.csv["session_trend.csv"]?.column("session_number").compactMap { Int($0) } ?? [])
            #expect(numbers == Set(1...6))
        }
    }

    @Test func chronicityCutoffsMoveCourses() async throws {
        try await withTemporaryDirectory { directory in
            let plain = try await writeReport(
                [Self.canonical], in: directory, folder: "plain", options: ["--min-cell", "0"])
            let moved = try await writeReport(
                [Self.canonical], in: directory, folder: "moved",
                options: ["--min-cell", "0", "--chronicity-cutoffs", "4,10"])
            try moved.checkContract()
            let before = Self.courses(plain, dimension: "chronicity")
            let after = Self.courses(moved, dimension: "chronicity")
            #expect(before.values.reduce(0, +) == after.values.reduce(0, +), "\(before) \(after)")
            #expect(
                (after["acute"] ?? 0) < (before["acute"] ?? 0), "acute is < 4 weeks now: \(before) \(after)")
            #expect(
                (after["chronic"] ?? 0) > (before["chronic"] ?? 0),
                "chronic is ≥ 10 weeks now: \(before) \(after)")
            #expect(after["unknown"] == before["unknown"])
            #expect(Self.courses(plain, dimension: "all") == Self.courses(moved, dimension: "all"))
        }
    }

    /// Bad values end with status 64 before anything is read or written, with a one-line
    /// `outcomes: error: …` message (no ArgumentParser usage text).
    @Test(arguments: [
        ["report", "--max-session", "0"], ["report", "--max-session", "1001"], ["report", "--min-cell=-1"],
        ["report", "--reference", "reiki"], ["report", "--responder-threshold", "0"],
        ["report", "--responder-threshold", "101"], ["report", "--responder-threshold", "lots"],
        ["report", "--chronicity-cutoffs", "12,6"], ["report", "--chronicity-cutoffs", "6"],
        ["report", "--chronicity-cutoffs", "a,b"], ["report", "--delimiter", "x"],
        ["validate", "--encoding", "ebcdic"],
        ["validate", "--date-format", "ymd"], ["validate", "--pain-scale", "stars"],
        ["validate", "--mapping", "no-such-mapping.yaml"], ["inspect", "--rows", "-1"],
        ["report", "--no-such-flag"],
    ])
    func badValuesExit64(arguments: [String]) async throws {
        try await withTemporaryDirectory { directory in
            try directory.write(BadInput.raggedText, to: "input.csv")
            let command = arguments[0]
            let out = command == "inspect" ? [] : ["--out", "out"]
            let result = try await runOutcomes(
                [command, "input.csv"] + out + arguments.dropFirst(), in: directory)
            #expect(result.status == 64, "\(result)")
            #expect(result.out.isEmpty, "\(result)")
            expectNoCrashText(result)
            let flag = arguments[1].split(separator: "=")[0]
            #expect(result.err.contains(flag), "the message does not name \(flag): \(result)")
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out").path))
            #expect(result.err.hasPrefix("outcomes: error: "), "\(result)")
            #expect(result.err.filter { $0 == "\n" }.count == 1, "\(result)")
        }
    }
}
