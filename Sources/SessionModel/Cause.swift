/// The clinical cause of a patient's sciatica (METRICS.md §1). Empty input is `unknown`.
public enum Cause: UInt8, CaseIterable, Sendable, Hashable, Comparable, BitwiseCopyable {
    case herniatedDisc
    case degenerativeDisc
    case spinalStenosis
    case piriformisSyndrome
    case spondylolisthesis
    case sacroiliacDysfunction
    case facetJoint
    case unknown

    /// The canonical name, e.g. `herniated_disc`.
    public var name: String {
        switch self {
        case .herniatedDisc: "herniated_disc"
        case .degenerativeDisc: "degenerative_disc"
        case .spinalStenosis: "spinal_stenosis"
        case .piriformisSyndrome: "piriformis_syndrome"
        case .spondylolisthesis: "spondylolisthesis"
        case .sacroiliacDysfunction: "sacroiliac_dysfunction"
        case .facetJoint: "facet_joint"
        case .unknown: "unknown"
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
