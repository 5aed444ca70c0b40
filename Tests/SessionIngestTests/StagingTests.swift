import Foundation
import SessionModel
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
        let found = untouched.find(1..<laterPatients.count + 1, of: laterPatients, tags: clinicMap)
        #expect(found == patientMap.dropFirst().map { $0 <= untouched.count ? $0 : 0 })
    }

    /// Stored as hundredths or in the side table, every double comes back bit for bit.
    @Test func decimalsComeBackBitForBit() {
        var random = SplitMix64(seed: 3)
        var values: [Double] = [
            0, -0.0, 0.01, 0.1, 0.3, 2.675, 1.005, 7.3, 99.99, 100, 163.83, 163.84, 163.85, 0.125, 1e-3,
            -5.25, 1e10, -1e10, .infinity, -.infinity, .nan, 21_474_836.47, 21_474_836.48,
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
    }
}
