#if canImport(Glibc)
    import Glibc
#endif

/// Advice to the kernel about large buffers, given for the whole pages inside them. Advice
/// only: where the kernel does not take it (or off Linux), the memory behaves as any other.
enum MemoryAdvice {
    /// Gives `advice` for the whole `pageSize` pages inside `memory`, when there are at least
    /// `minimumPages` of them.
    fileprivate static func advise(
        _ memory: UnsafeMutableRawBufferPointer, _ advice: Int32, pageSize: Int, minimumPages: Int
    ) {
        #if os(Linux)
            guard let start = memory.baseAddress else { return }
            let lower = (Int(bitPattern: start) + pageSize - 1) & ~(pageSize - 1)
            let upper = (Int(bitPattern: start) + memory.count) & ~(pageSize - 1)
            guard upper - lower >= minimumPages * pageSize else { return }
            _ = madvise(UnsafeMutableRawPointer(bitPattern: lower), upper - lower, advice)
        #endif
    }
}

/// Has the kernel map (and zero) the pages under a large array about to be written in
/// full, in one call: otherwise each 4 KiB page faults on its first write, and for a
/// column of millions of rows the faults cost more than the writing (Linux 5.14 and later).
enum Prefault {
    /// `MADV_POPULATE_WRITE`, which not every C library's headers name yet.
    static let populateWrite: Int32 = 23

    /// Prefaults the whole pages inside `memory`, when it spans more than a few.
    static func pages(of memory: UnsafeMutableRawBufferPointer) {
        MemoryAdvice.advise(memory, populateWrite, pageSize: 4096, minimumPages: 63)
    }
}

/// Transparent huge pages (Linux, `madvise` mode) for the dictionaries' slot tables: the
/// patient table of a large export is tens of MiB, looked up at random in an export ordered
/// by date, and with 4 KiB pages nearly every lookup also missed the TLB (European 10M
/// export: 5.72 → 5.52 s for `validate`). Staged columns, written in order, do not use them:
/// there the kernel's clearing of fresh huge pages cost more than the faults they saved.
enum HugePages {
    /// `MADV_HUGEPAGE`.
    static let adviceHugePage: Int32 = 14

    /// Advises the whole huge pages inside `memory`, before it is first written.
    static func advise(_ memory: UnsafeMutableRawBufferPointer) {
        MemoryAdvice.advise(memory, adviceHugePage, pageSize: 2 << 20, minimumPages: 1)
    }
}
