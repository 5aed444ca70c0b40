/// Up to 32 bytes as four little-endian words (zero-padded) and a length: compared and
/// hashed without a loop over bytes. The category matchers' cache, the dictionaries'
/// last-hit check and the validator's last clinic are keyed by it. The empty key (length 0)
/// is never made from bytes.
struct SpellingKey: Equatable {
    var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    var length = 0

    init() {}

    /// Nil for an empty or longer spelling.
    @inline(__always)
    init?(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0, bytes.count <= 32 else { return nil }
        length = bytes.count
        words.0 = Self.word(base, 0, length)
        if length > 8 { words.1 = Self.word(base, 8, length) }
        if length > 16 { words.2 = Self.word(base, 16, length) }
        if length > 24 { words.3 = Self.word(base, 24, length) }
    }

    /// The same key for `padded`'s bytes, read as four whole words with the bytes past the
    /// end masked off.
    @inline(__always)
    init?(_ padded: PaddedBytes) {
        let bytes = padded.bytes
        guard let base = bytes.baseAddress, bytes.count > 0, bytes.count <= 32 else { return nil }
        length = bytes.count
        words = (
            Self.masked(base, 0, length), Self.masked(base, 8, length), Self.masked(base, 16, length),
            Self.masked(base, 24, length)
        )
    }

    /// The word at `offset`, keeping only the bytes before `length`.
    @inline(__always)
    private static func masked(_ base: UnsafeRawPointer, _ offset: Int, _ length: Int) -> UInt64 {
        let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        let kept = min(max(length - offset, 0), 8)
        return kept == 0 ? 0 : word & UInt64.max &>> UInt64(64 - 8 * kept)
    }

    /// A hash of the key for a direct-mapped table.
    @inline(__always)
    var slot: Int {
        let mixed =
            (words.0 ^ (words.1 &* 0x9E37_79B9_7F4A_7C15) ^ (words.2 &* 0xC2B2_AE3D_27D4_EB4F) ^ words.3
                ^ UInt64(length)) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: mixed >> 40)
    }

    /// One test of all the differences, rather than a branch per word.
    @inline(__always)
    static func == (a: SpellingKey, b: SpellingKey) -> Bool {
        let words = (a.words.0 ^ b.words.0) | (a.words.1 ^ b.words.1) | (a.words.2 ^ b.words.2)
        return words | (a.words.3 ^ b.words.3) | UInt64(bitPattern: Int64(a.length ^ b.length)) == 0
    }

    /// The bytes from `offset` on (at most 8, zero-padded) as a little-endian word.
    @inline(__always)
    private static func word(_ base: UnsafeRawPointer, _ offset: Int, _ length: Int) -> UInt64 {
        if length - offset >= 8 {
            return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }
        let remaining = length - offset
        if remaining >= 4 {
            // Two overlapping 4-byte loads hold every byte, each at its own place.
            let low = UInt64(
                UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
            let high = UInt64(
                UInt32(littleEndian: base.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self)))
            return low | high << UInt64((remaining - 4) * 8)
        }
        var value: UInt64 = 0
        var index = length - 1
        while index >= offset {
            value = value << 8 | UInt64(base.load(fromByteOffset: index, as: UInt8.self))
            index -= 1
        }
        return value
    }
}
