/// The character encoding of an export. Everything is converted to UTF-8 before parsing.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case windows1252 = "windows-1252"
}

/// Windows-1252 to UTF-8, and UTF-8 validation.
enum Windows1252 {
    /// Unicode scalars for 0x80–0x9F; 0 marks the five bytes Windows-1252 leaves undefined.
    private static let high: [UInt16] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,
        0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
        0x0153, 0, 0x017E, 0x0178,
    ]

    /// True when `byte` has a character in Windows-1252.
    @inline(__always)
    static func isDefined(_ byte: UInt8) -> Bool { byte < 0x80 || byte > 0x9F || high[Int(byte - 0x80)] != 0 }

    /// The offset of the first byte with no Windows-1252 character, if any.
    static func firstUndefinedByte(_ bytes: UnsafeRawBufferPointer) -> Int? {
        var index = 0
        while true {
            index = ASCII.endOfASCIIWords(bytes, from: index)
            guard index < bytes.count else { return nil }
            if !isDefined(bytes[index]) { return index }
            index += 1
        }
    }

    /// Appends the UTF-8 form of Windows-1252 `bytes` to `output`. Undefined bytes must have
    /// been rejected first; they would become U+FFFD.
    static func transcode(_ bytes: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        let start = output.count
        // At most three bytes out per byte in; the unused tail is cut off at the end.
        output.append(contentsOf: repeatElement(0, count: bytes.count * 3))
        let written = output.withUnsafeMutableBytes { buffer in
            write(bytes, to: buffer.baseAddress! + start, stoppingAtUndefined: false)
        }
        output.removeSubrange((start + written)...)
    }

    /// Writes the UTF-8 form of `bytes` to `output`, which has room for three bytes per byte
    /// of `bytes`, in one pass and without clearing it first: the number of bytes written,
    /// or nil (and `output` unspecified) when a byte is undefined in Windows-1252.
    static func transcodeIfDefined(_ bytes: UnsafeRawBufferPointer, into output: UnsafeMutableRawPointer)
        -> Int?
    {
        let written = write(bytes, to: output, stoppingAtUndefined: true)
        return written < 0 ? nil : written
    }

    /// The bytes written to `target`, or -1 at the first undefined byte when
    /// `stoppingAtUndefined` (otherwise it becomes U+FFFD).
    private static func write(
        _ bytes: UnsafeRawBufferPointer, to target: UnsafeMutableRawPointer, stoppingAtUndefined: Bool
    ) -> Int {
        guard let source = bytes.baseAddress else { return 0 }
        let count = bytes.count
        var out = 0
        var index = 0
        while index < count {
            if count - index >= 8 {
                let word = source.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if word & 0x8080_8080_8080_8080 == 0 {
                    target.storeBytes(of: word, toByteOffset: out, as: UInt64.self)
                    index += 8
                    out += 8
                    continue
                }
            }
            let byte = source.load(fromByteOffset: index, as: UInt8.self)
            index += 1
            if byte < 0x80 {
                target.storeBytes(of: byte, toByteOffset: out, as: UInt8.self)
                out += 1
                continue
            }
            let scalar: UInt32 = byte >= 0xA0 ? UInt32(byte) : UInt32(high[Int(byte - 0x80)])
            if scalar == 0 && stoppingAtUndefined { return -1 }
            let value = scalar == 0 ? 0xFFFD : scalar
            if value < 0x800 {
                target.storeBytes(of: UInt8(0xC0 | (value >> 6)), toByteOffset: out, as: UInt8.self)
                target.storeBytes(of: UInt8(0x80 | (value & 0x3F)), toByteOffset: out + 1, as: UInt8.self)
                out += 2
            } else {
                target.storeBytes(of: UInt8(0xE0 | (value >> 12)), toByteOffset: out, as: UInt8.self)
                target.storeBytes(
                    of: UInt8(0x80 | ((value >> 6) & 0x3F)), toByteOffset: out + 1, as: UInt8.self)
                target.storeBytes(of: UInt8(0x80 | (value & 0x3F)), toByteOffset: out + 2, as: UInt8.self)
                out += 3
            }
        }
        return out
    }
}

/// UTF-8 validation that is fast on ASCII.
enum UTF8Validation {
    /// How a buffer ends, as UTF-8.
    enum Result: Equatable {
        case valid
        /// Valid, but the last `count` bytes begin a sequence that continues past the end.
        case truncated(count: Int)
        case invalid(at: Int)
    }

    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = ASCII.endOfASCIIWords(bytes, from: 0)
        let count = bytes.count
        while index < count {
            if bytes[index] >= 0x80 { return false }
            index += 1
        }
        return true
    }

    /// The number of well-formed multi-byte UTF-8 sequences in `bytes`, skipping bytes that
    /// are not part of one.
    static func countValidSequences(_ bytes: UnsafeRawBufferPointer) -> Int {
        var count = 0
        var index = 0
        while index < bytes.count {
            if bytes[index] < 0x80 {
                index += 1
                continue
            }
            let rest = UnsafeRawBufferPointer(rebasing: bytes[index..<min(bytes.count, index + 4)])
            let length = rest[0] >= 0xF0 ? 4 : rest[0] >= 0xE0 ? 3 : 2
            if rest.count >= length,
                case .valid = validate(UnsafeRawBufferPointer(rebasing: rest[0..<length]))
            {
                count += 1
                index += length
            } else {
                index += 1
            }
        }
        return count
    }

    static func validate(_ bytes: UnsafeRawBufferPointer) -> Result {
        if isASCII(bytes) { return .valid }
        guard let base = bytes.baseAddress else { return .valid }
        var index = 0
        let count = bytes.count
        while index < count {
            if base.load(fromByteOffset: index, as: UInt8.self) < 0x80 {
                index = ASCII.endOfASCIIWords(bytes, from: index + 1)
                continue
            }
            let length = sequenceLength(base, at: index, count: count)
            if length == 0 { return .invalid(at: index) }
            if length < 0 { return .truncated(count: count - index) }
            index += length
        }
        return .valid
    }

    /// The length of the well-formed sequence that starts at `index` (a byte of 0x80 or
    /// more) among `count` bytes: 0 when it is ill-formed, -1 when it is well-formed as far
    /// as it goes but runs past the end.
    @inline(__always)
    static func sequenceLength(_ base: UnsafeRawPointer, at index: Int, count: Int) -> Int {
        let length: Int
        var minimum: UInt8 = 0x80
        var maximum: UInt8 = 0xBF
        switch base.load(fromByteOffset: index, as: UInt8.self) {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            minimum = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            maximum = 0x9F
        case 0xF0:
            length = 4
            minimum = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            maximum = 0x8F
        default: return 0
        }
        for offset in 1..<length {
            guard index + offset < count else { return -1 }
            let byte = base.load(fromByteOffset: index + offset, as: UInt8.self)
            let low: UInt8 = offset == 1 ? minimum : 0x80
            let high: UInt8 = offset == 1 ? maximum : 0xBF
            if byte < low || byte > high { return 0 }
        }
        return length
    }
}
