import Foundation
import Testing

@Suite("report")
struct ReportCommandTests {
    @Test(arguments: Sample.all)
    func writesEveryFileOfTheContract(sample: Sample) async throws {
        try await withTemporaryDirectory { directory in
            let input = PackagePaths.datasets.appendingPathComponent("sessions_\(sample.name).csv").path
            let report = try await writeReport([input], in: directory)
            try report.checkContract()
            let quality = try #require(report.quality)
            #expect(quality["records"] == sample.records)
            #expect(quality["files"] == 1)
            let outcomes = try #require(report.csv["technique_outcomes.csv"])
            #expect(outcomes.column("technique").last == "all")
            #expect(outcomes.column("suppressed").last == "false", "4,000 sessions are not a small cell")
            let dimensions = Set(report.csv["cohort_comparison.csv"]?.column("dimension") ?? [])
            #expect(dimensions == ["all", "cause", "chronicity", "age_band", "sex", "clinic"])
            let trend = report.csv["session_trend.csv"]?.column("session_number").compactMap { Int($0) } ?? []
            #expect(trend.max() == 12, "the trend runs to --max-session (default 12)")
            #expect(try report.text("report.md").contains(sample.isMessy ? "rejects.csv" : "# "))
        }
    }

    /// Several exports are one dataset: the counts add up, and order of files is kept.
    @Test func severalInputsFormOneDataset() async throws {
        try await withTemporaryDirectory { directory in
            let inputs = ["canonical", "european_messy"].map {
                PackagePaths.datasets.appendingPathComponent("sessions_\($0).csv").path
            }
            let report = try await writeReport(inputs, in: directory)
            try report.checkContract()
            #expect(report.quality?["files"] == 2)
            #expect(report.quality?["records"] == 4001 + 4019)
            let clinics = Set(
                report.csv["cohort_comparison.csv"]?.records.filter { $0["dimension"] == "clinic" }
                    .compactMap { $0["cohort"] } ?? [])
            #expect(clinics.isSuperset(of: ["C01", "Zürich-Süd"]), "\(clinics)")
        }
    }

    @Test func aHeaderWithNoRowsGivesAnEmptyReport() async throws {
        try await withTemporaryDirectory { directory in
            try directory.write(BadInput.header, to: "empty-export.csv")
            let report = try await writeReport(["empty-export.csv"], in: directory)
            try report.checkContract()
            #expect(report.quality?["records"] == 0)
            #expect(report.quality?["courses"] == 0)
        }
    }
}
