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
/// as such; longer spellings are looked up every time. Fields come trimmed, from the
/// ``FieldCollector``'s buffer.
struct CategoryMatcher<Value> {
    private let vocabulary: [String: Value]
    private static var slots: Int { 64 }
    private var keys = [SpellingKey](repeating: SpellingKey(), count: 64)
    private var values = [Value?](repeating: nil, count: 64)

    init(_ vocabulary: [String: Value]) { self.vocabulary = vocabulary }

    /// The value for trimmed `field`, or nil when the spelling is not recognised.
    @inline(__always)
    mutating func match(_ field: PaddedBytes) -> Value? {
        guard let key = SpellingKey(field) else { return lookUp(field.bytes) }
        let slot = key.slot & (Self.slots - 1)
        if keys[slot] == key { return values[slot] }
        let value = lookUp(field.bytes)
        keys[slot] = key
        values[slot] = value
        return value
    }

    private func lookUp(_ bytes: UnsafeRawBufferPointer) -> Value? {
        vocabulary[String(decoding: ASCII.normalizedKey(bytes), as: UTF8.self)]
    }
}
