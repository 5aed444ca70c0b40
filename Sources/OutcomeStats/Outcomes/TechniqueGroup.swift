public import SessionModel

/// A row label of the technique tables: one technique, `mixed` (no technique in more than
/// half of the sessions), or `all`.
public enum TechniqueGroup: Sendable, Hashable, Comparable {
    case technique(Technique)
    case mixed
    case all

    /// The name written in every output: a technique name, `mixed` or `all`.
    public var name: String {
        switch self {
        case .technique(let technique): technique.name
        case .mixed: "mixed"
        case .all: "all"
        }
    }

    /// A label for people, e.g. `Deep tissue`.
    public var label: String {
        switch self {
        case .technique(let technique): technique.label
        case .mixed: "Mixed"
        case .all: "All courses"
        }
    }

    /// The eight techniques and `mixed`, in report order.
    public static let primaryGroups: [TechniqueGroup] = Technique.allCases.map { .technique($0) } + [.mixed]

    var rank: Int {
        switch self {
        case .technique(let technique): Int(technique.rawValue)
        case .mixed: 100
        case .all: 101
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}
