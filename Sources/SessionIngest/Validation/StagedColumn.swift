/// An append-only column of staged values, in memory it allocates itself.
///
/// The validator appends to seventeen of these per accepted record, ten million times for a
/// large export. A Swift array's append checks its buffer's uniqueness with a runtime call
/// each time; here a ``StagedSessions`` checks once per row that it holds its columns
/// alone, and each column's append is a capacity test and a store, so the columns are
/// written row by row instead of through a transposing batch.
///
/// Value semantics: copies share memory, but the elements a copy can see never change. An
/// append writes just past the copy's own count, and does so in place only when no other
/// copy may append there: the memory's header says how many elements a copy appending on
/// its own (``append(_:)``) has claimed, or that a ``StagedSessions`` holds the column for
/// good (``claimForGood()``, after which it appends with ``appendClaimed(_:)``). Any other
/// copy that appends first moves to memory of its own.
///
/// (Transparent huge pages for the larger columns were tried: on this kind of virtual
/// machine the kernel then spent more time clearing pages than the faults saved.)
struct StagedColumn<Element: BitwiseCopyable>: RandomAccessCollection, ExpressibleByArrayLiteral {
    /// Owns the memory: a header (its last word: how many elements some copy has appended)
    /// and then the elements.
    final class Storage {
        let memory: UnsafeMutableRawPointer
        let elements: UnsafeMutablePointer<Element>
        let capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            let bytes = Self.headerBytes + capacity * MemoryLayout<Element>.stride
            memory = .allocate(byteCount: bytes, alignment: Self.headerBytes)
            elements = (memory + Self.headerBytes).bindMemory(to: Element.self, capacity: capacity)
            claimed = 0
        }

        deinit { memory.deallocate() }

        /// Keeps the elements 64-byte aligned.
        static var headerBytes: Int { 64 }

        /// How many elements a copy appending on its own has claimed, or ``claimedForGood``:
        /// the word just before the elements.
        var claimed: Int {
            get { StagedColumn.claimed(before: elements) }
            set { StagedColumn.setClaimed(newValue, before: elements) }
        }
    }

    private var storage: Storage
    /// `storage.elements` and `storage.capacity`, kept here so that an append reads no
    /// object field.
    private var elements: UnsafeMutablePointer<Element>
    private var capacity: Int
    private(set) var count = 0

    init() { self.init(capacity: 0) }

    init(capacity: Int) {
        storage = Storage(capacity: capacity)
        elements = storage.elements
        self.capacity = capacity
    }

    init(arrayLiteral values: Element...) {
        self.init(capacity: values.count)
        for value in values { append(value) }
    }

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    @inline(__always)
    subscript(position: Int) -> Element {
        precondition(position >= 0 && position < count, "staged row out of range")
        return elements[position]
    }

    @inline(__always)
    mutating func append(_ value: Element) {
        if _slowPath(count == capacity || Self.claimed(before: elements) != count) {
            moveToOwnMemory(minimumCapacity: count + 1)
        }
        elements[count] = value
        count &+= 1
        Self.setClaimed(count, before: elements)
    }

    /// Appends without the claim test, for a ``StagedSessions`` that has called
    /// ``claimForGood()`` and checked since that no copy of it shares its columns.
    @inline(__always)
    mutating func appendClaimed(_ value: Element) {
        if _slowPath(count == capacity) {
            moveToOwnMemory(minimumCapacity: count + 1)
            Self.setClaimed(Self.claimedForGood, before: elements)
        }
        elements[count] = value
        count &+= 1
    }

    /// Makes this copy the only one that may ever append to its memory (moving it to memory
    /// of its own first if another copy may): every other copy's ``append(_:)`` will move.
    mutating func claimForGood() {
        if Self.claimed(before: elements) != count { moveToOwnMemory(minimumCapacity: count + 1) }
        Self.setClaimed(Self.claimedForGood, before: elements)
    }

    /// The header's value once a ``StagedSessions`` holds the memory: no count equals it.
    fileprivate static var claimedForGood: Int { -1 }

    @inline(__always)
    fileprivate static func claimed(before elements: UnsafeMutablePointer<Element>) -> Int {
        UnsafeRawPointer(elements).load(fromByteOffset: -MemoryLayout<Int>.size, as: Int.self)
    }

    @inline(__always)
    fileprivate static func setClaimed(_ claimed: Int, before elements: UnsafeMutablePointer<Element>) {
        UnsafeMutableRawPointer(elements).storeBytes(
            of: claimed, toByteOffset: -MemoryLayout<Int>.size, as: Int.self)
    }

    /// Makes room for `minimumCapacity` elements in all.
    mutating func reserveCapacity(_ minimumCapacity: Int) {
        if minimumCapacity > capacity { moveToOwnMemory(minimumCapacity: minimumCapacity) }
    }

    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) { try body(UnsafeBufferPointer(start: elements, count: count)) }
    }

    func withContiguousStorageIfAvailable<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows
        -> R?
    {
        try withUnsafeBufferPointer(body)
    }

    /// Copies the elements into new memory this copy alone appends to, twice as large as
    /// before or `minimumCapacity`, whichever is more.
    private mutating func moveToOwnMemory(minimumCapacity: Int) {
        let larger = Storage(capacity: Swift.max(minimumCapacity, capacity * 2, 16))
        larger.elements.initialize(from: elements, count: count)
        larger.claimed = count
        withExtendedLifetime(storage) { storage = larger }
        elements = larger.elements
        capacity = larger.capacity
    }
}
