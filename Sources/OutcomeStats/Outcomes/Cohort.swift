import SessionModel

/// A dimension along which courses are compared (METRICS.md §4, `cohort_comparison.csv`).
public enum CohortDimension: String, CaseIterable, Sendable {
    case all
    case cause
    case chronicity
    case ageBand = "age_band"
    case sex
    case clinic
}

/// Chronicity at session 1 from weeks since symptom onset.
public enum Chronicity: String, CaseIterable, Sendable, Comparable {
    case acute
    case subacute
    case chronic
    case unknown

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// Acute below `subacute` weeks, subacute below `chronic`, chronic from `chronic` on;
    /// unknown when not recorded.
    public init(weeks: Double, cutoffs: (subacute: Double, chronic: Double)) {
        if weeks.isNaN {
            self = .unknown
        } else if weeks < cutoffs.subacute {
            self = .acute
        } else if weeks < cutoffs.chronic {
            self = .subacute
        } else {
            self = .chronic
        }
    }
}

/// Age band at session 1.
public enum AgeBand: String, CaseIterable, Sendable, Comparable {
    case under30 = "<30"
    case from30to44 = "30-44"
    case from45to59 = "45-59"
    case from60to74 = "60-74"
    case from75 = "75+"
    case unknown

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The band of `age` years; `nil` age is unknown.
    public init(age: Int?) {
        guard let age else {
            self = .unknown
            return
        }
        switch age {
        case ..<30: self = .under30
        case 30...44: self = .from30to44
        case 45...59: self = .from45to59
        case 60...74: self = .from60to74
        default: self = .from75
        }
    }
}

extension Chronicity {
    /// The position in `allCases` of `Chronicity(weeks: weeks, cutoffs: cutoffs)`, found with
    /// selects rather than branches (onset weeks are unpredictable).
    @inline(__always)
    static func index(weeks: Double, cutoffs: (subacute: Double, chronic: Double)) -> Int {
        let laterThanAcute = weeks < cutoffs.chronic ? 1 : 2
        let known = weeks < cutoffs.subacute ? 0 : laterThanAcute
        return weeks.isNaN ? 3 : known
    }

    /// The position in `allCases` (report order).
    var index: Int {
        switch self {
        case .acute: 0
        case .subacute: 1
        case .chronic: 2
        case .unknown: 3
        }
    }
}

extension AgeBand {
    /// The position in `allCases` of the band of an age column value (``init(_:)``), found by
    /// adding comparisons rather than branching (ages are unpredictable).
    @inline(__always)
    static func index(_ age: UInt8) -> Int {
        let band = (age >= 30 ? 1 : 0) + (age >= 45 ? 1 : 0) + (age >= 60 ? 1 : 0) + (age >= 75 ? 1 : 0)
        return age == SessionTable.missingAge ? 5 : band
    }

    /// The position in `allCases` (report order).
    var index: Int {
        switch self {
        case .under30: 0
        case .from30to44: 1
        case .from45to59: 2
        case .from60to74: 3
        case .from75: 4
        case .unknown: 5
        }
    }
}
