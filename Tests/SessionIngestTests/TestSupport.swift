import Foundation
import SessionModel
import TestSupport
import Testing

@testable import SessionIngest

/// A unique directory under the system's temporary directory, removed with everything in
/// it when the value goes away. Each test makes its own, so tests can run in parallel.
final class Scratch {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "SessionIngestTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `bytes` to `name` in the directory and returns the file's path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let fileURL = url.appendingPathComponent(name)
        try Data(bytes).write(to: fileURL)
        return fileURL.path
    }

    /// Writes `text` as UTF-8 (no byte-order mark) and returns the file's path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, Array(text.utf8))
    }

    /// The path of `name` in the directory, without creating anything.
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// Where the committed files are: the package root, found from this file's own path.
enum Package {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func dataset(_ name: String) -> String { root.appendingPathComponent("Datasets/\(name)").path }

    static func bytes(ofDataset name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: dataset(name))))
    }
}

/// Builds small canonical session exports, one field at a time.
enum CSV {
    /// The 17 canonical columns, in the order METRICS.md §1 lists them.
    static let canonicalColumns = SessionField.allCases.map(\.rawValue)

    /// A valid canonical row; `overrides` replaces fields by canonical name.
    static let defaults: [String: String] = [
        "clinic_id": "C01", "patient_id": "P000001", "session_date": "2024-03-07", "session_number": "1",
        "technique": "deep_tissue", "therapist_id": "T001", "duration_min": "60", "pain_pre": "6",
        "pain_post": "4", "pain_scale": "nrs", "med_doses_per_day": "1.5", "cause": "herniated_disc",
        "symptom_onset_weeks": "9.7", "age": "45", "sex": "F", "adverse_event": "none", "notes": "",
    ]

    /// A field as RFC 4180 writes it: quoted only when it has to be.
    static func field(_ value: String, delimiter: Character = ",") -> String {
        let needsQuotes =
            value.contains(delimiter) || value.contains("\"")
            || value.unicodeScalars.contains {
                $0 == "\r" || $0 == "\n"
            }
        guard needsQuotes else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One record (no terminator) of `columns`, taking values from the defaults and `overrides`.
    static func row(
        _ overrides: [String: String] = [:], columns: [String] = canonicalColumns, delimiter: Character = ","
    ) -> String {
        columns.map { field(overrides[$0] ?? defaults[$0] ?? "", delimiter: delimiter) }
            .joined(separator: String(delimiter))
    }

    static func header(_ columns: [String] = canonicalColumns, delimiter: Character = ",") -> String {
        columns.joined(separator: String(delimiter))
    }

    /// A whole file: the header, then each row, each line ended by `ending`.
    static func file(
        _ rows: [[String: String]], columns: [String] = canonicalColumns, delimiter: Character = ",",
        ending: String = "\n"
    ) -> String {
        ([header(columns, delimiter: delimiter)]
            + rows.map { row($0, columns: columns, delimiter: delimiter) })
            .map { $0 + ending }.joined()
    }
}

/// Days since 1970-01-01 of a calendar date, as Foundation's Gregorian calendar counts them.
func foundationDay(_ year: Int, _ month: Int, _ day: Int) -> Int32 {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let date = calendar.date(from: DateComponents(year: year, month: month, day: day))!
    return Int32((date.timeIntervalSince1970 / 86_400).rounded(.down))
}

/// Checks every way the counts of a result must agree with each other; true when all do.
@discardableResult
func expectReconciles(_ result: IngestResult, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
    var ok = true
    func check(_ condition: Bool, _ comment: @autoclosure () -> String) {
        if !condition {
            Issue.record(Comment(rawValue: comment()), sourceLocation: sourceLocation)
            ok = false
        }
    }
    let quality = result.quality
    check(
        quality.reconciles,
        "records \(quality.records) ≠ accepted \(quality.accepted) + rejected \(quality.rejected) + duplicates \(quality.duplicates)"
    )
    check(quality.files == result.files.count, "files")
    for file in result.files {
        check(
            file.records == file.accepted + file.rejected + file.duplicates,
            "\(file.path): \(file.records) ≠ \(file.accepted) + \(file.rejected) + \(file.duplicates)")
        check(
            file.accepted >= 0 && file.warned <= file.accepted,
            "\(file.path): accepted \(file.accepted), warned \(file.warned)")
    }
    check(quality.records == result.files.reduce(0) { $0 + $1.records }, "records ≠ sum over files")
    check(quality.accepted == result.files.reduce(0) { $0 + $1.accepted }, "accepted ≠ sum over files")
    check(quality.rejected == result.files.reduce(0) { $0 + $1.rejected }, "rejected ≠ sum over files")
    check(quality.duplicates == result.files.reduce(0) { $0 + $1.duplicates }, "duplicates ≠ sum over files")
    check(quality.warnings == result.files.reduce(0) { $0 + $1.warned }, "warnings ≠ sum over files")
    check(
        quality.accepted == result.table.count,
        "accepted \(quality.accepted) ≠ table rows \(result.table.count)")
    let errors = result.issues.filter { $0.severity == .error }.count
    let duplicates = result.issues.filter { $0.severity == .duplicate }.count
    check(errors == quality.rejected, "error issues \(errors) ≠ rejected \(quality.rejected)")
    check(
        duplicates == quality.duplicates, "duplicate issues \(duplicates) ≠ duplicates \(quality.duplicates)")
    check(quality.rejectedByReason.values.reduce(0, +) == quality.rejected, "rejectedByReason ≠ rejected")
    let warnings = result.issues.filter { $0.severity == .warning }.count
    check(quality.warningsByReason.values.reduce(0, +) == warnings, "warningsByReason ≠ warning issues")
    return ok
}

extension SplitMix64 {
    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }
}
