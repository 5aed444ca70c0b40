/// A massage technique used in a session, as defined by METRICS.md §1.
///
/// The raw value is the canonical snake_case name written in every output.
/// Case order is the order rows appear in every report.
public enum Technique: UInt8, CaseIterable, Sendable, Hashable, Comparable, BitwiseCopyable {
    case deepTissue
    case swedish
    case neuromuscular
    case myofascialRelease
    case triggerPoint
    case hotStone
    case sports
    case mechanicalVibration

    /// The canonical name, e.g. `deep_tissue`.
    public var name: String {
        switch self {
        case .deepTissue: "deep_tissue"
        case .swedish: "swedish"
        case .neuromuscular: "neuromuscular"
        case .myofascialRelease: "myofascial_release"
        case .triggerPoint: "trigger_point"
        case .hotStone: "hot_stone"
        case .sports: "sports"
        case .mechanicalVibration: "mechanical_vibration"
        }
    }

    /// A human label for reports and charts, e.g. `Deep tissue`.
    public var label: String {
        switch self {
        case .deepTissue: "Deep tissue"
        case .swedish: "Swedish"
        case .neuromuscular: "Neuromuscular"
        case .myofascialRelease: "Myofascial release"
        case .triggerPoint: "Trigger point"
        case .hotStone: "Hot stone"
        case .sports: "Sports"
        case .mechanicalVibration: "Mechanical vibration"
        }
    }

    public init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = match
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
