import Foundation
import SessionModel
import TestSupport
import Testing

@testable import SessionIngest

/// `FieldParsers`: decimals (correctly rounded, like `Double(String)`), integers, blanks,
/// and the category vocabularies.
@Suite("Field parsers")
struct FieldParserTests {
    static func decimal(_ text: String, comma: Bool = false) -> Double? {
        var text = text
        return text.withUTF8 { FieldParsers.decimal(UnsafeRawBufferPointer($0), decimalComma: comma) }
    }

    static func integer(_ text: String) -> Int? {
        var text = text
        return text.withUTF8 { FieldParsers.integer(UnsafeRawBufferPointer($0)) }
    }

    /// A random decimal string of up to `maxDigits` significant digits.
    static func randomDecimal(_ random: inout SplitMix64, maxDigits: Int) -> String {
        let digits = random.int(1...maxDigits)
        var mantissa = (0..<digits).map { index in
            Character(String(index == 0 ? random.int(1...9) : random.int(0...9)))
        }
        // Place the point anywhere, including before the first digit (with leading zeros)
        // and after the last (with trailing zeros).
        let point = random.int(-6...(digits + 6))
        var text: String
        if point <= 0 {
            text = "0." + String(repeating: "0", count: -point) + String(mantissa)
        } else if point >= digits {
            text = String(mantissa) + String(repeating: "0", count: point - digits)
            if random.chance(0.3) { text += "." + String(repeating: "0", count: random.int(0...3)) }
        } else {
            mantissa.insert(".", at: point)
            text = String(mantissa)
        }
        if random.chance(0.2) { text += String(repeating: "0", count: random.int(1...4)) }
        if random.chance(0.3) { text = (random.chance(0.5) ? "-" : "+") + text }
        return text
    }

    @Test func decimalsAreCorrectlyRounded() {
        var random = SplitMix64(seed: 0x5EED_DEC1)
        for _ in 0..<60_000 {
            let text = Self.randomDecimal(&random, maxDigits: 17)
            let expected = Double(text)
            let parsed = Self.decimal(text)
            #expect(parsed?.bitPattern == expected?.bitPattern, "\(text)")
            if parsed?.bitPattern != expected?.bitPattern { return }
            let comma = text.replacingOccurrences(of: ".", with: ",")
            #expect(Self.decimal(comma, comma: true)?.bitPattern == expected?.bitPattern, "\(comma)")
        }
    }

    @Test func longDecimalsAreCorrectlyRounded() {
        var random = SplitMix64(seed: 0x10_DEC1)
        for _ in 0..<10_000 {
            let text = Self.randomDecimal(&random, maxDigits: 40)
            #expect(Self.decimal(text)?.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
    }

    @Test(arguments: [
        ("0", 0.0), ("6", 6), ("6.5", 6.5), (" 1.5 ", 1.5), ("\t2\r\n", 2), ("+3", 3), ("-1.5", -1.5),
        (".5", 0.5),
        ("5.", 5), ("007.250", 7.25), ("0.1", 0.1), ("0.3", 0.3), ("9007199254740993", 9_007_199_254_740_992),
        ("123456789012345678901234567890", 1.2345678901234568e29),
        ("0.000000000000000000000000123", 1.23e-25), ("1.7976931348623157", 1.7976931348623157),
    ])
    func decimalValues(text: String, expected: Double) {
        #expect(Self.decimal(text) == expected)
        #expect(Self.decimal(text) == Double(text.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    @Test(arguments: [
        "", " ", "-", "+", ".", "-.", "1e5", "1E5", "1.2.3", "--1", "+-1", "1,5", "1 000", "0x10", "inf",
        "nan",
        "1_000", "½", "１", "1.5.", "1-", "٣",
    ])
    func decimalRejects(text: String) {
        #expect(Self.decimal(text) == nil)
    }

    @Test func decimalComma() {
        #expect(Self.decimal("1,5", comma: true) == 1.5)
        #expect(Self.decimal("-0,25", comma: true) == -0.25)
        #expect(Self.decimal("1.5", comma: true) == 1.5)
        #expect(Self.decimal("1,5", comma: false) == nil)
        #expect(Self.decimal("1,2,3", comma: true) == nil)
        #expect(Self.decimal("1.2,3", comma: true) == nil)
        #expect(Self.decimal("1,234.5", comma: true) == nil)
        #expect(Self.decimal("12345678901234567,5", comma: true) == 12_345_678_901_234_567.5)
    }

    @Test(arguments: [
        ("0", 0), ("7", 7), ("+7", 7), (" 12 ", 12), ("007", 7), ("123456789", 123_456_789), ("240", 240),
    ])
    func integerValues(text: String, expected: Int) {
        #expect(Self.integer(text) == expected)
    }

    @Test(arguments: [
        "", " ", "+", "-1", "-0", "1.0", "1.", "1e2", "1234567890", "12a", "one", "1 2", "++1", "0x1",
    ])
    func integerRejects(text: String) {
        #expect(Self.integer(text) == nil)
    }

    @Test func integersAgreeWithIntForRandomDigitStrings() {
        var random = SplitMix64(seed: 42)
        for _ in 0..<5_000 {
            let length = random.int(1...9)
            let text = String((0..<length).map { _ in Character(String(random.int(0...9))) })
            #expect(Self.integer(text) == Int(text), "\(text)")
        }
    }

    @Test func blank() {
        for text in ["", " ", "\t", " \r\n "] {
            var text = text
            #expect(text.withUTF8 { FieldParsers.isBlank(UnsafeRawBufferPointer($0)) })
        }
        var text = " x "
        #expect(!text.withUTF8 { FieldParsers.isBlank(UnsafeRawBufferPointer($0)) })
    }

    // MARK: Vocabularies

    /// Every spelling the README says the practice and European exports use.
    @Test(arguments: [
        ("Deep Tissue Massage", Technique.deepTissue), ("DTM", .deepTissue), ("deep tissue", .deepTissue),
        ("deep tissue massage", .deepTissue), ("Deep tissue", .deepTissue), ("Swedish Massage", .swedish),
        ("swedish massage", .swedish), ("Swedish", .swedish), ("NMT", .neuromuscular),
        ("Neuromuscular Therapy", .neuromuscular), ("Neuromuscular", .neuromuscular),
        ("MFR", .myofascialRelease),
        ("Myofascial Release", .myofascialRelease), ("Myofascial release", .myofascialRelease),
        ("Trigger Point Therapy", .triggerPoint), ("trigger point therapy", .triggerPoint),
        ("Trigger point", .triggerPoint), ("Hot Stone Massage", .hotStone), ("hot stone massage", .hotStone),
        ("Hot stone", .hotStone), ("Sports Massage", .sports), ("sports massage", .sports),
        ("Sports", .sports),
        ("G5 Vibration", .mechanicalVibration), ("g5 vibration", .mechanicalVibration),
        ("Mechanical vibration", .mechanicalVibration),
    ])
    func techniqueSpellings(spelling: String, technique: Technique) {
        #expect(CategoryVocabulary.techniques[ASCII.normalizedKey(spelling)] == technique)
        #expect(CategoryVocabulary.techniques[ASCII.normalizedKey(technique.name)] == technique)
    }

    @Test(arguments: [
        ("Disc herniation", Cause.herniatedDisc), ("Herniated disc", .herniatedDisc),
        ("Degenerative disc disease", .degenerativeDisc), ("Degenerative disc", .degenerativeDisc),
        ("Lumbar spinal stenosis", .spinalStenosis), ("Spinal stenosis of the lumbar", .spinalStenosis),
        ("Spinal stenosis", .spinalStenosis), ("Piriformis syndrome", .piriformisSyndrome),
        ("Spondylolisthesis", .spondylolisthesis), ("Sacroiliac joint dysfunction", .sacroiliacDysfunction),
        ("Sacroiliac dysfunction", .sacroiliacDysfunction), ("Facet joint pain", .facetJoint),
        ("Facet joint", .facetJoint), ("Unknown", .unknown),
    ])
    func causeSpellings(spelling: String, cause: Cause) {
        #expect(CategoryVocabulary.causes[ASCII.normalizedKey(spelling)] == cause)
        #expect(CategoryVocabulary.causes[ASCII.normalizedKey(cause.name)] == cause)
    }

    @Test func unknownSpellingsAreNotMatched() {
        for spelling in ["reiki", "acupuncture", "Reiki", "sciatica NOS", "", "massage"] {
            #expect(CategoryVocabulary.techniques[ASCII.normalizedKey(spelling)] == nil)
        }
        #expect(CategoryVocabulary.causes[ASCII.normalizedKey("sciatica NOS")] == nil)
        #expect(CategoryVocabulary.sexes[ASCII.normalizedKey("Q")] == nil)
        #expect(CategoryVocabulary.adverseEvents[ASCII.normalizedKey("exploded")] == nil)
        #expect(CategoryVocabulary.painScales[ASCII.normalizedKey("stars")] == nil)
        #expect(CategoryVocabulary.painScales[ASCII.normalizedKey("VAS")] == .vas)
        #expect(CategoryVocabulary.painScales[ASCII.normalizedKey("NRS")] == .nrs)
    }
}

/// The keys by which category values and the dictionaries' last hits are remembered, and
/// the dictionaries' slot words: made from a field in the collector's buffer (whole words,
/// masked) they equal those made byte by byte, for every length and whatever follows.
@Suite("Spelling keys")
struct SpellingKeyTests {
    @Test func paddedKeysEqualByteByByteKeys() {
        var random = SplitMix64(seed: 0x5EE11)
        let collector = FieldCollector()
        collector.setKeep([], beyond: .bytes)
        let tokenizer = CSVTokenizer(delimiter: 0x2C, collector: collector)
        for round in 0..<200 {
            // Fields of every length from 0 to 40, of letters and digits, some padded with spaces.
            var fields: [String] = []
            for length in 0...40 {
                var field = String((0..<length).map { _ in "abcXYZ019_-".randomElement(using: &random)! })
                if round % 3 == 0 && !field.isEmpty { field = " " + field + "  " }
                fields.append(field)
            }
            fields.shuffle(using: &random)
            let line = Array((fields.joined(separator: ",") + "\n").utf8)
            collector.discardRecord()
            _ = line.withUnsafeBytes { tokenizer.parse($0) }
            guard collector.hasRecord else {
                Issue.record("round \(round): no record")
                return
            }
            _ = collector.select(0)
            let record = collector.current
            for column in 0..<fields.count {
                let trimmed = ASCII.trimmed(record.field(column))
                let padded = record.trimmedPadded(column)
                #expect(padded.bytes.elementsEqual(trimmed), "round \(round), column \(column)")
                #expect(SpellingKey(padded) == SpellingKey(trimmed), "round \(round), column \(column)")
                #expect(
                    ByteInterner.Slot.word(padded) == ByteInterner.Slot.word(trimmed),
                    "round \(round), column \(column)")
            }
        }
    }
}
