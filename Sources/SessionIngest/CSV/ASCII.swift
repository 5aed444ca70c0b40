#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Byte-level helpers for ASCII text inside UTF-8 fields.
enum ASCII {
    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }

    /// The first offset at or after `index` that does not begin a whole 8-byte word of
    /// ASCII in `bytes`: runs of ASCII are skipped a word at a time.
    @inline(__always)
    static func endOfASCIIWords(_ bytes: UnsafeRawBufferPointer, from index: Int) -> Int {
        var index = index
        while bytes.count - index >= 8
            && bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0
        {
            index += 8
        }
        return index
    }

    /// `bytes` without leading and trailing ASCII white space.
    @inline(__always)
    static func trimmed(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        // White space is at most 0x20: most values need one test at each end.
        if let base = bytes.baseAddress, bytes.count > 0, base.load(as: UInt8.self) > 0x20,
            base.load(fromByteOffset: bytes.count - 1, as: UInt8.self) > 0x20
        {
            return bytes
        }
        var start = 0
        var end = bytes.count
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    }

    /// Lower-cases ASCII letters and keeps only letters and digits (other bytes, including
    /// non-ASCII, are dropped): the key under which headers and category values are matched.
    static func normalizedKey(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(bytes.count)
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                key.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): key.append(byte | 0x20)
            default: continue
            }
        }
        return key
    }

    /// How many times `byte` occurs in `bytes`.
    static func occurrences(of byte: UInt8, in bytes: UnsafeRawBufferPointer) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        var total = 0
        var position = base
        let end = base + bytes.count
        while position < end, let hit = memchr(position, Int32(byte), end - position) {
            total += 1
            position = UnsafeRawPointer(hit) + 1
        }
        return total
    }

    static func normalizedKey(_ text: String) -> String {
        var text = text
        return text.withUTF8 { String(decoding: normalizedKey(UnsafeRawBufferPointer($0)), as: UTF8.self) }
    }
}
