import SessionModel

extension OutcomeAnalysis {
    /// Every technique within every cohort, compared with the reference technique in the
    /// same cohort (Welch, and OLS adjusted for baseline pain), Holm-adjusted per cohort.
    func cohortComparisons(_ dimension: CohortDimension, _ courses: Courses, _ analysable: [Int32])
        -> [CohortComparison]
    {
        var rows: [CohortComparison] = []
        for (cohort, members) in cohorts(dimension, courses, analysable) {
            rows += comparisons(dimension, cohort, members, courses)
        }
        return rows
    }

    /// The cohorts of `dimension` that hold analysable courses, in report order.
    private func cohorts(_ dimension: CohortDimension, _ courses: Courses, _ analysable: [Int32]) -> [(
        String, [Int32]
    )] {
        func grouped<Key: Hashable>(_ key: (Int) -> Key, order: [Key], label: (Key) -> String) -> [(
            String, [Int32]
        )] {
            var members: [Key: [Int32]] = [:]
            for course in analysable { members[key(Int(course)), default: []].append(course) }
            return order.compactMap { value in members[value].map { (label(value), $0) } }
        }
        switch dimension {
        case .all:
            return analysable.isEmpty ? [] : [("all", analysable)]
        case .cause:
            return grouped({ courses.cause[$0] }, order: Cause.allCases, label: \.name)
        case .chronicity:
            return grouped({ courses.chronicity[$0] }, order: Chronicity.allCases, label: \.rawValue)
        case .ageBand:
            return grouped({ courses.ageBand[$0] }, order: AgeBand.allCases, label: \.rawValue)
        case .sex:
            return grouped({ courses.sex[$0] }, order: Sex.allCases, label: \.name)
        case .clinic:
            let present = Set(analysable.map { courses.clinic[Int($0)] })
            let order = present.sorted { a, b in
                let (na, nb) = (clinicNames[Int(a)], clinicNames[Int(b)])
                return na != nb ? na < nb : a < b
            }
            return grouped({ courses.clinic[$0] }, order: order, label: { clinicNames[Int($0)] })
        }
    }

    private func comparisons(
        _ dimension: CohortDimension, _ cohort: String, _ members: [Int32], _ courses: Courses
    )
        -> [CohortComparison]
    {
        var byGroup: [TechniqueGroup: [Int32]] = [:]
        for course in members { byGroup[courses.group(Int(course)), default: []].append(course) }
        let groups = TechniqueGroup.primaryGroups.filter { byGroup[$0] != nil }
        let referenceMembers = reference.flatMap { byGroup[.technique($0)] } ?? []
        let referenceChanges = referenceMembers.map { courses.change(Int($0)) }
        let referenceUsable = !referenceMembers.isEmpty && !settings.suppresses(referenceMembers.count)

        var rows: [CohortComparison] = []
        for group in groups {
            let cell = byGroup[group]!
            let changes = cell.map { courses.change(Int($0)) }
            let responders = cell.count { courses.percentChange(Int($0)) >= settings.responderThreshold }
            var row = CohortComparison(
                dimension: dimension, cohort: cohort, group: group, courses: cell.count,
                suppressed: settings.suppresses(cell.count),
                change: MeanInterval(changes, confidence: settings.confidence),
                responderRate: Double(responders) / Double(cell.count), welch: nil, holmPValue: nil,
                adjusted: nil)
            let compared = group != .mixed && group != reference.map { .technique($0) }
            if compared && referenceUsable && !row.suppressed {
                row.welch = WelchTest(changes, referenceChanges, confidence: settings.confidence)
            }
            // A comparison is all or nothing: without Welch's test (a cell of one course, or
            // no variance at all) the baseline-adjusted difference is not reported either.
            if row.welch != nil {
                let both = cell + referenceMembers
                row.adjusted = AdjustedDifference(
                    response: both.map { courses.change(Int($0)) },
                    group: both.indices.map { $0 < cell.count },
                    covariate: both.map { courses.baseline[Int($0)] }, confidence: settings.confidence)
            }
            rows.append(row)
        }
        let tested = rows.indices.filter { rows[$0].welch != nil }
        let adjusted = HolmAdjustment.adjust(tested.map { rows[$0].welch!.pValue })
        for (index, row) in tested.enumerated() { rows[row].holmPValue = adjusted[index] }
        return rows
    }
}
