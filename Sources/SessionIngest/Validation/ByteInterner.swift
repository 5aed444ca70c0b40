import CLibCSV

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
///
/// Consecutive records very often repeat the same patient and clinic, so the last string
/// interned is remembered (as a ``SpellingKey``, when it is 1 to 32 bytes long) and asked
/// for again without hashing. Each slot of the table holds its string (up to 7 bytes, and its length) or 56
/// bits of its hash, with its tag and id: a lookup of a short id reads one slot's cache line
/// and nothing else, which matters when the rows of an export come by date and every patient
/// lookup lands somewhere new in a table of a million patients.
struct ByteInterner {
    private var arena: [UInt8] = []
    private var offsets: [Int] = [0]
    private var tags: [UInt32] = [0]
    /// Open addressing; a slot with id 0 is empty.
    private var slots: [Slot]
    private var mask: Int
    /// The string, tag and id of the last call (a key no string has until then).
    private var lastKey = SpellingKey()
    private var lastTag: UInt32 = 0
    private var lastID: UInt32 = 0

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Slot](repeating: Slot(word: 0, id: 0, tag: 0), count: size)
        mask = size - 1
    }

    /// The number of distinct strings interned.
    var count: Int { offsets.count - 1 }

    /// The id of `bytes` under `tag`, adding it when new.
    @inline(__always)
    mutating func intern(_ bytes: UnsafeRawBufferPointer, tag: UInt32 = 0) -> UInt32 {
        let key = SpellingKey(bytes)
        if let key, key == lastKey && tag == lastTag { return lastID }
        return intern(bytes, key: key, word: Slot.word(bytes), tag: tag)
    }

    /// The same, for bytes in a ``FieldCollector``'s buffer.
    @inline(__always)
    mutating func intern(_ padded: PaddedBytes, tag: UInt32 = 0) -> UInt32 {
        let key = SpellingKey(padded)
        if let key, key == lastKey && tag == lastTag { return lastID }
        return intern(padded.bytes, key: key, word: Slot.word(padded), tag: tag)
    }

    /// Looks `bytes` up (or adds it) and remembers it as the last hit; `key` is its
    /// ``SpellingKey`` and `word` its ``Slot/word(_:)``.
    @inline(__always)
    private mutating func intern(
        _ bytes: UnsafeRawBufferPointer, key: SpellingKey?, word: UInt64, tag: UInt32
    )
        -> UInt32
    {
        let id = lookUp(bytes, word: word, tag: tag)
        if let key {
            lastKey = key
            lastTag = tag
            lastID = id
        }
        return id
    }

    /// The ids in this interner of all of `other`'s strings, indexed by `other`'s ids (0 maps
    /// to 0), adding those not here yet in `other`'s order, so that interning everything `other`
    /// saw after everything this one saw gives the same ids. `tags` maps `other`'s tags to
    /// this interner's (nil: kept as they are).
    mutating func absorb(_ other: ByteInterner, tags tagMap: [UInt32]? = nil) -> [UInt32] {
        reserveCapacity(count + other.count)
        var map = [UInt32](repeating: 0, count: other.count + 1)
        other.arena.withUnsafeBytes { arena in
            other.offsets.withUnsafeBufferPointer { offsets in
                for id in 1..<offsets.count {
                    let bytes = UnsafeRawBufferPointer(rebasing: arena[offsets[id - 1]..<offsets[id]])
                    let tag = other.tags[id]
                    map[id] = lookUp(bytes, tag: tagMap.map { $0[Int(tag)] } ?? tag)
                }
            }
        }
        return map
    }

    /// The ids here of `other`'s strings `ids` (0 for each one not here), without adding
    /// any: for the last of several interners to merge, whose new strings need no table,
    /// and on several threads at once. `tags` maps `other`'s tags as in ``absorb(_:tags:)``;
    /// `filter` (this interner's ``Filter``) answers most strings that are not here from a
    /// table small enough to stay in the cache.
    func find(_ ids: Range<Int>, of other: ByteInterner, tags tagMap: [UInt32]? = nil, filter: Filter? = nil)
        -> [UInt32]
    {
        var found = [UInt32](repeating: 0, count: ids.count)
        other.arena.withUnsafeBytes { arena in
            other.offsets.withUnsafeBufferPointer { offsets in
                for id in ids {
                    let bytes = UnsafeRawBufferPointer(rebasing: arena[offsets[id - 1]..<offsets[id]])
                    let otherTag = other.tags[id]
                    let tag = tagMap.map { $0[Int(otherTag)] } ?? otherTag
                    if let filter, !filter.mayContain(Slot.home(Slot.word(bytes), tag)) { continue }
                    found[id - ids.lowerBound] = find(bytes, tag: tag).id ?? 0
                }
            }
        }
        return found
    }

    /// One bit per hash value modulo a power of two at least 8 times the number of strings:
    /// a string whose bit is clear is not here (one in about eight that are not here passes).
    struct Filter {
        fileprivate var bits: [UInt64]

        fileprivate func mayContain(_ hash: Int) -> Bool {
            let bit = hash & (bits.count * 64 - 1)
            return bits[bit >> 6] & 1 << UInt64(bit & 63) != 0
        }
    }

    /// The ``Filter`` of the strings here.
    func filter() -> Filter {
        var words = 1
        while words * 64 < 8 * count { words <<= 1 }
        var bits = [UInt64](repeating: 0, count: words)
        let mask = words * 64 - 1
        bits.withUnsafeMutableBufferPointer { bits in
            for entry in slots where entry.id != 0 {
                let bit = Slot.home(entry.word, entry.tag) & mask
                bits[bit >> 6] |= 1 << UInt64(bit & 63)
            }
        }
        return Filter(bits: bits)
    }

    /// The id of `bytes` under `tag`, if it is here (nothing is added).
    func id(of bytes: UnsafeRawBufferPointer, tag: UInt32 = 0) -> UInt32? { find(bytes, tag: tag).id }

    /// Asks the processor to fetch the slot where a lookup of `padded` under `tag` begins.
    @inline(__always)
    func prefetch(_ padded: PaddedBytes, tag: UInt32) {
        let slot = Slot.home(Slot.word(padded), tag) & mask
        slots.withUnsafeBufferPointer { slots in
            if let base = slots.baseAddress { outcomes_prefetch(base + slot) }
        }
    }

    /// Makes room for `capacity` strings without growing the table again.
    mutating func reserveCapacity(_ capacity: Int) {
        var size = slots.count
        while (capacity + 1) * 2 > size { size <<= 1 }
        if size > slots.count { grow(to: size) }
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

    /// The id of `bytes` under `tag`, adding it when new (no last-hit check).
    @inline(never)
    private mutating func lookUp(_ bytes: UnsafeRawBufferPointer, tag: UInt32) -> UInt32 {
        lookUp(bytes, word: Slot.word(bytes), tag: tag)
    }

    /// The same, given the ``Slot/word(_:)`` of `bytes`.
    @inline(never)
    private mutating func lookUp(_ bytes: UnsafeRawBufferPointer, word: UInt64, tag: UInt32) -> UInt32 {
        let (found, slot, word) = find(bytes, word: word, tag: tag)
        if let found { return found }
        let id = UInt32(offsets.count)
        arena.append(contentsOf: bytes)
        offsets.append(arena.count)
        tags.append(tag)
        slots[slot] = Slot(word: word, id: id, tag: tag)
        if offsets.count * 2 > slots.count { grow(to: slots.count * 2) }
        return id
    }

    /// One slot of the table: the string's ``Slot/word(_:)``, its tag and its id.
    struct Slot {
        var word: UInt64
        var id: UInt32
        var tag: UInt32

        /// Marks a word that holds a hash rather than the string.
        static let hashed: UInt64 = 0xFF << 56

        /// A string of up to 7 bytes itself, its length in the top byte; a longer one as
        /// 56 bits of its ``NoteFingerprint/fingerprint(_:)`` (a word-at-a-time hash) under
        /// ``hashed``.
        @inline(__always)
        static func word(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
            let count = bytes.count
            switch count {
            case 4...7:
                // Two overlapping words hold every byte, each at its own place.
                let low = UInt64(bytes.loadUnaligned(as: UInt32.self))
                let high = UInt64(bytes.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
                return low | high << UInt64((count - 4) * 8) | UInt64(count) << 56
            case 1..<4:
                var word = UInt64(count) << 56
                for index in 0..<count { word |= UInt64(bytes[index]) << UInt64(index * 8) }
                return word
            case 0:
                return 0
            default:
                return hashed | (NoteFingerprint.fingerprint(bytes) & 0x00FF_FFFF_FFFF_FFFF)
            }
        }

        /// The same for bytes in a ``FieldCollector``'s buffer: a short string read as one
        /// word and masked, with no branch on its length.
        @inline(__always)
        static func word(_ padded: PaddedBytes) -> UInt64 {
            let bytes = padded.bytes
            let count = bytes.count
            guard count <= 7, let base = bytes.baseAddress else { return word(bytes) }
            let loaded = UInt64(littleEndian: base.loadUnaligned(as: UInt64.self))
            // An empty string's word is 0, as for ``word(_:)``.
            return count == 0 ? 0 : loaded & (UInt64.max &>> UInt64(64 - 8 * count)) | UInt64(count) << 56
        }

        /// Where a slot with this word and tag starts probing (before the mask).
        @inline(__always)
        static func home(_ word: UInt64, _ tag: UInt32) -> Int {
            // Callers keep the low bits, and a product carries a difference only upwards:
            // ids that differ in their last characters (the word's high bytes) shared home
            // slots under a single multiply and probed long chains. MurmurHash3's 64-bit
            // finalizer lets every input bit reach every low bit.
            var mixed = word ^ (UInt64(tag) &* 0x9E37_79B9_7F4A_7C15)
            mixed = (mixed ^ (mixed >> 33)) &* 0xFF51_AFD7_ED55_8CCD
            mixed = (mixed ^ (mixed >> 33)) &* 0xC4CE_B9FE_1A85_EC53
            return Int(truncatingIfNeeded: mixed ^ (mixed >> 33))
        }
    }

    /// The id of `bytes` under `tag` if it is here; otherwise the empty slot where it would
    /// go. `word` is the slot's ``Slot/word(_:)``.
    @inline(__always)
    private func find(_ bytes: UnsafeRawBufferPointer, tag: UInt32) -> (id: UInt32?, slot: Int, word: UInt64)
    {
        find(bytes, word: Slot.word(bytes), tag: tag)
    }

    /// The same, given the ``Slot/word(_:)`` of `bytes`.
    @inline(__always)
    private func find(_ bytes: UnsafeRawBufferPointer, word: UInt64, tag: UInt32) -> (
        id: UInt32?, slot: Int, word: UInt64
    ) {
        var slot = Slot.home(word, tag) & mask
        return slots.withUnsafeBufferPointer { slots in
            while true {
                let entry = slots[slot]
                if entry.id == 0 { return (nil, slot, word) }
                if entry.word == word && entry.tag == tag
                    && (word & Slot.hashed != Slot.hashed || equals(Int(entry.id), bytes))
                {
                    return (entry.id, slot, word)
                }
                slot = (slot + 1) & mask
            }
        }
    }

    private func equals(_ id: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = offsets[id - 1]
        let end = offsets[id]
        guard end - start == bytes.count else { return false }
        return arena.withUnsafeBytes { all in
            bytes.count == 0 || memcmp(all.baseAddress! + start, bytes.baseAddress!, bytes.count) == 0
        }
    }

    /// Makes the table `size` slots long; the slots' words and tags place the entries again.
    private mutating func grow(to size: Int) {
        var grown = [Slot](unsafeUninitializedCapacity: size) { buffer, count in
            HugePages.advise(UnsafeMutableRawBufferPointer(buffer))
            buffer.initialize(repeating: Slot(word: 0, id: 0, tag: 0))
            count = size
        }
        mask = size - 1
        grown.withUnsafeMutableBufferPointer { grown in
            for entry in slots where entry.id != 0 {
                var slot = Slot.home(entry.word, entry.tag) & mask
                while grown[slot].id != 0 { slot = (slot + 1) & mask }
                grown[slot] = entry
            }
        }
        slots = grown
    }
}
