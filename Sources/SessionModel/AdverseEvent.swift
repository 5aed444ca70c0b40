/// An adverse event recorded for a session (METRICS.md §1). Empty input is `none`.
public enum AdverseEvent: UInt8, CaseIterable, Sendable, Hashable, Comparable, BitwiseCopyable {
    case none
    case soreness
    case bruising
    case other

    /// The canonical name, e.g. `soreness`.
    public var name: String {
        switch self {
        case .none: "none"
        case .soreness: "soreness"
        case .bruising: "bruising"
        case .other: "other"
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
