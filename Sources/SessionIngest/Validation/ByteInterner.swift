#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Gives each distinct byte string (within a tag) a dense id, in order of first appearance.
///
/// Ids and categories are dictionary-encoded this way so the session table holds integers,
/// and no `String` is made per field on the hot path. Ids start at 1; 0 is left for
/// "missing".
struct ByteInterner {
    private var arena: [UInt8] = []
    private var offsets: [Int] = [0]
    private var tags: [UInt32] = [0]
    private var hashes: [UInt64] = [0]
    /// Open addressing: 0 is an empty slot, otherwise an id.
    private var slots: [UInt32]
    private var mask: Int

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [UInt32](repeating: 0, count: size)
        mask = size - 1
    }

    /// The number of distinct strings interned.
    var count: Int { offsets.count - 1 }

    /// The id of `bytes` under `tag`, adding it when new.
    @inline(__always)
    mutating func intern(_ bytes: UnsafeRawBufferPointer, tag: UInt32 = 0) -> UInt32 {
        let hash = FNV1a.hash(bytes, seed: FNV1a.offsetBasis ^ (UInt64(tag) &* 0x9E37_79B9_7F4A_7C15))
        var slot = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
        while true {
            let id = slots[slot]
            if id == 0 { break }
            if hashes[Int(id)] == hash && tags[Int(id)] == tag && equals(Int(id), bytes) { return id }
            slot = (slot + 1) & mask
        }
        let id = UInt32(offsets.count)
        arena.append(contentsOf: bytes)
        offsets.append(arena.count)
        tags.append(tag)
        hashes.append(hash)
        slots[slot] = id
        if offsets.count * 2 > slots.count { grow() }
        return id
    }

    /// Calls `body` with the bytes and tag of `id`.
    func withEntry<R>(_ id: UInt32, _ body: (UnsafeRawBufferPointer, UInt32) -> R) -> R {
        let index = Int(id)
        return arena.withUnsafeBytes { all in
            body(UnsafeRawBufferPointer(rebasing: all[offsets[index - 1]..<offsets[index]]), tags[index])
        }
    }

    /// The bytes of `id` as a string (invalid UTF-8 repaired).
    func string(_ id: UInt32) -> String {
        let index = Int(id)
        return String(decoding: arena[offsets[index - 1]..<offsets[index]], as: UTF8.self)
    }

    private func equals(_ id: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = offsets[id - 1]
        let end = offsets[id]
        guard end - start == bytes.count else { return false }
        return arena.withUnsafeBytes { all in
            bytes.count == 0 || memcmp(all.baseAddress! + start, bytes.baseAddress!, bytes.count) == 0
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = [UInt32](repeating: 0, count: size)
        mask = size - 1
        for id in 1..<offsets.count {
            let hash = hashes[id]
            var slot = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = UInt32(id)
        }
    }
}
