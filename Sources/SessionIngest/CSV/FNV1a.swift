/// 64-bit FNV-1a, used to fingerprint note text and to bucket interned byte strings.
enum FNV1a {
    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3

    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = offsetBasis) -> UInt64 {
        var hash = seed
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* prime
        }
        return hash
    }

    /// The hash of `bytes` without leading and trailing ASCII white space.
    static func hash(trimming bytes: UnsafeRawBufferPointer) -> UInt64 {
        hash(ASCII.trimmed(bytes))
    }
}
