import Foundation
import SessionModel
import Testing

@testable import SessionIngest

/// Every reason code: a tiny file that triggers exactly that reason, and the issue it gives
/// (line, record, field, raw value), with the counts reconciling.
@Suite("Reject and warning reasons")
struct IssueReasonTests {
    /// One file that triggers exactly one issue.
    struct Case {
        var text: String
        var line: Int
        var record: Int
        var field: String
        var value: String
    }

    /// The first data record: another patient, with a two-line note (lines 2 and 3), so
    /// line numbers and record numbers differ by more than one.
    static let filler = CSV.row(["patient_id": "P000009", "notes": "first line\nsecond line"])

    /// A file of the filler, an optional clean base row, and the row under test, which is
    /// record 2 (line 4) without a base row, record 3 (line 5) with one.
    static func file(target: String, base: String? = nil) -> (text: String, line: Int, record: Int) {
        var lines = [CSV.header(), filler]
        if let base { lines.append(base) }
        lines.append(target)
        return (lines.map { $0 + "\n" }.joined(), base == nil ? 4 : 5, base == nil ? 2 : 3)
    }

    static func field(_ name: String, _ value: String) -> Case {
        let (text, line, record) = file(target: CSV.row([name: value]))
        return Case(text: text, line: line, record: record, field: name, value: value)
    }

    static func makeCase(_ reason: RejectReason) -> Case {
        switch reason {
        case .csvSyntax:
            // A stray quote in an unquoted notes field, as in the messy samples.
            let (text, line, record) = file(target: CSV.row() + "tender spot 3\" below PSIS")
            return Case(text: text, line: line, record: record, field: "", value: "")
        case .raggedRow:
            let (text, line, record) = file(target: CSV.row() + ",extra")
            return Case(text: text, line: line, record: record, field: "", value: "")
        case .missingPatientID: return field("patient_id", "")
        case .missingSessionDate: return field("session_date", "")
        case .invalidSessionDate: return field("session_date", "2024-02-30")
        case .missingSessionNumber: return field("session_number", "")
        case .invalidSessionNumber: return field("session_number", "1.5")
        case .missingTechnique: return field("technique", "")
        case .unknownTechnique: return field("technique", "reiki")
        case .missingPain: return field("pain_pre", "")
        case .invalidPain: return field("pain_pre", "n/a")
        case .painOutOfRange: return field("pain_pre", "10.5")
        case .conflictingSessionNumber:
            let (text, line, record) = file(
                target: CSV.row(["pain_pre": "8", "notes": "re-entered"]), base: CSV.row())
            return Case(text: text, line: line, record: record, field: "session_number", value: "1")
        case .duplicateRecord:
            let (text, line, record) = file(target: CSV.row(), base: CSV.row())
            return Case(text: text, line: line, record: record, field: "", value: "")
        case .invalidDuration: return field("duration_min", "-30")
        case .invalidPainPost: return field("pain_post", "?")
        case .painPostOutOfRange: return field("pain_post", "12")
        case .invalidPainScale: return field("pain_scale", "stars")
        case .invalidMedication: return field("med_doses_per_day", "lots")
        case .unknownCause: return field("cause", "sciatica NOS")
        case .invalidSymptomOnset: return field("symptom_onset_weeks", "-3")
        case .invalidAge: return field("age", "forty")
        case .invalidSex: return field("sex", "Q")
        case .invalidAdverseEvent: return field("adverse_event", "exploded")
        }
    }

    @Test(arguments: RejectReason.allCases)
    func eachReasonIsReportedWhereItHappens(reason: RejectReason) throws {
        let scratch = try Scratch()
        let testCase = Self.makeCase(reason)
        let path = try scratch.write("sessions.csv", testCase.text)
        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)

        #expect(result.issues.count == 1, "\(result.issues)")
        let issue = try #require(result.issues.first)
        #expect(issue.reason == reason)
        #expect(issue.file == path)
        #expect(issue.line == testCase.line)
        #expect(issue.record == testCase.record)
        #expect(issue.field == testCase.field)
        #expect(issue.value == testCase.value)

        let records = testCase.record
        let quality = result.quality
        #expect(quality.records == records)
        switch reason.severity {
        case .error:
            #expect(quality.rejected == 1)
            #expect(quality.accepted == records - 1)
            #expect(quality.duplicates == 0)
            #expect(quality.rejectedByReason == [reason: 1])
            #expect(quality.warningsByReason.isEmpty)
        case .warning:
            #expect(quality.rejected == 0)
            #expect(quality.accepted == records)
            #expect(quality.warnings == 1)
            #expect(result.files[0].warned == 1)
            #expect(quality.warningsByReason == [reason: 1])
            #expect(quality.rejectedByReason.isEmpty)
        case .duplicate:
            #expect(quality.duplicates == 1)
            #expect(quality.accepted == records - 1)
            #expect(quality.rejected == 0)
        }
    }

    /// The required fields in the order METRICS.md §1 checks them, each with a bad value.
    static let requiredFaults: [(field: String, value: String, reason: RejectReason)] = [
        ("patient_id", "", .missingPatientID), ("session_date", "yesterday", .invalidSessionDate),
        ("session_number", "0", .invalidSessionNumber), ("technique", "acupuncture", .unknownTechnique),
        ("pain_pre", "severe", .invalidPain),
    ]

    @Test(arguments: 0..<5)
    func theFirstFailingRequiredFieldGivesTheReason(first: Int) throws {
        // Every required field from `first` on is bad; only the first is reported, and the
        // optional fields' warnings of a rejected record are not.
        let scratch = try Scratch()
        var overrides = ["duration_min": "-5", "age": "200"]
        for fault in Self.requiredFaults[first...] { overrides[fault.field] = fault.value }
        let path = try scratch.write("a.csv", CSV.file([overrides]))
        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        #expect(result.issues.map(\.reason) == [Self.requiredFaults[first].reason])
        #expect(result.issues.map(\.field) == [Self.requiredFaults[first].field])
        #expect(result.issues.map(\.value) == [Self.requiredFaults[first].value])
    }

    @Test func oneWarningPerFieldAndTheRecordIsKept() throws {
        let scratch = try Scratch()
        let bad = [
            "duration_min": "500", "pain_post": "-1", "med_doses_per_day": "-1.5", "cause": "sciatica NOS",
            "symptom_onset_weeks": "long", "age": "-4", "sex": "Q", "adverse_event": "exploded",
            "pain_scale": "stars",
        ]
        let path = try scratch.write("a.csv", CSV.file([bad, ["session_number": "2"]]))
        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        #expect(result.quality.accepted == 2)
        #expect(result.quality.warnings == 1)
        #expect(result.issues.count == bad.count)
        #expect(Set(result.issues.map(\.field)) == Set(bad.keys))
        for issue in result.issues {
            #expect(issue.severity == .warning)
            #expect(issue.value == bad[issue.field])
            #expect(issue.line == 2)
            #expect(issue.record == 1)
        }
        // Treated as missing.
        let row = result.table.row(0)
        #expect(row.durationMinutes == SessionTable.missingDuration)
        #expect(row.painPost.isNaN)
        #expect(row.medDosesPerDay.isNaN)
        #expect(row.cause == .unknown)
        #expect(row.symptomOnsetWeeks.isNaN)
        #expect(row.age == SessionTable.missingAge)
        #expect(row.sex == .unknown)
        #expect(row.adverseEvent == AdverseEvent.none)
        #expect(row.painPre == 6)
    }

    @Test func anInvalidPainScaleFallsBackToNRS() throws {
        // `stars` is not a scale: the row is read on NRS, so a VAS-sized pain is out of range
        // (as in the European messy sample), while an NRS-sized one is kept with a warning.
        let scratch = try Scratch()
        let rows: [[String: String]] = [
            ["pain_scale": "stars", "pain_pre": "63", "pain_post": "39"],
            ["pain_scale": "stars", "pain_pre": "6", "pain_post": "3", "session_number": "2"],
        ]
        let result = try Ingestor.ingest(paths: [try scratch.write("a.csv", CSV.file(rows))])
        expectReconciles(result)
        #expect(result.issues.map(\.reason) == [.painOutOfRange, .invalidPainScale])
        #expect(result.issues.map(\.record) == [1, 2])
        #expect(result.table.painPre == [6])
    }

    @Test func longValuesAreCutTo200Characters() throws {
        let scratch = try Scratch()
        let technique = String(repeating: "é", count: 150) + String(repeating: "x", count: 150)
        let result = try Ingestor.ingest(paths: [
            try scratch.write("a.csv", CSV.file([["technique": technique]]))
        ])
        let value = try #require(result.issues.first?.value)
        #expect(value == String(technique.prefix(200)) + "…")
        let short = String(repeating: "漢", count: 200)
        let exact = try Ingestor.ingest(paths: [try scratch.write("b.csv", CSV.file([["technique": short]]))])
        #expect(exact.issues.first?.value == short)
    }

    struct Boundary: Sendable, CustomTestStringConvertible {
        var field: String
        var value: String
        var reason: RejectReason?
        var testDescription: String { "\(field)=\(value)" }
    }

    @Test(arguments: [
        Boundary(field: "pain_pre", value: "0", reason: nil),
        Boundary(field: "pain_pre", value: "10", reason: nil),
        Boundary(field: "pain_pre", value: "10.0", reason: nil),
        Boundary(field: "pain_pre", value: "10.01", reason: .painOutOfRange),
        Boundary(field: "pain_pre", value: "-0.5", reason: .painOutOfRange),
        Boundary(field: "pain_pre", value: "1e1", reason: .invalidPain),
        Boundary(field: "pain_pre", value: " 7 ", reason: nil),
        Boundary(field: "pain_post", value: "0", reason: nil),
        Boundary(field: "pain_post", value: "10", reason: nil),
        Boundary(field: "pain_post", value: "10.5", reason: .painPostOutOfRange),
        Boundary(field: "session_number", value: "+3", reason: nil),
        Boundary(field: "session_number", value: "-1", reason: .invalidSessionNumber),
        Boundary(field: "session_number", value: "two", reason: .invalidSessionNumber),
        Boundary(field: "session_number", value: " 2 ", reason: nil),
        Boundary(field: "duration_min", value: "1", reason: nil),
        Boundary(field: "duration_min", value: "240", reason: nil),
        Boundary(field: "duration_min", value: "0", reason: .invalidDuration),
        Boundary(field: "duration_min", value: "241", reason: .invalidDuration),
        Boundary(field: "duration_min", value: "45.5", reason: .invalidDuration),
        Boundary(field: "age", value: "0", reason: nil), Boundary(field: "age", value: "120", reason: nil),
        Boundary(field: "age", value: "121", reason: .invalidAge),
        Boundary(field: "med_doses_per_day", value: "0", reason: nil),
        Boundary(field: "med_doses_per_day", value: "-0.5", reason: .invalidMedication),
        Boundary(field: "symptom_onset_weeks", value: "0", reason: nil),
        Boundary(field: "symptom_onset_weeks", value: "520.5", reason: nil),
        Boundary(field: "session_date", value: "2024-02-29", reason: nil),
        Boundary(field: "session_date", value: "2023-02-29", reason: .invalidSessionDate),
        Boundary(field: "session_date", value: "1899-12-31", reason: .invalidSessionDate),
        Boundary(field: "session_date", value: "2024-03-07T10:00", reason: .invalidSessionDate),
        Boundary(field: "technique", value: "DTM", reason: nil),
        Boundary(field: "technique", value: "G5 Vibration", reason: nil),
        Boundary(field: "cause", value: "", reason: nil), Boundary(field: "sex", value: "", reason: nil),
        Boundary(field: "adverse_event", value: "", reason: nil),
        Boundary(field: "pain_scale", value: "NRS", reason: nil),
    ])
    func boundaries(boundary: Boundary) throws {
        let scratch = try Scratch()
        let path = try scratch.write("a.csv", CSV.file([[boundary.field: boundary.value]]))
        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        #expect(result.issues.map(\.reason) == (boundary.reason.map { [$0] } ?? []))
        if let reason = boundary.reason {
            #expect(result.issues.first?.value == boundary.value)
            #expect(result.issues.first?.field == boundary.field)
            #expect(result.quality.accepted == (reason.severity == .error ? 0 : 1))
        } else {
            #expect(result.quality.accepted == 1)
        }
    }
}
