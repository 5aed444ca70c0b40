#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a file as physical lines, in large blocks, without loading it whole.
///
/// A line ends at LF, CRLF or a lone CR; the terminator is part of the segment returned.
/// A line longer than the block is returned in pieces (`isComplete == false`), never
/// split inside a UTF-8 sequence. Owns a file descriptor, hence a class.
final class LineReader {
    struct Segment {
        var bytes: UnsafeRawBufferPointer
        /// True when the segment ends with a line terminator (or is the file's last line).
        var isComplete: Bool
        /// The offset in the file of the segment's first byte.
        var offset: Int64
    }

    private let descriptor: Int32
    private let capacity: Int
    private let storage: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private var storageOffset: Int64 = 0
    private var reachedEnd = false
    private var nextLF = -1
    private var nextCR = -1
    /// Reading stops at this file offset (the end of this reader's part of the file).
    private var limit = Int64.max

    /// Opens `path` for reading. Throws ``IngestError`` naming the file.
    init(path: String, blockSize: Int = 4 << 20) throws(IngestError) {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw IngestError(
                file: path, message: errno == ENOENT ? "no such file" : "cannot read: \(systemError())")
        }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            throw IngestError(file: path, message: "is a directory, not a CSV file")
        }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw IngestError(file: path, message: "cannot open: \(systemError())") }
        self.descriptor = descriptor
        capacity = max(blockSize, 16)
        storage = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        storage.deallocate()
        close(descriptor)
    }

    /// The file offset of the next byte a segment or block would start at.
    var position: Int64 { storageOffset + Int64(start) }

    /// Reads only up to `offset` (exclusive) from now on.
    func stop(at offset: Int64) { limit = offset }

    /// Moves to `offset` in the file: the next segment starts there.
    func seek(to offset: Int64) {
        start = 0
        end = 0
        storageOffset = offset
        reachedEnd = false
        nextLF = -1
        nextCR = -1
        _ = lseek(descriptor, off_t(offset), SEEK_SET)
    }

    /// Reads up to `count` bytes from the start of the file without moving (for sniffing).
    func peek(count: Int) throws(IngestError) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        let read = result.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, 0) }
        guard read >= 0 else { throw IngestError(file: "", message: "cannot read: \(systemError())") }
        result.removeSubrange(read...)
        return result
    }

    /// The next line (or piece of a long line); nil at the end of the file.
    func next() throws(IngestError) -> Segment? {
        while true {
            if start == end {
                if reachedEnd { return nil }
                try refill()
                continue
            }
            let lineEnd = findTerminator()
            if lineEnd.found {
                let cut = lineEnd.index
                // A CR at the end of the buffer may be the first half of CRLF: read on first.
                if storage[cut - 1] == 0x0D && cut == end && !reachedEnd {
                    if try refillKeepingData() { continue }
                    // The buffer is full: if an LF follows, this piece and that LF are one line.
                    if nextByteIsLineFeed() { return take(upTo: cut, complete: false) }
                }
                var length = cut
                if storage[cut - 1] == 0x0D && cut < end && storage[cut] == 0x0A { length += 1 }
                return take(upTo: length, complete: true)
            }
            if reachedEnd { return take(upTo: end, complete: true) }
            if try refillKeepingData() { continue }
            // The line is longer than the whole buffer: hand over a piece of it.
            return take(upTo: utf8SafeCut(end), complete: false)
        }
    }

    /// Whole lines from the current position, at most `maximum` bytes, ending just after a
    /// line terminator: for feeding the parser a block at a time. Nil when the buffer holds no
    /// line that can be cut off safely (a line longer than the buffer, the file's last line
    /// without a terminator, the end of the input); ``next()`` then reads on line by line.
    func nextBlock(maximum: Int) throws(IngestError) -> Segment? {
        if end - start < maximum && !reachedEnd && start > 0 {
            _ = try refillKeepingData()
        } else if start == end && !reachedEnd {
            try refill()
        }
        guard let base = storage.baseAddress, start < end else { return nil }
        let windowEnd = min(end, start + maximum)
        var cut = windowEnd
        // The last LF in the window; or the last CR, unless it ends the buffered data and an
        // LF may follow it unread.
        while cut > start {
            let byte = base.load(fromByteOffset: cut - 1, as: UInt8.self)
            if byte == 0x0A { break }
            if byte == 0x0D {
                if cut < end {
                    if base.load(fromByteOffset: cut, as: UInt8.self) != 0x0A { break }
                } else if reachedEnd {
                    break
                }
            }
            cut -= 1
        }
        guard cut > start else { return nil }
        return take(upTo: cut, complete: true)
    }

    /// Goes back to `offset`, which a block or line returned since the last refill began at.
    func rewind(to offset: Int64) {
        let index = offset - storageOffset
        guard index >= 0 && index <= Int64(end) else {
            seek(to: offset)
            return
        }
        start = Int(index)
        nextLF = -1
        nextCR = -1
    }

    private func take(upTo cut: Int, complete: Bool) -> Segment {
        let segment = Segment(
            bytes: UnsafeRawBufferPointer(rebasing: storage[start..<cut]), isComplete: complete,
            offset: storageOffset + Int64(start))
        start = cut
        return segment
    }

    /// The index just past the first LF or CR at or after `start`.
    private func findTerminator() -> (found: Bool, index: Int) {
        if nextLF < start { nextLF = search(0x0A) }
        if nextCR < start { nextCR = search(0x0D) }
        let first = min(nextLF, nextCR)
        return first < end ? (true, first + 1) : (false, end)
    }

    private func search(_ byte: UInt8) -> Int {
        guard let base = storage.baseAddress else { return end }
        guard let hit = memchr(base + start, Int32(byte), end - start) else { return end }
        return base.distance(to: UnsafeMutableRawPointer(hit))
    }

    /// True when the physical line starting at `offset` reads as one whole record of
    /// `fieldCount` fields (balanced quotes, the right number of delimiters outside them).
    /// Decides where to resume after a syntax error; reads the file without moving.
    func lineReadsAsRecord(at offset: Int64, delimiter: UInt8, fieldCount: Int) -> Bool {
        var bytes = [UInt8](repeating: 0, count: 1 << 16)
        let count = bytes.withUnsafeMutableBytes {
            pread(descriptor, $0.baseAddress, $0.count, off_t(offset))
        }
        guard count > 0 else { return false }
        bytes.removeSubrange(count...)
        if count < 1 << 16 { bytes.append(0x0A) }
        return FilePartitioner.readsAsRecord(bytes[...], delimiter: delimiter, fieldCount: fieldCount)
    }

    /// True when the byte just past the buffer is LF.
    private func nextByteIsLineFeed() -> Bool {
        var byte: UInt8 = 0
        let offset = storageOffset + Int64(end)
        guard offset < limit else { return false }
        return pread(descriptor, &byte, 1, off_t(offset)) == 1 && byte == 0x0A
    }

    /// `limit`, or an earlier cut that does not split a UTF-8 sequence.
    private func utf8SafeCut(_ limit: Int) -> Int {
        var cut = limit
        var continuation = 0
        while continuation < 3, cut - 1 > start, storage[cut - 1] & 0xC0 == 0x80 {
            cut -= 1
            continuation += 1
        }
        guard cut - 1 > start, storage[cut - 1] >= 0xC0 else { return limit }
        let lead = storage[cut - 1]
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        return continuation + 1 < length ? cut - 1 : limit
    }

    /// Moves unread bytes to the front and reads more. False when the buffer is full.
    private func refillKeepingData() throws(IngestError) -> Bool {
        if start == 0 && end == capacity { return false }
        if start > 0 {
            let remaining = end - start
            if remaining > 0, let base = storage.baseAddress {
                memmove(base, base + start, remaining)
            }
            storageOffset += Int64(start)
            start = 0
            end = remaining
            nextLF = -1
            nextCR = -1
        }
        let before = end
        try readMore()
        if end == before { reachedEnd = true }
        return true
    }

    private func refill() throws(IngestError) {
        storageOffset += Int64(end)
        start = 0
        end = 0
        nextLF = -1
        nextCR = -1
        try readMore()
        if end == 0 { reachedEnd = true }
    }

    private func readMore() throws(IngestError) {
        guard let base = storage.baseAddress else { return }
        while end < capacity {
            let allowed = Int(min(Int64(capacity - end), max(0, limit - (storageOffset + Int64(end)))))
            if allowed == 0 {
                reachedEnd = true
                return
            }
            let count = read(descriptor, base + end, allowed)
            if count < 0 {
                if errno == EINTR { continue }
                throw IngestError(file: "", message: "read failed: \(systemError())")
            }
            if count == 0 {
                reachedEnd = true
                return
            }
            end += count
            nextLF = -1
            nextCR = -1
            // One successful read is enough; more would only delay the first line.
            return
        }
    }
}

func systemError() -> String { String(cString: strerror(errno)) }
