import Foundation
import SessionModel
import Testing

@testable import SessionIngest

/// Duplicates and conflicting session numbers (within a file and across files), session
/// numbers derived from date order, and the slash-date order decided from a whole column.
@Suite("Duplicates, conflicts and session numbers")
struct DuplicatesAndSessionNumbersTests {
    @Test func exactCopyIsADuplicateOfTheFirst() throws {
        let scratch = try Scratch()
        let rows: [[String: String]] = [
            ["notes": "a, b\nc"], ["session_number": "2", "pain_pre": "5"], ["notes": "a, b\nc"],
            ["session_number": "3", "pain_pre": "4"],
        ]
        let path = try scratch.write("a.csv", CSV.file(rows))
        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        #expect(result.quality.duplicates == 1)
        #expect(result.quality.accepted == 3)
        let issue = try #require(result.issues.first)
        #expect(result.issues.count == 1)
        #expect(issue.reason == .duplicateRecord)
        #expect(issue.severity == .duplicate)
        #expect((issue.line, issue.record) == (5, 3))
        #expect(issue.detail.contains("line 2"))
        #expect(result.table.sessionNumber == [1, 2, 3])
    }

    static let equalAfterNormalisation: [[String: String]] = [
        ["patient_id": " P000001 "], ["technique": "Deep Tissue Massage"], ["technique": "DTM"],
        ["pain_pre": "6.0"], ["pain_pre": "06"], ["session_date": "03/07/2024"],
        ["session_date": "07.03.2024"],
        ["session_date": "2024-3-7"], ["med_doses_per_day": "1.50"], ["cause": "Herniated disc"],
        ["sex": "female"], ["adverse_event": ""], ["duration_min": "060"], ["session_number": "+1"],
        ["pain_scale": "NRS"], ["pain_scale": ""], ["notes": ""],
    ]

    @Test(arguments: equalAfterNormalisation)
    func recordsEqualAfterNormalisationAreDuplicates(variant: [String: String]) throws {
        let scratch = try Scratch()
        let path = try scratch.write("a.csv", CSV.file([[:], variant]))
        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        #expect(result.issues.map(\.reason) == [.duplicateRecord])
        #expect(result.issues.map(\.record) == [2])
    }

    static let differentInOneField: [[String: String]] = [
        ["notes": "re-entered"], ["therapist_id": "T002"], ["pain_post": ""], ["cause": ""], ["age": "46"],
        ["session_date": "2024-03-08"], ["technique": "swedish"], ["duration_min": ""],
        ["pain_scale": "vas", "pain_pre": "61"],
    ]

    @Test(arguments: differentInOneField)
    func aSecondRecordOfTheSameSessionThatDiffersIsAConflict(variant: [String: String]) throws {
        let scratch = try Scratch()
        let path = try scratch.write("a.csv", CSV.file([[:], variant]))
        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        #expect(result.issues.map(\.reason) == [.conflictingSessionNumber])
        let issue = try #require(result.issues.first)
        #expect((issue.line, issue.record, issue.field, issue.value) == (3, 2, "session_number", "1"))
        #expect(result.quality.accepted == 1)
        #expect(result.table.painPre == [6])
    }

    @Test func duplicatesAreRecognisedBeforeConflicts() throws {
        // A, then B conflicting with A, then a copy of A (a duplicate), then a copy of B:
        // B was rejected, so its copy repeats no accepted record and is a conflict too.
        let scratch = try Scratch()
        let a: [String: String] = ["session_number": "2"]
        let b: [String: String] = ["session_number": "2", "pain_pre": "8"]
        let path = try scratch.write("a.csv", CSV.file([a, b, a, b]))
        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        #expect(
            result.issues.map { "\($0.record):\($0.reason.rawValue)" } == [
                "2:conflicting_session_number", "3:duplicate_record", "4:conflicting_session_number",
            ])
        #expect(result.table.painPre == [6])
    }

    @Test func theSamePatientIdInAnotherClinicIsAnotherCourse() throws {
        let scratch = try Scratch()
        let path = try scratch.write("a.csv", CSV.file([[:], ["clinic_id": "C02", "pain_pre": "3"]]))
        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        #expect(result.issues.isEmpty)
        #expect(result.table.courseCount == 2)
    }

    @Test func duplicatesAndConflictsAcrossTwoFiles() throws {
        let scratch = try Scratch()
        let first = try scratch.write(
            "first.csv", CSV.file([[:], ["session_number": "2", "pain_pre": "5"]]))
        // The second export repeats session 1, contradicts session 2 and adds session 3, in
        // another dialect.
        let second = try scratch.write(
            "second.csv",
            CSV.file(
                [
                    ["session_date": "07.03.2024", "technique": "Deep tissue"],
                    ["session_number": "2", "pain_pre": "7"], ["session_number": "3", "pain_pre": "4,5"],
                ], delimiter: ";", ending: "\r\n"))
        let result = try Ingestor.ingest(paths: [first, second])
        expectReconciles(result)
        #expect(result.files.map(\.records) == [2, 3])
        #expect(result.files.map(\.accepted) == [2, 1])
        #expect(result.files.map(\.duplicates) == [0, 1])
        #expect(result.files.map(\.rejected) == [0, 1])
        #expect(
            result.issues.map {
                "\(URL(fileURLWithPath: $0.file).lastPathComponent):\($0.line):\($0.reason.rawValue)"
            } == [
                "second.csv:2:duplicate_record", "second.csv:3:conflicting_session_number",
            ])
        #expect(result.issues.allSatisfy { $0.detail.contains(first) })
        #expect(result.table.sessionNumber == [1, 2, 3])
        #expect(result.table.painPre == [6, 5, 4.5])

        // In the other order, the other file's records are the later ones.
        let reversed = try Ingestor.ingest(paths: [second, first])
        expectReconciles(reversed)
        #expect(reversed.files.map(\.duplicates) == [0, 1])
        #expect(reversed.files.map(\.rejected) == [0, 1])
        #expect(reversed.table.painPre == [6, 7, 4.5])
    }

    @Test func theSameFileTwice() throws {
        let scratch = try Scratch()
        let rows: [[String: String]] = [["age": "forty"], ["session_number": "2", "pain_pre": "5"]]
        let path = try scratch.write("a.csv", CSV.file(rows))
        let result = try Ingestor.ingest(paths: [path, path])
        expectReconciles(result)
        #expect(result.files.map(\.duplicates) == [0, 2])
        #expect(result.quality.accepted == 2)
        #expect(result.quality.warnings == 1)
        // The second copy's records are all duplicates, so its warnings are dropped with them.
        #expect(result.issues.filter { $0.severity == .warning }.count == 1)
        #expect(result.quality.warningsByReason == [.invalidAge: 1])
    }

    @Test func anEmptyPathListIsAnEmptyDataset() throws {
        let result = try Ingestor.ingest(paths: [])
        expectReconciles(result)
        #expect(result.quality.records == 0)
        #expect(result.table.count == 0)
    }

    // MARK: Derived session numbers

    static let withoutNumbers = CSV.canonicalColumns.filter { $0 != "session_number" }

    @Test func sessionNumbersAreDerivedFromDateOrderWithFileOrderOnTies() throws {
        let scratch = try Scratch()
        // Pain values name the rows: (date, pain) in file order.
        let rows: [[String: String]] = [
            ["session_date": "2024-03-20", "pain_pre": "4"], ["session_date": "2024-03-06", "pain_pre": "7"],
            ["session_date": "2024-03-13", "pain_pre": "5"],
            ["session_date": "2024-03-06", "pain_pre": "6.5"],
            ["patient_id": "P2", "session_date": "2024-01-01", "pain_pre": "9"],
            ["session_date": "2024-03-13", "pain_pre": "5"],  // a duplicate: not numbered
        ]
        let path = try scratch.write("a.csv", CSV.file(rows, columns: Self.withoutNumbers))
        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        #expect(result.issues.map(\.reason) == [.duplicateRecord])
        #expect(result.issues.map(\.record) == [6])
        var numbered: [Double: Int32] = [:]
        for index in 0..<result.table.count {
            numbered[result.table.painPre[index]] = result.table.sessionNumber[index]
        }
        #expect(numbered == [7: 1, 6.5: 2, 5: 3, 4: 4, 9: 1])
        #expect(result.table.courseCount == 2)
    }

    @Test func derivedNumbersSpanFilesOfOneCourse() throws {
        let scratch = try Scratch()
        let first = try scratch.write(
            "a.csv",
            CSV.file([["session_date": "2024-03-13", "pain_pre": "5"]], columns: Self.withoutNumbers))
        let second = try scratch.write(
            "b.csv",
            CSV.file(
                [
                    ["session_date": "2024-03-06", "pain_pre": "7"],
                    ["session_date": "2024-03-20", "pain_pre": "3"],
                ],
                columns: Self.withoutNumbers))
        let result = try Ingestor.ingest(paths: [first, second])
        expectReconciles(result)
        #expect(result.table.sessionNumber == [1, 2, 3])
        #expect(result.table.painPre == [7, 5, 3])
    }

    @Test func withoutNumbersACopyOfAnyEarlierRecordIsADuplicate() throws {
        // Two different visits on one day (both kept: without a session_number column
        // they are not conflicts), then the export repeated: both copies are duplicates.
        let scratch = try Scratch()
        let morning: [String: String] = ["session_date": "2024-03-06", "pain_pre": "7", "notes": "am"]
        let evening: [String: String] = ["session_date": "2024-03-06", "pain_pre": "6", "notes": "pm"]
        let path = try scratch.write(
            "a.csv", CSV.file([morning, evening, morning, evening], columns: Self.withoutNumbers))
        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        #expect(result.issues.filter { $0.record == 3 }.map(\.reason) == [.duplicateRecord])
        // Each row is compared with every earlier row of its (course, date) group, not only
        // the first, so the copy of the evening visit is a duplicate too.
        #expect(result.issues.map(\.reason) == [.duplicateRecord, .duplicateRecord])
        #expect(result.table.sessionNumber == [1, 2])
    }

    @Test func aCourseSplitOverFilesWithAndWithoutNumbersKeepsUniqueSessionNumbers() throws {
        // One course: sessions 1 and 2 numbered in one export; a later export of the same
        // course has no session_number column, repeats session 2 and adds a third visit.
        let scratch = try Scratch()
        let numbered = try scratch.write(
            "a.csv",
            CSV.file([
                ["session_date": "2024-03-06", "pain_pre": "7"],
                ["session_date": "2024-03-13", "pain_pre": "5", "session_number": "2"],
            ]))
        let unnumbered = try scratch.write(
            "b.csv",
            CSV.file(
                [
                    ["session_date": "2024-03-13", "pain_pre": "5"],
                    ["session_date": "2024-03-20", "pain_pre": "4"],
                ],
                columns: Self.withoutNumbers))
        let result = try Ingestor.ingest(paths: [numbered, unnumbered])
        expectReconciles(result)
        let numbers = result.table.sessionNumber
        withKnownIssue(
            "numbers derived for the unnumbered file restart at 1 and collide with the numbered file's"
        ) {
            #expect(
                Set(numbers).count == numbers.count,
                "session numbers \(numbers), pain \(result.table.painPre)")
            #expect(result.files[1].duplicates == 1)
        }
    }

    // MARK: Slash-date order from the whole column

    static func slashFile(_ dates: [String]) -> String {
        CSV.file(dates.enumerated().map { ["session_date": $1, "session_number": String($0 + 1)] })
    }

    @Test func theOnlyEvidenceOnTheLastRowDecidesDayFirst() throws {
        let scratch = try Scratch()
        let path = try scratch.write(
            "a.csv", Self.slashFile(["03/04/2024", "05/04/2024", "08/04/2024", "10/04/2024", "13/04/2024"]))
        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        #expect(result.files[0].slashOrder == .dmy)
        #expect(result.files[0].dateFormatDescription.hasPrefix("DD/MM/YYYY"))
        #expect(result.issues.isEmpty)
        #expect(result.table.day == [3, 5, 8, 10, 13].map { foundationDay(2024, 4, $0) })
    }

    @Test func theOnlyEvidenceOnTheLastRowDecidesMonthFirst() throws {
        let scratch = try Scratch()
        let path = try scratch.write(
            "a.csv", Self.slashFile(["04/03/2024", "04/05/2024", "04/08/2024", "04/10/2024", "04/13/2024"]))
        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        #expect(result.files[0].slashOrder == .mdy)
        #expect(result.table.day == [3, 5, 8, 10, 13].map { foundationDay(2024, 4, $0) })
    }

    @Test func withoutEvidenceMonthFirstIsAssumed() throws {
        let scratch = try Scratch()
        let path = try scratch.write("a.csv", Self.slashFile(["04/03/2024", "04/05/2024"]))
        let result = try Ingestor.ingest(paths: [path])
        #expect(result.files[0].slashOrder == .mdy)
        #expect(result.files[0].dateFormatDescription.contains("assumed"))
        #expect(result.table.day == [foundationDay(2024, 4, 3), foundationDay(2024, 4, 5)])
    }

    @Test func theMajorityWinsAndRowsInvalidUnderItAreRejected() throws {
        let scratch = try Scratch()
        let path = try scratch.write(
            "a.csv", Self.slashFile(["25/03/2024", "03/25/2024", "26/03/2024", "02/04/2024", "02/03/2024"]))
        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        #expect(result.files[0].slashOrder == .dmy)
        #expect(result.issues.map(\.reason) == [.invalidSessionDate])
        let issue = try #require(result.issues.first)
        #expect((issue.line, issue.record, issue.field) == (3, 2, "session_date"))
        #expect(issue.value == "03/25/2024")
        #expect(
            result.table.day == [
                foundationDay(2024, 3, 25), foundationDay(2024, 3, 26), foundationDay(2024, 4, 2),
                foundationDay(2024, 3, 2),
            ])
    }

    @Test func theRejectedValueOfAnInvalidSlashDateIsTheRawValue() throws {
        let scratch = try Scratch()
        let path = try scratch.write("a.csv", Self.slashFile(["3/25/2024", "2/30/2024"]))
        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        #expect(result.files[0].slashOrder == .mdy)
        #expect(result.issues.map(\.record) == [2])
        withKnownIssue("SessionFinalizer reports the value re-padded (02/30/2024), not as written") {
            #expect(result.issues.map(\.value) == ["2/30/2024"])
        }
    }

    @Test func theOrderIsDecidedPerFile() throws {
        let scratch = try Scratch()
        let dayFirst = try scratch.write("a.csv", Self.slashFile(["03/04/2024", "20/04/2024"]))
        let monthFirst = try scratch.write(
            "b.csv",
            CSV.file([
                ["patient_id": "P2", "session_date": "03/04/2024"],
                ["patient_id": "P2", "session_date": "04/20/2024", "session_number": "2"],
            ]))
        let result = try Ingestor.ingest(paths: [dayFirst, monthFirst])
        expectReconciles(result)
        #expect(result.files.map(\.slashOrder) == [.dmy, .mdy])
        #expect(
            result.table.day == [
                foundationDay(2024, 4, 3), foundationDay(2024, 4, 20), foundationDay(2024, 3, 4),
                foundationDay(2024, 4, 20),
            ])
    }

    @Test func evidenceFromRowsRejectedForAnotherReasonStillCounts() throws {
        // "The whole column" decides: the one value showing the order is on a row rejected
        // for its technique, and still shows that the file writes day first.
        let scratch = try Scratch()
        let rows: [[String: String]] = [
            ["session_date": "03/04/2024"],
            ["session_date": "25/04/2024", "session_number": "2", "technique": "reiki"],
        ]
        let path = try scratch.write("a.csv", CSV.file(rows))
        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        let inspection = try Inspector.inspect(path: path, rows: 0)
        #expect(inspection.dateFormatDescription.hasPrefix("DD/MM/YYYY"))
        #expect(result.files[0].slashOrder == .dmy)
        #expect(result.table.day == [foundationDay(2024, 4, 3)])
    }
}
