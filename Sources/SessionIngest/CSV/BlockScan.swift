/// What ``RecordFeeder`` checks in a block of whole lines before giving it to libcsv at
/// once, found in one pass 16 bytes at a time: whether it holds a NUL, whether it is valid
/// UTF-8, and how many CR and LF bytes and double quotes it holds.
///
/// The counts are what the block's parse must account for: every CR and LF byte (as a row
/// end or inside a field, see ``FieldCollector``) and every quote (delivered or not, see
/// ``FieldCollector/bytesAccountedFor(quotes:)``).
struct BlockScan: Equatable {
    /// CR and LF bytes (a CRLF counts twice).
    var terminators = 0
    /// Double quotes.
    var quotes = 0
    var hasNUL = false
    /// False when a byte sequence is not UTF-8, or a sequence is cut off at the end (the
    /// counts are then incomplete); always true when UTF-8 is not checked.
    var isValidUTF8 = true

    init(terminators: Int = 0, quotes: Int = 0, hasNUL: Bool = false, isValidUTF8: Bool = true) {
        self.terminators = terminators
        self.quotes = quotes
        self.hasNUL = hasNUL
        self.isValidUTF8 = isValidUTF8
    }

    init(_ bytes: UnsafeRawBufferPointer, checkingUTF8: Bool = true) {
        guard let base = bytes.baseAddress else { return }
        let count = bytes.count
        let lineFeed = SIMD16<UInt8>(repeating: 0x0A)
        let carriageReturn = SIMD16<UInt8>(repeating: 0x0D)
        let quote = SIMD16<UInt8>(repeating: 0x22)
        let zero = SIMD16<UInt8>()
        var nulls = SIMD16<UInt8>()
        // Bytes before this offset are known to be UTF-8, ending on a whole sequence.
        var checked = 0
        var index = 0
        while count - index >= 16 {
            // Per-lane counters of at most 255 hits, summed before they can wrap.
            var lineCounts = SIMD16<UInt8>()
            var quoteCounts = SIMD16<UInt8>()
            let stop = min(count - 16, index + 254 * 16)
            while index <= stop {
                let chunk = base.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
                lineCounts &+= zero.replacing(with: 1, where: chunk .== lineFeed .| chunk .== carriageReturn)
                quoteCounts &+= zero.replacing(with: 1, where: chunk .== quote)
                nulls |= zero.replacing(with: 1, where: chunk .== zero)
                // Two words test the high bits in fewer instructions than the vector does.
                let words =
                    base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    | base.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self)
                if checkingUTF8 && words & 0x8080_8080_8080_8080 != 0 && index + 16 > checked {
                    checked = Self.checkUTF8(base, from: max(index, checked), to: index + 16, count: count)
                    guard checked >= 0 else {
                        isValidUTF8 = false
                        return
                    }
                }
                index += 16
            }
            terminators += Int(SIMD16<UInt16>(truncatingIfNeeded: lineCounts).wrappedSum())
            quotes += Int(SIMD16<UInt16>(truncatingIfNeeded: quoteCounts).wrappedSum())
        }
        hasNUL = nulls != zero
        let tail = index
        while index < count {
            switch base.load(fromByteOffset: index, as: UInt8.self) {
            case 0x0A, 0x0D: terminators += 1
            case 0x22: quotes += 1
            case 0: hasNUL = true
            default: break
            }
            index += 1
        }
        // Chunks without a byte of 0x80 or more end on a sequence boundary.
        if checkingUTF8 && Self.checkUTF8(base, from: max(checked, tail), to: count, count: count) < 0 {
            isValidUTF8 = false
        }
    }

    /// In a block with an odd number of double quotes, which therefore ends inside a quoted
    /// field: the offset just past the last line end (LF, or CR not followed by LF) that has
    /// an even number of quotes before it, so lies outside quotes; nil when there is none
    /// but the block's start. Looks back from the end, usually over a line or two.
    static func lastLineEndOutsideQuotes(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        var quotesAfter = 0
        var index = bytes.count - 1
        while index > 0 {
            let byte = base.load(fromByteOffset: index, as: UInt8.self)
            if byte == 0x22 {
                quotesAfter += 1
            } else if quotesAfter % 2 == 1 && index < bytes.count - 1
                && (byte == 0x0A
                    || (byte == 0x0D && base.load(fromByteOffset: index + 1, as: UInt8.self) != 0x0A))
            {
                return index + 1
            }
            index -= 1
        }
        return nil
    }

    /// Checks the UTF-8 sequences that start from `start` (on a sequence boundary) up to
    /// `end`: the offset just past the last of them, or -1 when one is ill-formed or runs
    /// past `count`.
    private static func checkUTF8(_ base: UnsafeRawPointer, from start: Int, to end: Int, count: Int) -> Int {
        var index = start
        while index < end {
            if base.load(fromByteOffset: index, as: UInt8.self) < 0x80 {
                index += 1
                continue
            }
            let length = UTF8Validation.sequenceLength(base, at: index, count: count)
            guard length > 0 else { return -1 }
            index += length
        }
        return index
    }
}
