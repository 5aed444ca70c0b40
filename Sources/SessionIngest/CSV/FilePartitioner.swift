#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Chooses where to cut a large export so its parts can be parsed on separate cores.
///
/// A cut goes just after a line terminator whose next line reads as one whole record
/// (balanced quotes, the header's number of delimiters outside quotes). That is only a
/// good guess: the cut is proved afterwards, when the part before it ends exactly between
/// records; if any part does not, the file is parsed again in one piece.
enum FilePartitioner {
    /// Files smaller than this per part are not worth splitting.
    static let minimumPartBytes: Int64 = 8 << 20

    /// Offsets that cut `[start, size)` into at most `parts` pieces (first = `start`,
    /// last = `size`); a single piece when the file is small or no good cut is found.
    static func boundaries(
        path: String, start: Int64, size: Int64, parts: Int, delimiter: UInt8, fieldCount: Int,
        minimumPartBytes: Int64 = minimumPartBytes
    ) -> [Int64] {
        let length = size - start
        let count = Int(min(Int64(parts), max(1, length / max(1, minimumPartBytes))))
        guard count > 1, fieldCount > 0 else { return [start, size] }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return [start, size] }
        defer { close(descriptor) }
        var cuts = [start]
        let window = Int(min(1 << 20, max(4096, length / Int64(count))))
        var buffer = [UInt8](repeating: 0, count: window)
        for index in 1..<count {
            let target = start + length * Int64(index) / Int64(count)
            let read = buffer.withUnsafeMutableBytes {
                pread(descriptor, $0.baseAddress, window, off_t(target))
            }
            guard read > 0 else { continue }
            if let cut = firstRecordStart(buffer[0..<read], delimiter: delimiter, fieldCount: fieldCount),
                target + Int64(cut) > cuts.last!, target + Int64(cut) < size
            {
                cuts.append(target + Int64(cut))
            }
        }
        cuts.append(size)
        return cuts
    }

    /// The offset just after the first terminator in `bytes` whose next line reads as a
    /// whole record.
    static func firstRecordStart(_ bytes: ArraySlice<UInt8>, delimiter: UInt8, fieldCount: Int) -> Int? {
        var index = bytes.startIndex
        var checked = 0
        while index < bytes.endIndex && checked < 2000 {
            let byte = bytes[index]
            index += 1
            guard byte == 0x0A || byte == 0x0D else { continue }
            if byte == 0x0D && index < bytes.endIndex && bytes[index] == 0x0A { index += 1 }
            checked += 1
            if readsAsRecord(bytes[index...], delimiter: delimiter, fieldCount: fieldCount) {
                return index - bytes.startIndex
            }
        }
        return nil
    }

    static func readsAsRecord(_ bytes: ArraySlice<UInt8>, delimiter: UInt8, fieldCount: Int) -> Bool {
        var quoted = false
        var delimiters = 0
        var sawByte = false
        for byte in bytes {
            if byte == 0x22 {
                quoted.toggle()
            } else if !quoted {
                if byte == delimiter {
                    delimiters += 1
                } else if byte == 0x0A || byte == 0x0D {
                    return sawByte && delimiters == fieldCount - 1
                }
            }
            sawByte = true
        }
        return false
    }
}
