import SessionModel

/// The spellings each category value is recognised by, matched case-, space- and
/// punctuation-insensitively (through ``ASCII/normalizedKey(_:)``).
enum CategoryVocabulary {
    static let techniques: [String: Technique] = table([
        .deepTissue: [
            "deep_tissue", "deep tissue", "deep tissue massage", "dtm", "deep", "deep-tissue massage",
            "deep tissue therapy", "tiefengewebsmassage",
        ],
        .swedish: [
            "swedish", "swedish massage", "relaxation massage", "classic massage", "classical massage",
            "relaxation", "klassische massage",
        ],
        .neuromuscular: [
            "neuromuscular", "neuromuscular therapy", "neuromuscular massage", "nmt",
            "neuromuscular technique",
        ],
        .myofascialRelease: [
            "myofascial_release", "myofascial release", "mfr", "myofascial",
            "myofascial release therapy", "myofascial therapy",
        ],
        .triggerPoint: [
            "trigger_point", "trigger point", "trigger point therapy", "trigger point massage",
            "tpt", "trigger point release", "triggerpoint",
        ],
        .hotStone: [
            "hot_stone", "hot stone", "hot stone massage", "hot stones", "stone massage",
            "hot stone therapy",
        ],
        .sports: ["sports", "sports massage", "sport massage", "sport", "sports therapy"],
        .mechanicalVibration: [
            "mechanical_vibration", "mechanical vibration", "vibration", "g5", "g5 vibration",
            "g5 massage", "vibration therapy", "vibration massage", "percussion", "percussive therapy",
            "percussion massage", "mechanical massage",
        ],
    ])

    static let causes: [String: Cause] = table([
        .herniatedDisc: [
            "herniated_disc", "herniated disc", "herniated disk", "disc herniation",
            "disk herniation", "lumbar disc herniation", "lumbar disk herniation", "herniated lumbar disc",
            "hnp", "herniated nucleus pulposus", "slipped disc", "prolapsed disc", "disc prolapse",
            "bulging disc", "disc bulge",
        ],
        .degenerativeDisc: [
            "degenerative_disc", "degenerative disc", "degenerative disk",
            "degenerative disc disease", "degenerative disk disease", "ddd", "disc degeneration",
            "disk degeneration", "lumbar degenerative disc disease",
        ],
        .spinalStenosis: [
            "spinal_stenosis", "spinal stenosis", "lumbar spinal stenosis",
            "spinal stenosis of the lumbar", "spinal stenosis of the lumbar region", "lumbar stenosis",
            "stenosis", "foraminal stenosis",
        ],
        .piriformisSyndrome: ["piriformis_syndrome", "piriformis syndrome", "piriformis"],
        .spondylolisthesis: [
            "spondylolisthesis", "isthmic spondylolisthesis", "degenerative spondylolisthesis",
            "lumbar spondylolisthesis",
        ],
        .sacroiliacDysfunction: [
            "sacroiliac_dysfunction", "sacroiliac dysfunction",
            "sacroiliac joint dysfunction", "si joint dysfunction", "sij dysfunction", "si dysfunction",
            "sacroiliac joint pain", "sacroiliitis", "sij",
        ],
        .facetJoint: [
            "facet_joint", "facet joint", "facet joint pain", "facet joint syndrome",
            "facet arthropathy", "facet syndrome", "facet",
        ],
        .unknown: [
            "unknown", "unspecified", "not known", "nk", "n/a", "na", "none", "not recorded", "other",
            "unclear", "undetermined",
        ],
    ])

    static let sexes: [String: Sex] = table([
        .female: ["F", "female", "woman", "w", "f.", "weiblich", "femme", "girl"],
        .male: ["M", "male", "man", "m.", "maennlich", "männlich", "homme", "boy"],
        .other: ["other", "diverse", "d", "x", "non-binary", "nonbinary", "nb", "intersex", "divers"],
        .unknown: [
            "unknown", "u", "not stated", "not recorded", "prefer not to say", "undisclosed", "n/a", "na",
            "declined",
        ],
    ])

    static let adverseEvents: [String: AdverseEvent] = table([
        .none: ["none", "no", "nil", "n/a", "na", "0", "no adverse event", "none reported", "keine"],
        .soreness: [
            "soreness", "sore", "muscle soreness", "post-massage soreness", "doms", "tenderness", "aching",
            "stiffness", "muskelkater",
        ],
        .bruising: ["bruising", "bruise", "bruised", "bruises", "haematoma", "hematoma", "petechiae"],
        .other: [
            "other", "headache", "dizziness", "lightheadedness", "nausea", "fatigue", "increased pain",
            "pain flare", "flare-up", "skin irritation", "numbness", "tingling", "burn", "fainting",
        ],
    ])

    static let painScales: [String: PainScale] = [
        "nrs": .nrs, "nrs010": .nrs, "010": .nrs, "numeric": .nrs, "numericrating": .nrs,
        "numericratingscale": .nrs, "nprs": .nrs,
        "vas": .vas, "vas0100": .vas, "0100": .vas, "vasmm": .vas, "mm": .vas, "visualanalogue": .vas,
        "visualanaloguescale": .vas, "visualanalog": .vas, "visualanalogscale": .vas,
    ]

    private static func table<Value>(_ spellings: [Value: [String]]) -> [String: Value] {
        var result: [String: Value] = [:]
        for (value, names) in spellings {
            for name in names { result[ASCII.normalizedKey(name)] = value }
        }
        return result
    }
}

/// Looks up a category value by a field's bytes, remembering recent raw spellings in a
/// small direct-mapped cache so the common case neither hashes with `Hasher` nor allocates.
///
/// A cached spelling of up to 32 bytes is kept as four words and its length and compared
/// as such; longer spellings are looked up every time.
struct CategoryMatcher<Value> {
    private let vocabulary: [String: Value]
    private static var slots: Int { 64 }
    private var keys = [SpellingKey](repeating: SpellingKey(), count: 64)
    private var values = [Value?](repeating: nil, count: 64)

    init(_ vocabulary: [String: Value]) { self.vocabulary = vocabulary }

    /// The value for `field` (trimmed), or nil when the spelling is not recognised.
    @inline(__always)
    mutating func match(_ field: UnsafeRawBufferPointer) -> Value? {
        let bytes = ASCII.trimmed(field)
        guard let key = SpellingKey(bytes) else { return lookUp(bytes) }
        let slot = key.slot & (Self.slots - 1)
        if keys[slot] == key { return values[slot] }
        let value = lookUp(bytes)
        keys[slot] = key
        values[slot] = value
        return value
    }

    private func lookUp(_ bytes: UnsafeRawBufferPointer) -> Value? {
        vocabulary[String(decoding: ASCII.normalizedKey(bytes), as: UTF8.self)]
    }
}

/// Up to 32 bytes as four little-endian words (zero-padded) and a length: compared and
/// hashed without a loop over bytes. The empty key (length 0) is never made from a field.
struct SpellingKey: Equatable {
    var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    var length = 0

    init() {}

    /// Nil for an empty or longer spelling.
    @inline(__always)
    init?(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0, bytes.count <= 32 else { return nil }
        length = bytes.count
        words.0 = Self.word(base, 0, length)
        if length > 8 { words.1 = Self.word(base, 8, length) }
        if length > 16 { words.2 = Self.word(base, 16, length) }
        if length > 24 { words.3 = Self.word(base, 24, length) }
    }

    /// A hash of the key for a direct-mapped table.
    @inline(__always)
    var slot: Int {
        let mixed =
            (words.0 ^ (words.1 &* 0x9E37_79B9_7F4A_7C15) ^ (words.2 &* 0xC2B2_AE3D_27D4_EB4F) ^ words.3
                ^ UInt64(length)) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: mixed >> 40)
    }

    @inline(__always)
    static func == (a: SpellingKey, b: SpellingKey) -> Bool {
        a.length == b.length && a.words.0 == b.words.0 && a.words.1 == b.words.1 && a.words.2 == b.words.2
            && a.words.3 == b.words.3
    }

    /// The bytes from `offset` on (at most 8, zero-padded) as a little-endian word.
    @inline(__always)
    private static func word(_ base: UnsafeRawPointer, _ offset: Int, _ length: Int) -> UInt64 {
        if length - offset >= 8 {
            return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }
        var value: UInt64 = 0
        var index = length - 1
        while index >= offset {
            value = value << 8 | UInt64(base.load(fromByteOffset: index, as: UInt8.self))
            index -= 1
        }
        return value
    }
}
