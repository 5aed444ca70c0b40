/// A patient's recorded sex (METRICS.md §1). Empty input is `unknown`.
public enum Sex: UInt8, CaseIterable, Sendable, Hashable, Comparable, BitwiseCopyable {
    case female
    case male
    case other
    case unknown

    /// The canonical name: `F`, `M`, `other` or `unknown`.
    public var name: String {
        switch self {
        case .female: "F"
        case .male: "M"
        case .other: "other"
        case .unknown: "unknown"
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
