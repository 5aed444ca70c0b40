import Foundation
import SessionModel
import TestSupport
import Testing

@testable import SessionIngest

/// `UTF8Validation` against the standard library's validating decoder, and `Windows1252`
/// against Foundation's decoder.
@Suite("Text encodings")
struct EncodingTests {
    static func validate(_ bytes: [UInt8]) -> UTF8Validation.Result {
        bytes.withUnsafeBytes { UTF8Validation.validate($0) }
    }

    /// Checks one buffer against `String(validating:)`, and that the offsets it reports are
    /// where the buffer stops being valid.
    static func check(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let result = validate(bytes)
        let standard = String(validating: bytes, as: UTF8.self) != nil
        switch result {
        case .valid:
            #expect(standard, "\(bytes)", sourceLocation: sourceLocation)
            return standard
        case .truncated(let count):
            let prefixValid = String(validating: bytes.dropLast(count), as: UTF8.self) != nil
            let tail = Array(bytes.suffix(count))
            let ok = !standard && (1...3).contains(count) && prefixValid && tail[0] >= 0xC2 && tail[0] <= 0xF4
            #expect(ok, "\(bytes) → \(result)", sourceLocation: sourceLocation)
            return ok
        case .invalid(let index):
            let prefixValid = String(validating: bytes[..<index], as: UTF8.self) != nil
            let ok = !standard && index < bytes.count && prefixValid
            #expect(ok, "\(bytes) → \(result)", sourceLocation: sourceLocation)
            return ok
        }
    }

    @Test func everyOneAndTwoByteSequence() {
        for first in 0...255 {
            guard Self.check([UInt8(first)]) else { return }
            for second in 0...255 {
                guard Self.check([UInt8(first), UInt8(second)]) else { return }
            }
        }
    }

    @Test func everyThreeByteSequenceWithAMultibyteLead() {
        // Leads E0–F4 with every second byte and a sample of third bytes (the second byte
        // carries the overlong, surrogate and range limits).
        for lead in 0xE0...0xF4 {
            for second in 0...255 {
                for third in [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xFF] {
                    guard Self.check([UInt8(lead), UInt8(second), UInt8(third)]) else { return }
                    guard Self.check([UInt8(lead), UInt8(second), UInt8(third), 0x80]) else { return }
                    guard Self.check([0x41, UInt8(lead), UInt8(second), UInt8(third), 0x80, 0x41]) else {
                        return
                    }
                }
            }
        }
    }

    @Test func randomBuffersAgreeWithTheStandardLibrary() {
        var random = SplitMix64(seed: 0x0_07F8)
        for _ in 0..<20_000 {
            var bytes: [UInt8] = []
            let scalars = random.int(0...40)
            for _ in 0..<scalars {
                switch random.int(0..<10) {
                case 0..<4: bytes.append(UInt8(random.int(0x20...0x7E)))
                case 4..<8:
                    let value = random.int(0x80...0x10FFFF)
                    if let scalar = Unicode.Scalar(value) { bytes += Array(String(Character(scalar)).utf8) }
                case 8: bytes.append(UInt8(random.int(0x80...0xFF)))
                default: bytes += random.bytes(random.int(1...4))
                }
            }
            // Corrupt some: flip, drop or cut bytes.
            if !bytes.isEmpty && random.chance(0.3) {
                let index = random.int(0..<bytes.count)
                switch random.int(0..<3) {
                case 0: bytes[index] ^= UInt8(1 << random.int(0..<8))
                case 1: bytes.remove(at: index)
                default: bytes.removeSubrange(index...)
                }
            }
            guard Self.check(bytes) else { return }
        }
    }

    /// `BlockScan` against a byte-by-byte count and `String(validating:)`, on buffers long
    /// enough to use its 16-byte chunks and per-lane counters (which are summed every 255
    /// chunks), with multi-byte sequences across chunk edges.
    @Test func blockScanAgreesWithAByteByByteCount() {
        var random = SplitMix64(seed: 0xB5CA)
        for round in 0..<400 {
            var bytes: [UInt8] = []
            let length = round < 20 ? round : random.int(0...(round % 10 == 0 ? 9_000 : 300))
            while bytes.count < length {
                switch random.int(0..<12) {
                case 0: bytes.append([0x0A, 0x0D, 0x22][random.int(0..<3)])
                case 1: bytes += Array("é°–😀".utf8).prefix(random.int(1...9))
                case 2 where random.chance(0.05): bytes.append(UInt8(random.int(0x80...0xFF)))
                case 3 where random.chance(0.02): bytes.append(0)
                default: bytes.append(UInt8(random.int(0x20...0x7E)))
                }
            }
            if round % 50 == 1 { bytes = [UInt8](repeating: 0x0A, count: 16 * 300) }  // lanes at 255+
            let scan = bytes.withUnsafeBytes { BlockScan($0) }
            let valid = String(validating: bytes, as: UTF8.self) != nil
            #expect(scan.isValidUTF8 == valid, "round \(round)")
            let unchecked = bytes.withUnsafeBytes { BlockScan($0, checkingUTF8: false) }
            #expect(unchecked.isValidUTF8)
            let expected = BlockScan(
                terminators: bytes.count { $0 == 0x0A || $0 == 0x0D }, quotes: bytes.count { $0 == 0x22 },
                hasNUL: bytes.contains(0), isValidUTF8: true)
            #expect(unchecked == expected, "round \(round)")
            if valid { #expect(scan == expected, "round \(round)") }
        }
    }

    /// Where a block that ends inside a quoted field is cut short: after the last line end
    /// with an even number of quotes before it.
    @Test(
        arguments: [
            ("a,b\nc,\"d\ne", 4), ("a,\"x\"\"y\",b\nc,\"d\n\"\"e\nf", 11), ("a\r\nb,\"c\r\nd", 3),
            ("a\rb,\"c\rd", 2), ("\"a\nb", nil), ("a\n\"b\nc\"\nd,\"e\nf", 8),
        ] as [(String, Int?)])
    func blocksEndingInsideQuotesAreCutAtTheLastLineEndOutside(text: String, cut: Int?) {
        let found = Array(text.utf8).withUnsafeBytes { BlockScan.lastLineEndOutsideQuotes($0) }
        #expect(found == cut, "\(text.debugDescription)")
    }

    @Test func longASCIIRunsTakeTheFastPath() {
        var bytes = [UInt8](repeating: 0x61, count: 1_000)
        #expect(Self.validate(bytes) == .valid)
        #expect(bytes.withUnsafeBytes { UTF8Validation.isASCII($0) })
        for position in [0, 7, 8, 9, 500, 991, 992, 999] {
            var copy = bytes
            copy[position] = 0xFF
            #expect(Self.validate(copy) == .invalid(at: position))
            #expect(!copy.withUnsafeBytes { UTF8Validation.isASCII($0) })
        }
        bytes += [0xF0, 0x9F, 0x8E]
        #expect(Self.validate(bytes) == .truncated(count: 3))
    }

    static let undefinedWindows1252: Set<UInt8> = [0x81, 0x8D, 0x8F, 0x90, 0x9D]

    @Test func windows1252AgreesWithFoundationForEveryDefinedByte() {
        for value in 0...255 {
            let byte = UInt8(value)
            #expect(Windows1252.isDefined(byte) == !Self.undefinedWindows1252.contains(byte))
            guard Windows1252.isDefined(byte) else { continue }
            var output: [UInt8] = []
            [byte].withUnsafeBytes { Windows1252.transcode($0, into: &output) }
            let expected = String(data: Data([byte]), encoding: .windowsCP1252)
            #expect(String(validating: output, as: UTF8.self) == expected, "0x\(String(value, radix: 16))")
        }
    }

    @Test func windows1252WholeBuffer() {
        let defined = (0...255).map(UInt8.init).filter { !Self.undefinedWindows1252.contains($0) }
        var output: [UInt8] = [0x3E]
        defined.withUnsafeBytes { Windows1252.transcode($0, into: &output) }
        #expect(output.first == 0x3E)
        let expected = String(data: Data(defined), encoding: .windowsCP1252)
        #expect(String(validating: output.dropFirst(), as: UTF8.self) == expected)
        #expect(defined.withUnsafeBytes { Windows1252.firstUndefinedByte($0) } == nil)
        let all = (0...255).map(UInt8.init)
        #expect(all.withUnsafeBytes { Windows1252.firstUndefinedByte($0) } == 0x81)
    }
}
