import Foundation
import Testing

/// The committed samples and what `Datasets/README.md` says about each.
struct Sample: Sendable, CustomTestStringConvertible {
    var name: String
    var encoding: String
    var byteOrderMark: Bool
    var delimiter: String
    var lineEnding: String
    /// How `inspect` names the date format.
    var dateFormat: String
    /// Data records after the header ("data rows" in the README).
    var records: Int
    /// A clinic that appears in the file, as written there (after decoding).
    var clinic: String
    /// The injected defects of a messy sample: (rejected, warnings, duplicates).
    var injected: (rejected: Int, warnings: Int, duplicates: Int)?

    var isMessy: Bool { injected != nil }
    var argument: String { PackagePaths.sampleArgument(name) }
    var testDescription: String { name }

    static let all: [Sample] = [
        Sample(
            name: "canonical", encoding: "utf-8", byteOrderMark: false, delimiter: ",", lineEnding: "LF",
            dateFormat: "YYYY-MM-DD", records: 4001, clinic: "C01", injected: nil),
        Sample(
            name: "canonical_messy", encoding: "utf-8", byteOrderMark: false, delimiter: ",",
            lineEnding: "LF",
            dateFormat: "YYYY-MM-DD", records: 4010, clinic: "C01", injected: (56, 51, 5)),
        Sample(
            name: "european", encoding: "windows-1252", byteOrderMark: false, delimiter: ";",
            lineEnding: "CRLF",
            dateFormat: "DD.MM.YYYY", records: 4010, clinic: "Zürich-Süd", injected: nil),
        Sample(
            name: "european_messy", encoding: "windows-1252", byteOrderMark: false, delimiter: ";",
            lineEnding: "CRLF", dateFormat: "DD.MM.YYYY", records: 4019, clinic: "Zürich-Süd",
            injected: (51, 53, 5)),
        Sample(
            name: "practice", encoding: "utf-8", byteOrderMark: true, delimiter: ",", lineEnding: "CRLF",
            dateFormat: "MM/DD/YYYY", records: 4000, clinic: "Downtown", injected: nil),
        Sample(
            name: "practice_messy", encoding: "utf-8", byteOrderMark: true, delimiter: ",",
            lineEnding: "CRLF",
            dateFormat: "MM/DD/YYYY", records: 4010, clinic: "Downtown", injected: (56, 50, 5)),
    ]
}

@Suite("Samples")
struct SampleTableTests {
    /// Every committed sample is described above, so no sample escapes the per-sample tests.
    @Test func everyCommittedSampleIsDescribed() {
        #expect(!PackagePaths.samples.isEmpty, "no Datasets/sessions_*.csv under \(PackagePaths.root.path)")
        #expect(PackagePaths.samples == Sample.all.map(\.name).sorted())
    }
}
