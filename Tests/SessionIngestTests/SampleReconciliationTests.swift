import Foundation
import SessionModel
import Testing

@testable import SessionIngest

/// The committed samples in `Datasets/`: counts reconcile, and each messy sample's rejects
/// and warnings match the defects `Datasets/README.md` says were injected.
@Suite("Committed samples")
struct SampleReconciliationTests {
    struct Expectation: Sendable, CustomTestStringConvertible {
        var file: String
        var records: Int
        var rejects: [RejectReason: Int]
        var warnings: [RejectReason: Int]
        var duplicates: Int
        /// The data record with the stray quote (README, "Injected counts per messy sample").
        var syntaxErrorRecord: Int
        var encoding: TextEncoding
        var delimiter: UInt8
        var lineEnding: LineEnding
        var byteOrderMark: Bool
        var vas: Bool

        var testDescription: String { file }
        var rejected: Int { rejects.values.reduce(0, +) }
        var accepted: Int { records - rejected - duplicates }
    }

    // Hard-coded from Datasets/README.md, "Injected counts per messy sample". The README's
    // kinds map to reason codes as follows: missing_pain_pre → missing_pain,
    // invalid_pain_pre → invalid_pain, pain_pre_out_of_range → pain_out_of_range,
    // csv_syntax_error → csv_syntax, negative_duration + duration_out_of_range →
    // invalid_duration, negative_medication + invalid_medication → invalid_medication,
    // duplicate_row → duplicate_record.
    static let canonical = Expectation(
        file: "sessions_canonical_messy.csv", records: 4_010,
        rejects: [
            .missingPatientID: 4, .missingSessionDate: 5, .invalidSessionDate: 4, .invalidSessionNumber: 5,
            .missingSessionNumber: 5, .missingTechnique: 4, .unknownTechnique: 5, .missingPain: 5,
            .invalidPain: 5,
            .painOutOfRange: 4, .raggedRow: 5, .conflictingSessionNumber: 4, .csvSyntax: 1,
        ],
        warnings: [
            .invalidDuration: 5 + 5, .invalidMedication: 4 + 5, .painPostOutOfRange: 4, .invalidPainPost: 4,
            .unknownCause: 4, .invalidAge: 5, .invalidSex: 5, .invalidAdverseEvent: 5,
            .invalidSymptomOnset: 5,
        ],
        duplicates: 5, syntaxErrorRecord: 2005, encoding: .utf8, delimiter: UInt8(ascii: ","),
        lineEnding: .lf,
        byteOrderMark: false, vas: false)

    static let practice = Expectation(
        file: "sessions_practice_messy.csv", records: 4_010,
        rejects: [
            .missingPatientID: 5, .missingSessionDate: 5, .invalidSessionDate: 4, .invalidSessionNumber: 5,
            .missingSessionNumber: 4, .missingTechnique: 5, .unknownTechnique: 5, .missingPain: 4,
            .invalidPain: 4,
            .painOutOfRange: 5, .raggedRow: 4, .conflictingSessionNumber: 5, .csvSyntax: 1,
        ],
        warnings: [
            .invalidDuration: 5 + 4, .invalidMedication: 4 + 5, .painPostOutOfRange: 5, .invalidPainPost: 4,
            .unknownCause: 4, .invalidAge: 5, .invalidSex: 4, .invalidAdverseEvent: 5,
            .invalidSymptomOnset: 5,
        ],
        duplicates: 5, syntaxErrorRecord: 1906, encoding: .utf8, delimiter: UInt8(ascii: ","),
        lineEnding: .crlf,
        byteOrderMark: true, vas: false)

    // The README lists 4 pain_pre_out_of_range and 4 invalid_pain_scale (`stars`). By
    // contract an invalid pain_scale falls back to NRS, and those 4 rows hold VAS pain
    // (36–74) above 10, so they are pain_out_of_range rejects too (4 + 4), and a rejected
    // record reports no warnings: no invalid_pain_scale remains.
    static let european = Expectation(
        file: "sessions_european_messy.csv", records: 4_019,
        rejects: [
            .missingPatientID: 4, .missingSessionDate: 4, .invalidSessionDate: 4, .invalidSessionNumber: 5,
            .missingSessionNumber: 5, .missingTechnique: 4, .unknownTechnique: 4, .missingPain: 4,
            .invalidPain: 4,
            .painOutOfRange: 4 + 4, .raggedRow: 4, .conflictingSessionNumber: 4, .csvSyntax: 1,
        ],
        warnings: [
            .invalidDuration: 4 + 4, .invalidMedication: 5 + 5, .painPostOutOfRange: 4, .invalidPainPost: 4,
            .unknownCause: 5, .invalidAge: 5, .invalidSex: 4, .invalidAdverseEvent: 5,
            .invalidSymptomOnset: 4,
        ],
        duplicates: 5, syntaxErrorRecord: 1965, encoding: .windows1252, delimiter: UInt8(ascii: ";"),
        lineEnding: .crlf, byteOrderMark: false, vas: true)

    @Test func theReadmeTotalsAgreeWithTheHardCodedCounts() {
        // README: rejects total 56 / 56 / 51, warnings total 51 / 50 / 53 (before the
        // pain-scale adjustment above), duplicates 5 each.
        #expect(Self.canonical.rejected == 56)
        #expect(Self.practice.rejected == 56)
        #expect(Self.european.rejected == 51 + 4)
        #expect(Self.canonical.warnings.values.reduce(0, +) == 51)
        #expect(Self.practice.warnings.values.reduce(0, +) == 50)
        #expect(Self.european.warnings.values.reduce(0, +) == 53 - 4)
    }

    @Test(arguments: [canonical, practice, european])
    func messySampleMatchesTheInjectedDefects(expected: Expectation) throws {
        let path = Package.dataset(expected.file)
        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        let file = try #require(result.files.first)
        #expect(file.dialect.encoding == expected.encoding)
        #expect(file.dialect.delimiter == expected.delimiter)
        #expect(file.dialect.lineEnding == expected.lineEnding)
        #expect(file.dialect.hasByteOrderMark == expected.byteOrderMark)
        #expect(file.records == expected.records)
        #expect(file.rejected == expected.rejected)
        #expect(file.duplicates == expected.duplicates)
        #expect(file.accepted == expected.accepted)
        #expect(file.warned == expected.warnings.values.reduce(0, +))
        #expect(result.quality.rejectedByReason == expected.rejects)
        #expect(result.quality.warningsByReason == expected.warnings)
        #expect(file.vasConverted == (expected.vas ? expected.accepted : 0))
        #expect(file.windows1252Lines == 0)
        let syntax = result.issues.filter { $0.reason == .csvSyntax }
        #expect(syntax.map(\.record) == [expected.syntaxErrorRecord])
        // Issues are in record order, and lines rise with records.
        let records = result.issues.map(\.record)
        #expect(records == records.sorted())
        for (a, b) in zip(result.issues, result.issues.dropFirst()) where a.record < b.record {
            #expect(a.line < b.line)
        }
        #expect(
            result.issues.allSatisfy { $0.file == path && $0.record >= 1 && $0.record <= expected.records })
    }

    @Test(arguments: [
        ("sessions_canonical.csv", 4_001), ("sessions_practice.csv", 4_000), ("sessions_european.csv", 4_010),
    ])
    func cleanSampleHasNoIssues(file: String, records: Int) throws {
        let result = try Ingestor.ingest(paths: [Package.dataset(file)])
        expectReconciles(result)
        #expect(result.quality.records == records)
        #expect(result.quality.rejected == 0)
        #expect(result.quality.duplicates == 0)
        #expect(result.quality.warnings == 0)
        #expect(result.issues.isEmpty)
        #expect(result.quality.accepted == records)
    }

    @Test func inspectSeesTheSameRecordsAsIngest() throws {
        for expected in [Self.canonical, Self.practice, Self.european] {
            let inspection = try Inspector.inspect(path: Package.dataset(expected.file), rows: 0)
            #expect(inspection.records.count + inspection.syntaxErrorLines.count == expected.records)
            #expect(inspection.syntaxErrorLines.count == 1)
            #expect(!inspection.truncated)
            let lines = (inspection.recordLines + inspection.syntaxErrorLines).sorted()
            #expect(Set(lines).count == lines.count)
        }
    }

    @Test func allSamplesTogether() throws {
        let messy = [Self.canonical, Self.practice, Self.european]
        let together = try Ingestor.ingest(paths: messy.map { Package.dataset($0.file) })
        expectReconciles(together)
        // The dialects' clinics differ, so no record of one file meets another's.
        #expect(together.files.map(\.records) == messy.map(\.records))
        #expect(together.files.map(\.accepted) == messy.map(\.accepted))
        #expect(together.files.map(\.rejected) == messy.map(\.rejected))
        #expect(together.files.map(\.duplicates) == messy.map(\.duplicates))

        // Clean and messy partners share their rows: the later file's copies are duplicates.
        let names = [
            "sessions_canonical.csv", "sessions_canonical_messy.csv", "sessions_practice.csv",
            "sessions_practice_messy.csv", "sessions_european.csv", "sessions_european_messy.csv",
        ]
        let all = try Ingestor.ingest(paths: names.map { Package.dataset($0) })
        expectReconciles(all)
        #expect(all.quality.records == 4_001 + 4_010 + 4_000 + 4_010 + 4_010 + 4_019)
        #expect(all.quality.accepted == 4_001 + 4_000 + 4_010)
        for index in [1, 3, 5] { #expect(all.files[index].accepted == 0) }
    }
}
