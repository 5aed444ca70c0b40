import Foundation
import SessionModel
import Testing

@testable import SessionIngest

/// Dialect detection (delimiter, line ending, encoding, decimal comma, date shapes, header
/// aliases) and every override in ``IngestOptions``.
@Suite("Dialects")
struct DialectTests {
    // MARK: Delimiters and line endings

    @Test(arguments: [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|")])
    func delimiterIsDetected(delimiter: UInt8) throws {
        let scratch = try Scratch()
        let character = Character(UnicodeScalar(delimiter))
        // Notes hold every other candidate delimiter, so only the real one splits consistently.
        let rows: [[String: String]] = (1...4).map { number in
            ["session_number": String(number), "notes": "a,b;c|d\te \(number)", "pain_pre": "\(8 - number)"]
        }
        let path = try scratch.write("a.csv", CSV.file(rows, delimiter: character))
        let inspection = try Inspector.inspect(path: path, rows: 0)
        #expect(inspection.dialect.delimiter == delimiter)
        #expect(inspection.header == CSV.canonicalColumns)
        #expect(inspection.records.allSatisfy { $0.count == 17 })
        #expect(inspection.records.map { $0[16] } == (1...4).map { "a,b;c|d\te \($0)" })

        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        #expect(result.files[0].dialect.delimiter == delimiter)
        #expect(result.files[0].dialect.decimalComma == (delimiter == UInt8(ascii: ";")))
        #expect(result.quality.accepted == 4)
        #expect(result.issues.isEmpty)
        #expect(result.table.medDosesPerDay == [1.5, 1.5, 1.5, 1.5])
    }

    @Test(arguments: [("\n", LineEnding.lf), ("\r\n", .crlf), ("\r", .cr)])
    func lineEndingIsDetected(ending: String, expected: LineEnding) throws {
        let scratch = try Scratch()
        let rows: [[String: String]] = [
            ["session_number": "1", "notes": "two\(ending)lines"], ["session_number": "2"],
            ["session_number": "3", "technique": "reiki"],
        ]
        let path = try scratch.write("a.csv", CSV.file(rows, ending: ending))
        let inspection = try Inspector.inspect(path: path, rows: 0)
        #expect(inspection.dialect.lineEnding == expected)
        #expect(inspection.recordLines == [2, 4, 5])
        #expect(inspection.records[0][16] == "two\(ending)lines")

        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        #expect(result.files[0].dialect.lineEnding == expected)
        #expect(result.issues.map(\.line) == [5])
        #expect(result.files[0].lines == 5)
    }

    @Test(arguments: [
        ("tab", UInt8?(0x09)), ("\\t", 0x09), ("\t", 0x09), (",", 0x2C), ("comma", 0x2C), (";", 0x3B),
        ("Semicolon", 0x3B), ("|", 0x7C), ("pipe", 0x7C), ("x", nil), ("", nil), (",,", nil),
    ])
    func delimiterNames(name: String, delimiter: UInt8?) {
        #expect(Dialect.delimiter(named: name) == delimiter)
        if let delimiter {
            let dialect = Dialect(
                encoding: .utf8, hasByteOrderMark: false, delimiter: delimiter, lineEnding: .lf,
                decimalComma: false)
            #expect(Dialect.delimiter(named: dialect.delimiterName) == delimiter)
        }
    }

    @Test func singleLineWithoutTerminatorHasNoLineEnding() throws {
        let scratch = try Scratch()
        let path = try scratch.write("a.csv", CSV.header())
        let result = try Ingestor.ingest(paths: [path])
        #expect(result.files[0].dialect.lineEnding == LineEnding.none)
        #expect(result.quality.records == 0)
    }

    // MARK: Encoding

    /// Windows-1252 bytes: `Zürich-Süd`, `café – 5 €`.
    static let windows1252Rows: [UInt8] =
        Array("clinic_id;patient_id;session_date;technique;pain_pre;med_doses_per_day;notes\r\n".utf8)
        + Array("Z".utf8) + [0xFC] + Array("rich-S".utf8) + [0xFC]
        + Array("d;P1;07.03.2024;swedish;6;1,5;caf".utf8)
        + [0xE9, 0x20, 0x96, 0x20, 0x35, 0x20, 0x80] + Array("\r\n".utf8)

    @Test func windows1252IsDetectedAndTranscoded() throws {
        let scratch = try Scratch()
        let path = try scratch.write("a.csv", Self.windows1252Rows)
        let inspection = try Inspector.inspect(path: path, rows: 0)
        #expect(inspection.dialect.encoding == .windows1252)
        #expect(inspection.dialect.delimiter == UInt8(ascii: ";"))
        #expect(
            inspection.records == [["Zürich-Süd", "P1", "07.03.2024", "swedish", "6", "1,5", "café – 5 €"]])

        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        #expect(result.files[0].dialect.encoding == .windows1252)
        #expect(result.quality.accepted == 1)
        #expect(result.table.clinicNames.contains("Zürich-Süd"))
        #expect(result.table.medDosesPerDay == [1.5])
    }

    @Test func utf8FileWithOneWindows1252LineAfterTheSniffedSample() throws {
        // The sniffer reads the first 256 KiB: this file is valid UTF-8 there, so it is
        // UTF-8, and the one later line that is not valid UTF-8 is read as Windows-1252.
        let scratch = try Scratch()
        var text = "clinic_id,patient_id,session_date,technique,pain_pre,notes\n"
        var number = 0
        while text.utf8.count < 300_000 {
            number += 1
            text += "Zürich-Süd,P\(number),2024-03-07,swedish,6,café\n"
        }
        var bytes = Array(text.utf8)
        bytes +=
            Array("Z".utf8) + [0xFC] + Array("rich-S".utf8) + [0xFC]
            + Array("d,P0,2024-03-07,swedish,6,caf".utf8)
            + [0xE9, 0x0A]
        bytes += Array("Zürich-Süd,Q1,2024-03-07,swedish,6,café\n".utf8)
        let path = try scratch.write("a.csv", bytes)
        let inspection = try Inspector.inspect(path: path, rows: 0)
        #expect(inspection.dialect.encoding == .utf8)
        #expect(inspection.records.count == number + 2)
        #expect(inspection.records.allSatisfy { $0[0] == "Zürich-Süd" && $0[5] == "café" })

        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        #expect(result.files[0].windows1252Lines == 1)
        #expect(result.quality.accepted == number + 2)
        #expect(result.table.clinicNames.filter { !$0.isEmpty && $0 != "default" } == ["Zürich-Süd"])
    }

    @Test func utf8FileWithOneWindows1252LineInsideTheSniffedSample() throws {
        // The decision: a UTF-8 file with an occasional invalid line reads only that line
        // as Windows-1252. Here the file is small, so the invalid line is in the sample.
        let scratch = try Scratch()
        var bytes = Array("clinic_id,patient_id,session_date,technique,pain_pre,notes\n".utf8)
        bytes += Array("Zürich-Süd,P1,2024-03-07,swedish,6,café\n".utf8)
        bytes +=
            Array("Z".utf8) + [0xFC] + Array("rich-S".utf8) + [0xFC]
            + Array("d,P2,2024-03-07,swedish,6,caf".utf8)
            + [0xE9, 0x0A]
        let path = try scratch.write("a.csv", bytes)
        let inspection = try Inspector.inspect(path: path, rows: 0)
        #expect(inspection.records.count == 2)
        #expect(inspection.records.last?[0] == "Zürich-Süd")
        // The valid UTF-8 lines are still read as UTF-8, not the whole file as Windows-1252.
        #expect(inspection.records.first?[0] == "Zürich-Süd")
        #expect(inspection.dialect.encoding == .utf8)
        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        #expect(result.files[0].windows1252Lines == 1)
        #expect(result.table.clinicNames.filter { !$0.isEmpty && $0 != "default" } == ["Zürich-Süd"])
    }

    // MARK: Decimal comma

    @Test func decimalCommaWithSemicolonDelimiter() throws {
        let scratch = try Scratch()
        let rows: [[String: String]] = [
            ["med_doses_per_day": "1,5", "symptom_onset_weeks": "9,7", "pain_pre": "6,5", "pain_post": "4,5"]
        ]
        let path = try scratch.write("a.csv", CSV.file(rows, delimiter: ";"))
        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        #expect(result.files[0].dialect.decimalComma)
        #expect(result.issues.isEmpty)
        #expect(result.table.medDosesPerDay == [1.5])
        #expect(result.table.symptomOnsetWeeks == [9.7])
        #expect(result.table.painPre == [6.5])
        #expect(result.table.painPost == [4.5])
    }

    @Test func decimalCommaIsNotAcceptedWithCommaDelimiter() throws {
        let scratch = try Scratch()
        let path = try scratch.write("a.csv", CSV.file([["med_doses_per_day": "1,5"]]))
        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        #expect(!result.files[0].dialect.decimalComma)
        #expect(result.issues.map(\.reason) == [.invalidMedication])
        #expect(result.issues.map(\.value) == ["1,5"])
        #expect(result.table.medDosesPerDay.first?.isNaN == true)
    }

    // MARK: Dates

    @Test(arguments: [
        ("2024-03-07", "2024-03-25"), ("03/07/2024", "03/25/2024"), ("07/03/2024", "25/03/2024"),
        ("07.03.2024", "25.03.2024"), ("2024-3-7", "2024-03-25"), ("3/7/2024", "3/25/2024"),
        ("7.3.2024", "25.3.2024"),
    ])
    func everyDateShapeGivesTheSameDays(first: String, second: String) throws {
        let scratch = try Scratch()
        let rows: [[String: String]] = [
            ["session_date": first, "session_number": "1"], ["session_date": second, "session_number": "2"],
        ]
        let result = try Ingestor.ingest(paths: [try scratch.write("a.csv", CSV.file(rows))])
        expectReconciles(result)
        #expect(result.issues.isEmpty)
        #expect(result.table.day == [foundationDay(2024, 3, 7), foundationDay(2024, 3, 25)])
    }

    // MARK: Header aliases and mapping files

    static let practiceHeader = [
        "Location", "Client ID", "Date of Service", "Visit #", "Modality", "Provider", "Minutes",
        "Pain Before (0-10)", "Pain After (0-10)", "Analgesic Doses/Day", "Diagnosis", "Weeks Since Onset",
        "Age",
        "Gender", "Adverse Event", "Notes",
    ]
    static let europeanHeader = [
        "Site", "Patient", "Date", "Session", "Treatment", "Therapist", "Duration", "Pain Pre", "Pain Post",
        "Pain Scale", "Medication", "Condition", "Onset Weeks", "Age", "Sex", "Adverse Event", "Comments",
    ]
    static let otherHeader = [
        "Clinic", "MRN", "Visit Date", "Visit No.", "Treatment Type", "Practitioner", "Duration (min)",
        "pain_before", "PAIN-AFTER", "scale", "Analgesics", "Dx", "Weeks since symptom onset", "Patient Age",
        "Patient Sex", "Side effects", "Remarks",
    ]

    @Test(arguments: [practiceHeader, europeanHeader, otherHeader])
    func aliasedHeadersMapToCanonicalFields(header: [String]) throws {
        let scratch = try Scratch()
        let expected = SessionField.allCases.filter { header.count == 17 || $0 != .painScale }
        let values: [SessionField: String] = [
            .clinicID: "Downtown", .patientID: "P1", .sessionDate: "2024-03-07", .sessionNumber: "1",
            .technique: "Deep Tissue Massage", .therapistID: "T1", .durationMinutes: "45", .painPre: "7",
            .painPost: "5", .painScale: "NRS", .medDosesPerDay: "2", .cause: "Disc herniation",
            .symptomOnsetWeeks: "3", .age: "50", .sex: "Female", .adverseEvent: "None", .notes: "fine",
        ]
        let text =
            header.map { CSV.field($0) }.joined(separator: ",") + "\n"
            + expected.map { CSV.field(values[$0]!) }.joined(separator: ",") + "\n"
        let path = try scratch.write("a.csv", text)
        let result = try Ingestor.ingest(paths: [path])
        expectReconciles(result)
        #expect(result.files[0].mapping.fields == expected.map { Optional($0) })
        #expect(result.files[0].mapping.ignoredHeaders.isEmpty)
        #expect(result.issues.isEmpty)
        let row = result.table.row(0)
        #expect(row.technique == .deepTissue)
        #expect(row.cause == .herniatedDisc)
        #expect(row.sex == .female)
        #expect(row.durationMinutes == 45)
        #expect(row.painPost == 5)
        #expect(row.medDosesPerDay == 2)
        #expect(result.table.clinicNames.contains("Downtown"))

        let inspection = try Inspector.inspect(path: path, rows: 0)
        #expect(inspection.fields == expected.map { Optional($0) })
    }

    static let mappingJSON = """
        {"Client Number": "patient_id", "Seen On": "session_date", "Therapy Given": "technique",
         "Pain Score": "pain_pre", "Treatment": "ignore", "Site Code": "clinic_id"}
        """
    static let mappingYAML = """
        # header as in the export: canonical field
        Client Number: patient_id
        Seen On: session_date
        Therapy Given: technique
        Pain Score: pain_pre
        Treatment: ignore
        Site Code: clinic_id
        """

    @Test(arguments: [("mapping.json", mappingJSON), ("mapping.yaml", mappingYAML)])
    func mappingFileOverridesTheAliasTable(name: String, contents: String) throws {
        let scratch = try Scratch()
        // `Treatment` alone would be the technique; the mapping sends it to `ignore`.
        let text =
            "Site Code,Client Number,Seen On,Therapy Given,Pain Score,Treatment\nS1,P1,2024-03-07,MFR,5,reiki\n"
        let path = try scratch.write("a.csv", text)
        let unmapped = #expect(throws: IngestError.self) { try Ingestor.ingest(paths: [path]) }
        #expect(unmapped?.message.contains("session_date, pain_pre") == true)
        #expect(unmapped?.message.contains("'Seen On'") == true)
        let mapping = try HeaderMappingFile.load(path: try scratch.write(name, contents))
        #expect(
            mapping
                == (try HeaderMappingFile(assignments: [
                    "client number": "patient_id", "SEEN_ON": "session_date", "Therapy-Given": "technique",
                    "Pain Score": "pain_pre", "Treatment": "IGNORE", "Site Code": "clinic_id",
                ])))
        let result = try Ingestor.ingest(paths: [path], options: IngestOptions(mapping: mapping))
        expectReconciles(result)
        #expect(result.quality.accepted == 1)
        #expect(result.issues.isEmpty)
        #expect(result.table.technique == [.myofascialRelease])
        #expect(result.quality.ignoredColumns == ["Treatment"])
        #expect(result.table.clinicNames.contains("S1"))
    }

    @Test func mappingResolvesTwoColumnsClaimingOneField() throws {
        let scratch = try Scratch()
        let text = "patient_id,Date,Visit Date,technique,pain_pre\nP1,2024-01-01,2024-03-07,swedish,5\n"
        let path = try scratch.write("a.csv", text)
        let error = #expect(throws: IngestError.self) { try Ingestor.ingest(paths: [path]) }
        #expect(error?.line == 1)
        #expect(error?.field == "session_date")
        #expect(error?.message.contains("'Date'") == true)
        #expect(error?.message.contains("'Visit Date'") == true)
        let mapping = try HeaderMappingFile(assignments: ["Date": "ignore"])
        let result = try Ingestor.ingest(paths: [path], options: IngestOptions(mapping: mapping))
        #expect(result.table.day == [foundationDay(2024, 3, 7)])
    }

    @Test func badMappingFilesAreErrors() throws {
        let scratch = try Scratch()
        #expect(throws: IngestError.self) { try HeaderMappingFile(assignments: ["Client": "patient"]) }
        for contents in ["- a\n- b\n", "Client: [patient_id]\n", "{\"a\": }", "Client: nonsense\n"] {
            let path = try scratch.write("m.yaml", contents)
            #expect(throws: IngestError.self) { try HeaderMappingFile.load(path: path) }
        }
        let missing = #expect(throws: IngestError.self) {
            try HeaderMappingFile.load(path: scratch.path("absent.json"))
        }
        #expect(missing?.file == scratch.path("absent.json"))
    }

    // MARK: Pain scales

    @Test func vasRowsFromThePainScaleColumnAreDividedByTen() throws {
        let scratch = try Scratch()
        let rows: [[String: String]] = [
            ["session_number": "1", "pain_scale": "VAS", "pain_pre": "65", "pain_post": "40"],
            ["session_number": "2", "pain_scale": "nrs", "pain_pre": "6", "pain_post": "4"],
            ["session_number": "3", "pain_scale": "vas", "pain_pre": "100", "pain_post": "0"],
            ["session_number": "4", "pain_scale": "", "pain_pre": "5", "pain_post": "4"],
            ["session_number": "5", "pain_scale": "VAS", "pain_pre": "101"],
        ]
        let result = try Ingestor.ingest(paths: [try scratch.write("a.csv", CSV.file(rows))])
        expectReconciles(result)
        #expect(result.table.painPre == [6.5, 6, 10, 5])
        #expect(result.table.painPost == [4, 4, 0, 4])
        #expect(result.files[0].vasConverted == 2)
        #expect(result.quality.vasConverted == 2)
        #expect(result.issues.map(\.reason) == [.painOutOfRange])
        #expect(result.issues.map(\.value) == ["101"])
    }

    @Test func vasFromTheOption() throws {
        let scratch = try Scratch()
        let columns = CSV.canonicalColumns.filter { $0 != "pain_scale" }
        let rows: [[String: String]] = [
            ["session_number": "1", "pain_pre": "65", "pain_post": "40"],
            ["session_number": "2", "pain_pre": "6", "pain_post": "4"],
        ]
        let path = try scratch.write("a.csv", CSV.file(rows, columns: columns))
        let nrs = try Ingestor.ingest(paths: [path])
        #expect(nrs.issues.map(\.reason) == [.painOutOfRange])
        let vas = try Ingestor.ingest(paths: [path], options: IngestOptions(painScale: .vas))
        expectReconciles(vas)
        #expect(vas.table.painPre == [6.5, 0.6])
        #expect(vas.table.painPost == [4, 0.4])
        #expect(vas.quality.vasConverted == 2)
        #expect(vas.files[0].painScaleDescription.contains("vas"))

        // With the column, the option only fills blank values.
        let withColumn = try scratch.write(
            "b.csv",
            CSV.file([
                ["pain_scale": "", "pain_pre": "65"],
                ["pain_scale": "nrs", "pain_pre": "6", "session_number": "2"],
            ]))
        let mixed = try Ingestor.ingest(paths: [withColumn], options: IngestOptions(painScale: .vas))
        #expect(mixed.table.painPre == [6.5, 6])
        #expect(mixed.quality.vasConverted == 1)
    }

    // MARK: Overrides win over detection

    @Test func forcedDelimiter() throws {
        let scratch = try Scratch()
        let path = try scratch.write("a.csv", "a,b|c\n1,2|3\n")
        #expect(try Inspector.inspect(path: path, rows: 0).records == [["1", "2|3"]])
        let forced = try Inspector.inspect(
            path: path, rows: 0, options: IngestOptions(delimiter: UInt8(ascii: "|")))
        #expect(forced.dialect.delimiter == UInt8(ascii: "|"))
        #expect(forced.records == [["1,2", "3"]])
    }

    @Test func forcedEncoding() throws {
        let scratch = try Scratch()
        let utf8 = try scratch.write("a.csv", "name,text\ncafé,x\n")
        let mojibake = try Inspector.inspect(
            path: utf8, rows: 0, options: IngestOptions(encoding: .windows1252))
        #expect(mojibake.dialect.encoding == .windows1252)
        #expect(mojibake.records == [["cafÃ©", "x"]])

        // Forcing UTF-8 on a Windows-1252 file: each invalid line still falls back.
        let cp1252 = try scratch.write("b.csv", DialectTests.windows1252Rows)
        let result = try Ingestor.ingest(paths: [cp1252], options: IngestOptions(encoding: .utf8))
        #expect(result.files[0].dialect.encoding == .utf8)
        #expect(result.files[0].windows1252Lines == 1)
        #expect(result.table.clinicNames.contains("Zürich-Süd"))
    }

    @Test(arguments: [
        (DateFormat?.none, foundationDay(2024, 3, 4)), (.mdy, foundationDay(2024, 3, 4)),
        (.dmy, foundationDay(2024, 4, 3)),
    ])
    func forcedDateFormat(format: DateFormat?, expected: Int32) throws {
        let scratch = try Scratch()
        let path = try scratch.write("a.csv", CSV.file([["session_date": "03/04/2024"]]))
        let result = try Ingestor.ingest(paths: [path], options: IngestOptions(dateFormat: format))
        #expect(result.table.day == [expected])
        #expect(result.files[0].slashOrder == format ?? .mdy)
        if format == nil { #expect(result.files[0].dateFormatDescription.contains("assumed")) }
    }

    @Test func forcedDateFormatOverridesTheColumnsEvidence() throws {
        let scratch = try Scratch()
        let rows: [[String: String]] = [
            ["session_date": "03/04/2024", "session_number": "1"],
            ["session_date": "25/04/2024", "session_number": "2"],
        ]
        let path = try scratch.write("a.csv", CSV.file(rows))
        #expect(try Ingestor.ingest(paths: [path]).files[0].slashOrder == .dmy)
        let result = try Ingestor.ingest(paths: [path], options: IngestOptions(dateFormat: .mdy))
        expectReconciles(result)
        #expect(result.table.day == [foundationDay(2024, 3, 4)])
        #expect(result.issues.map(\.reason) == [.invalidSessionDate])
        #expect(result.issues.map(\.record) == [2])
    }

    @Test func forcedDecimalComma() throws {
        let scratch = try Scratch()
        let comma = try scratch.write("a.csv", CSV.file([["med_doses_per_day": "1,5"]]))
        let on = try Ingestor.ingest(paths: [comma], options: IngestOptions(decimalComma: true))
        #expect(on.files[0].dialect.decimalComma)
        #expect(on.table.medDosesPerDay == [1.5])
        #expect(on.issues.isEmpty)

        let semicolon = try scratch.write("b.csv", CSV.file([["med_doses_per_day": "1,5"]], delimiter: ";"))
        let off = try Ingestor.ingest(paths: [semicolon], options: IngestOptions(decimalComma: false))
        #expect(!off.files[0].dialect.decimalComma)
        #expect(off.issues.map(\.reason) == [.invalidMedication])
    }

    @Test func defaultClinic() throws {
        let scratch = try Scratch()
        let columns = CSV.canonicalColumns.filter { $0 != "clinic_id" }
        let path = try scratch.write("a.csv", CSV.file([[:]], columns: columns))
        let plain = try Ingestor.ingest(paths: [path])
        #expect(plain.table.clinicNames[Int(plain.table.clinic[0])] == "default")
        let named = try Ingestor.ingest(paths: [path], options: IngestOptions(defaultClinic: "Northside"))
        #expect(named.table.clinicNames[Int(named.table.clinic[0])] == "Northside")

        // A blank clinic_id value falls back too.
        let blank = try scratch.write("b.csv", CSV.file([["clinic_id": " "]]))
        let fallback = try Ingestor.ingest(paths: [blank], options: IngestOptions(defaultClinic: "Northside"))
        #expect(fallback.table.clinicNames[Int(fallback.table.clinic[0])] == "Northside")
    }
}
