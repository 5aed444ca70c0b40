import Foundation
import SessionModel
import TestSupport
import Testing

@testable import SessionIngest

/// What lies between the validator and the table: the byte interner (with its last-hit
/// check and the merging of several parts' dictionaries), the decimal column, and the
/// finalizer reading several staged parts in place.
@Suite("Staging and finalising")
struct StagingTests {
    /// Interns random short strings over a tiny alphabet (so that repeats, consecutive
    /// repeats and strings one byte apart are common) under a few tags.
    @Test func internedIdsNumberStringsAndTagsInOrderOfFirstAppearance() {
        var random = SplitMix64(seed: 7)
        var interner = ByteInterner(capacity: 4)
        var reference: [String: UInt32] = [:]
        var previous: ([UInt8], UInt32) = ([], 0)
        var wrong = 0
        for _ in 0..<30_000 {
            var (bytes, tag) = previous
            if !random.chance(0.3) {
                bytes = (0..<random.int(0...40)).map { _ in UInt8(ascii: "a") + UInt8(random.int(0..<3)) }
                tag = UInt32(random.int(0..<3))
            }
            previous = (bytes, tag)
            let key = "\(tag)|" + String(decoding: bytes, as: UTF8.self)
            let expected = reference[key] ?? UInt32(reference.count + 1)
            reference[key] = expected
            if bytes.withUnsafeBytes({ interner.intern($0, tag: tag) }) != expected { wrong += 1 }
        }
        #expect(wrong == 0)
        #expect(interner.count == reference.count)
        for (key, id) in reference {
            let text = String(key.drop { $0 != "|" }.dropFirst())
            #expect(interner.string(id) == text)
        }
    }

    /// The last-hit check compares whole strings: strings of one length that differ in a
    /// single byte, anywhere, get different ids even when interned one after the other.
    @Test func aStringOneByteAwayFromTheLastIsAnotherString() {
        var interner = ByteInterner()
        var ids = Set<UInt32>()
        var count = 0
        for length in 1...20 {
            let base = (0..<length).map { UInt8(ascii: "A") + UInt8($0) }
            ids.insert(base.withUnsafeBytes { interner.intern($0) })
            count += 1
            for position in 0..<length {
                var changed = base
                changed[position] ^= 0x20
                ids.insert(changed.withUnsafeBytes { interner.intern($0) })
                ids.insert(base.withUnsafeBytes { interner.intern($0) })
                count += 1
            }
        }
        #expect(ids.count == count)
        #expect(interner.count == count)
    }

    /// Two parts' dictionaries, merged, give the ids one dictionary gives the whole input:
    /// clinics first (they are the patients' tags), then patients under the mapped tags.
    @Test func absorbingAndLookingUpGiveTheIdsOfOneDictionary() {
        var random = SplitMix64(seed: 11)
        let rows: [(clinic: String, patient: String)] = (0..<6_000).map { _ in
            ("C\(random.int(0..<5))", "P\(random.int(0..<900))")
        }
        func intern(_ rows: ArraySlice<(clinic: String, patient: String)>) -> (
            ByteInterner, ByteInterner, [UInt32]
        ) {
            var clinics = ByteInterner(capacity: 2)
            var patients = ByteInterner(capacity: 2)
            var ids: [UInt32] = []
            for row in rows {
                var (clinic, patient) = row
                let tag = clinic.withUTF8 { clinics.intern(UnsafeRawBufferPointer($0)) }
                ids.append(patient.withUTF8 { patients.intern(UnsafeRawBufferPointer($0), tag: tag) })
            }
            return (clinics, patients, ids)
        }
        let (_, wholePatients, wholeIDs) = intern(rows[...])
        var (clinics, patients, _) = intern(rows[..<2_500])
        let (laterClinics, laterPatients, laterIDs) = intern(rows[2_500...])
        let untouched = patients
        let clinicMap = clinics.absorb(laterClinics)
        let patientMap = patients.absorb(laterPatients, tags: clinicMap)
        #expect(laterIDs.map { patientMap[Int($0)] } == Array(wholeIDs[2_500...]))
        #expect(patients.count == wholePatients.count)
        let expected = patientMap.dropFirst().map { $0 <= untouched.count ? $0 : 0 }
        let ids = 1..<laterPatients.count + 1
        #expect(untouched.find(ids, of: laterPatients, tags: clinicMap) == expected)
        let filter = untouched.filter()
        #expect(untouched.find(ids, of: laterPatients, tags: clinicMap, filter: filter) == expected)
    }

    /// Ids that differ only in their last characters (P000000, P000001, …) must spread over
    /// the table like random keys, or lookups probe long chains: 100,000 of them in 2^18
    /// slots should find about 83,000 distinct homes (m (1 − e^(−n/m))).
    @Test func consecutiveIdsSpreadOverTheTable() {
        let mask = (1 << 18) - 1
        var homes = Set<Int>()
        for number in 0..<100_000 {
            var id = "P" + String(number).leftPadded(to: 6)
            _ = id.withUTF8 { bytes in
                homes.insert(
                    ByteInterner.Slot.home(ByteInterner.Slot.word(UnsafeRawBufferPointer(bytes)), 3) & mask)
            }
        }
        #expect(homes.count > 80_000, "\(homes.count) distinct homes")
    }

    /// Copies of a column share memory, yet what each copy holds never changes when another
    /// appends, whether or not the memory had room; growing keeps every element.
    @Test func stagedColumnCopiesKeepTheirElements() {
        var original = StagedColumn<UInt32>(capacity: 4)
        for value in 0..<3 { original.append(UInt32(value)) }
        var copy = original
        copy.append(100)
        original.append(200)
        original.append(201)
        copy.append(101)
        #expect(Array(original) == [0, 1, 2, 200, 201])
        #expect(Array(copy) == [0, 1, 2, 100, 101])
        var grown: StagedColumn<UInt32> = []
        for value in 0..<10_000 { grown.append(UInt32(value * 3)) }
        let snapshot = grown
        grown.append(7)
        #expect(snapshot.count == 10_000 && grown.count == 10_001)
        #expect(snapshot.indices.allSatisfy { snapshot[$0] == UInt32($0 * 3) && grown[$0] == snapshot[$0] })
        #expect(grown.withUnsafeBufferPointer { $0.last } == 7)

        // A column appended to by a `StagedSessions` (claimed for good) and copies of both.
        var staged = StagedSessions()
        func row(_ course: UInt32) -> StagedRow {
            StagedRow(
                file: 0, line: course + 1, record: course, clinic: 1, course: course, dateKey: 0,
                sessionNumber: 1, technique: .swedish, therapist: 0, duration: 0, painPre: 5, painPost: .nan,
                medDoses: .nan, cause: .unknown, onsetWeeks: .nan, age: 0, sex: .unknown, adverseEvent: .none,
                notesHash: 0, warned: false, vas: false)
        }
        for course in 0..<5 { staged.append(row(UInt32(course))) }
        var taken = staged.course
        var stagedCopy = staged
        staged.append(row(50))
        taken.append(60)
        stagedCopy.append(row(70))
        staged.append(row(51))
        #expect(Array(staged.course) == [0, 1, 2, 3, 4, 50, 51])
        #expect(Array(taken) == [0, 1, 2, 3, 4, 60])
        #expect(Array(stagedCopy.course) == [0, 1, 2, 3, 4, 70])
        #expect(stagedCopy.painPre.count == 6 && staged.painPre.count == 7 && staged.painPre[6] == 5)
    }

    /// Line and record numbers kept as runs give back every row's own, whatever the gaps.
    @Test func rowPositionsGiveEveryRowsLineAndRecord() {
        var random = SplitMix64(seed: 11)
        var positions = RowPositions()
        var expected: [(line: Int, record: Int)] = []
        var line = 2
        var record = 1
        for row in 0..<50_000 {
            if random.chance(0.01) { record += random.int(1...3) }  // rejected records
            if random.chance(0.01) { line += random.int(1...4) }  // blank lines, quoted line breaks
            positions.append(row: row, line: UInt32(line + record), record: UInt32(record))
            expected.append((line + record, record))
            record += 1
        }
        #expect(positions.runs > 500 && positions.runs < 2_000)
        #expect(
            expected.indices.allSatisfy {
                positions.line(of: $0) == expected[$0].line && positions.record(of: $0) == expected[$0].record
            })
        var clean = RowPositions()
        for row in 0..<1_000 { clean.append(row: row, line: UInt32(row + 2), record: UInt32(row + 1)) }
        #expect(clean.runs == 1 && clean.line(of: 999) == 1_001 && clean.record(of: 0) == 1)
    }

    /// Without the table (`outcomes validate`), the accounting is that of a full ingest:
    /// the same counts, issues and file summaries, on every sample and in parts.
    @Test(arguments: FuzzTests.sampleNames)
    func accountingWithoutTheTableIsTheSame(name: String) throws {
        let path = Package.dataset(name)
        var options = IngestOptions()
        options.minimumPartBytes = 1 << 12
        let full = try Ingestor.ingest(paths: [path], options: options, parallelism: 3)
        let accounting = try Ingestor.ingest(
            paths: [path], options: options, parallelism: 3, buildsTable: false)
        #expect(accounting.table.count == 0 && full.table.count > 0)
        var withoutTable = full
        withoutTable.table = accounting.table
        #expect(PartsTests.expectSame(accounting, withoutTable, name))
    }

    /// Stored as hundredths or in the side table, every double comes back bit for bit, and
    /// the scatter into the table gives what ``DecimalColumn/pain(_:vas:)`` gives.
    @Test func decimalsComeBackBitForBit() {
        var random = SplitMix64(seed: 3)
        var values: [Double] = [
            0, -0.0, 0.01, 0.1, 0.3, 2.675, 1.005, 7.3, 99.99, 100, 163.83, 163.84, 163.85, 0.125, 1e-3,
            -5.25, 1e10, -1e10, .infinity, -.infinity, .nan, 21_474_836.47, 21_474_836.48, 655.33, 655.335,
            655.34, 655.345, 0.005, 0.0049999999999999992,
        ]
        for _ in 0..<20_000 {
            values.append(
                random.chance(0.8)
                    ? Double(random.int(-30_000...30_000)) / 100
                    : Double.random(in: -1e6...1e6, using: &random))
        }
        var column = DecimalColumn()
        for value in values { column.append(value) }
        func same(_ a: Double, _ b: Double) -> Bool { a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN) }
        #expect(values.indices.filter { !same(column[$0], values[$0]) }.isEmpty)

        let flags = values.indices.map { $0 % 3 == 0 ? StagedSessions.vasFlag : 0 }
        let destinations = values.indices.map { $0 % 7 == 0 ? -1 : Int32(values.count - 1 - $0) }
        var output = [Double](repeating: 42, count: values.count)
        output.withUnsafeMutableBufferPointer { output in
            destinations.withUnsafeBufferPointer { destinations in
                flags.withUnsafeBufferPointer { flags in
                    column.scatter(into: output, destinations: destinations, flags: flags)
                }
            }
        }
        let misplaced = values.indices.filter { row in
            let place = Int(destinations[row])
            return place >= 0 && !same(output[place], column.pain(row, vas: flags[row] != 0))
        }
        #expect(misplaced.isEmpty)
        #expect(
            values.indices.filter { destinations[$0] < 0 }.allSatisfy { output[values.count - 1 - $0] == 42 })
    }

    /// Courses longer than the in-course insertion sort handles, split over parts parsed on
    /// several threads: numbers derived by date order, a copy of an earlier visit, a
    /// conflicting session number, all as in one piece.
    @Test func longCoursesSplitOverPartsAreSortedAsInOnePiece() throws {
        let scratch = try Scratch()
        let withoutNumbers = CSV.canonicalColumns.filter { $0 != "session_number" }
        let start = foundationDay(2024, 1, 1)
        func date(_ offset: Int) -> String {
            let seconds = TimeInterval(Int(start) + offset) * 86_400
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd"
            return formatter.string(from: Date(timeIntervalSince1970: seconds))
        }
        // Visits in reverse date order, other patients' between them, then a copy of the
        // tenth visit (file line 20).
        var dated: [[String: String]] = []
        for visit in 0..<90 {
            dated.append([
                "session_date": date(90 - visit), "pain_pre": String(visit % 10), "notes": "v\(visit)",
            ])
            dated.append([
                "patient_id": "P\(visit % 3 + 2)", "session_date": date(visit), "notes": "o\(visit)",
            ])
        }
        dated.append(dated[18])
        // Sessions in reverse order (session 5 on file line 72), then session 5 again with
        // another pain.
        var numbered: [[String: String]] = (0..<75).map { index in
            ["patient_id": "N1", "session_number": String(75 - index), "session_date": date(75 - index)]
        }
        numbered.append(["patient_id": "N1", "session_number": "5", "session_date": date(3), "pain_pre": "1"])
        let paths = [
            try scratch.write("dated.csv", CSV.file(dated, columns: withoutNumbers)),
            try scratch.write("numbered.csv", CSV.file(numbered)),
        ]
        let whole = try Ingestor.ingest(paths: paths, parallelism: 1)
        var options = IngestOptions()
        options.minimumPartBytes = 2 << 10
        let parts = try Ingestor.ingest(paths: paths, options: options, parallelism: 3)
        #expect(parts.files.allSatisfy { $0.parts > 1 })
        PartsTests.expectSame(parts, whole, "long courses")
        expectReconciles(whole)

        #expect(whole.issues.map(\.reason) == [.duplicateRecord, .conflictingSessionNumber])
        #expect(whole.issues.first?.detail == "same as line 20 of \(paths[0])")
        #expect(whole.issues.last?.detail == "line 72 of \(paths[1]) already has session 5 of this course")
        let table = whole.table
        for course in Set(table.course) {
            let rows = table.course.indices.filter { table.course[$0] == course }
            #expect(rows.map { table.sessionNumber[$0] } == (1...rows.count).map(Int32.init))
            #expect(zip(rows, rows.dropFirst()).allSatisfy { table.day[$0] <= table.day[$1] })
        }
        #expect(table.course.filter { $0 == 0 }.count == 90)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
