/// The 64-bit fingerprint by which notes take part in duplicate detection, computed while
/// libcsv delivers the field, a word at a time; notes themselves are never stored.
///
/// A blank note and an absent notes column have the same fingerprint, ``empty``.
/// ``fingerprint(_:)`` also hashes the dictionaries' keys longer than 7 bytes.
enum NoteFingerprint {
    static let empty: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
    private static let ones: UInt64 = 0x0101_0101_0101_0101

    /// The fingerprint of `bytes` without leading and trailing ASCII white space, and, over
    /// all of `bytes`, the line terminators (LF, CRLF or a lone CR, each once) and the CR
    /// and LF bytes among them, since a quoted note may span lines (they are not looked for
    /// when the field cannot hold any: when it was not quoted).
    @inline(__always)
    static func ofField(_ bytes: UnsafeRawBufferPointer, mayHoldLineEnds: Bool = true) -> (
        fingerprint: UInt64, lines: Int, terminatorBytes: Int
    ) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return (empty, 0, 0) }
        let (lines, terminators) = mayHoldLineEnds ? lineTerminators(base, bytes.count) : (0, 0)
        return (fingerprint(ASCII.trimmed(bytes)), lines, terminators)
    }

    /// The fingerprint of `bytes` as they are.
    static func fingerprint(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return empty }
        let count = bytes.count
        var hash = empty ^ (UInt64(count) &* multiplier)
        var index = 0
        while count - index >= 8 {
            hash = mix(hash, base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            index += 8
        }
        if index < count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while index < count {
                tail |= UInt64(base.load(fromByteOffset: index, as: UInt8.self)) << shift
                shift += 8
                index += 1
            }
            hash = mix(hash, tail)
        }
        hash ^= hash >> 31
        hash = hash &* multiplier
        hash ^= hash >> 29
        return hash == empty ? empty &+ 1 : hash
    }

    @inline(__always)
    private static func mix(_ hash: UInt64, _ word: UInt64) -> UInt64 {
        let mixed = (hash ^ word) &* multiplier
        return mixed ^ (mixed >> 32)
    }

    /// Line terminators in `count` bytes at `base`: words with no byte below 0x0E are
    /// skipped whole.
    @inline(__always)
    private static func lineTerminators(_ base: UnsafeRawPointer, _ count: Int) -> (lines: Int, bytes: Int) {
        var terminators = 0
        var pairs = 0
        var previous: UInt8 = 0
        var index = 0
        while index < count {
            if count - index >= 8 {
                let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                // Exact test for "some byte is below 0x0E" (all bytes here are below 0x80 or not).
                if (word &- ones &* 0x0E) & ~word & (ones &* 0x80) == 0 {
                    previous = UInt8(truncatingIfNeeded: word >> 56)
                    index += 8
                    continue
                }
            }
            let stop = min(count, index + 8)
            while index < stop {
                let byte = base.load(fromByteOffset: index, as: UInt8.self)
                if byte == 0x0A || byte == 0x0D {
                    terminators += 1
                    if byte == 0x0A && previous == 0x0D { pairs += 1 }
                }
                previous = byte
                index += 1
            }
        }
        return (terminators - pairs, terminators)
    }
}
