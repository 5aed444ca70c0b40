import SessionModel

extension OutcomeAnalysis {
    /// Every technique within every cohort of `dimension`, compared with the reference technique
    /// in the same cohort (Welch, and OLS adjusted for baseline pain), Holm-adjusted per cohort.
    ///
    /// The courses are sorted into cells (cohort, then primary group) by counting, keeping
    /// course order within each cell, and their change and baseline gathered so that every cell
    /// is a contiguous run.
    func cohortComparisons(_ dimension: CohortDimension, _ data: AnalysableCourses) -> [CohortComparison] {
        let (cohortOf, labels) = cohorts(dimension, data)
        let groupCount = TechniqueGroup.primaryGroups.count
        var starts = [Int](repeating: 0, count: labels.count * groupCount + 1)
        var responders = [Int](repeating: 0, count: labels.count * groupCount)
        var cells = [UInt32](repeating: 0, count: data.count)
        starts.withUnsafeMutableBufferPointer { starts in
            responders.withUnsafeMutableBufferPointer { responders in
                for (position, course) in data.courses.enumerated() {
                    let cell = Int(cohortOf[position]) * groupCount + Int(course.group)
                    cells[position] = UInt32(cell)
                    starts[cell + 1] += 1
                    responders[cell] += course.isResponder ? 1 : 0
                }
            }
        }
        for cell in responders.indices { starts[cell + 1] += starts[cell] }
        var next = starts
        var change = [Double](repeating: 0, count: data.count)
        var baseline = [Double](repeating: 0, count: data.count)
        next.withUnsafeMutableBufferPointer { next in
            for (position, course) in data.courses.enumerated() {
                let cell = Int(cells[position])
                change[next[cell]] = course.change
                baseline[next[cell]] = course.baseline
                next[cell] += 1
            }
        }

        var rows: [CohortComparison] = []
        for (cohort, label) in labels.enumerated() {
            let first = cohort * groupCount
            rows += comparisons(
                dimension, label, cells: (first..<first + groupCount).map { starts[$0]..<starts[$0 + 1] },
                responders: Array(responders[first..<first + groupCount]), change: change, baseline: baseline)
        }
        return rows
    }

    /// The cohort of each analysable course as an index into the labels of the cohorts that
    /// hold analysable courses, in report order.
    private func cohorts(_ dimension: CohortDimension, _ data: AnalysableCourses) -> (
        cohortOf: [UInt32], labels: [String]
    ) {
        /// `key(course)` is an index into `labels`; `order` sorts the present ones (by default
        /// they stay in the order of `labels`).
        func keyed(
            _ key: (AnalysableCourse) -> Int, labels: [String], order: (([Int]) -> [Int])? = nil
        ) -> ([UInt32], [String]) {
            var keys = data.courses.map { UInt32(key($0)) }
            var present = [Bool](repeating: false, count: labels.count)
            for key in keys { present[Int(key)] = true }
            let presentKeys = labels.indices.filter { present[$0] }
            let ordered = order?(presentKeys) ?? presentKeys
            var compact = [UInt32](repeating: 0, count: labels.count)
            for (index, value) in ordered.enumerated() { compact[value] = UInt32(index) }
            for position in keys.indices { keys[position] = compact[Int(keys[position])] }
            return (keys, ordered.map { labels[$0] })
        }
        switch dimension {
        case .all:
            return ([UInt32](repeating: 0, count: data.count), data.count == 0 ? [] : ["all"])
        case .cause:
            return keyed({ Int($0.cause.rawValue) }, labels: Cause.allCases.map(\.name))
        case .chronicity:
            return keyed({ $0.chronicity.index }, labels: Chronicity.allCases.map(\.rawValue))
        case .ageBand:
            return keyed({ $0.ageBand.index }, labels: AgeBand.allCases.map(\.rawValue))
        case .sex:
            return keyed({ Int($0.sex.rawValue) }, labels: Sex.allCases.map(\.name))
        case .clinic:
            let ids = data.courses.reduce(0) { max($0, Int($1.clinic) + 1) }
            return keyed({ Int($0.clinic) }, labels: (0..<ids).map { clinicNames[$0] }) { present in
                present.sorted { a, b in
                    let (na, nb) = (clinicNames[a], clinicNames[b])
                    return na != nb ? na < nb : a < b
                }
            }
        }
    }

    /// The rows of one cohort. `cells[slot]` is the run of the primary group at `slot` of
    /// `TechniqueGroup.primaryGroups` in `change` and `baseline`, with `responders[slot]`
    /// responders.
    private func comparisons(
        _ dimension: CohortDimension, _ cohort: String, cells: [Range<Int>], responders: [Int],
        change: [Double],
        baseline: [Double]
    ) -> [CohortComparison] {
        let groups = TechniqueGroup.primaryGroups
        let referenceSlot = reference.map { Int($0.rawValue) }
        let referenceCell = referenceSlot.map { cells[$0] } ?? 0..<0
        let referenceUsable = !referenceCell.isEmpty && !settings.suppresses(referenceCell.count)
        let referenceMoments = SampleMoments(change[referenceCell])

        var rows: [CohortComparison] = []
        for slot in groups.indices where !cells[slot].isEmpty {
            let cell = cells[slot]
            let moments = SampleMoments(change[cell])
            var row = CohortComparison(
                dimension: dimension, cohort: cohort, group: groups[slot], courses: cell.count,
                suppressed: settings.suppresses(cell.count),
                change: MeanInterval(moments: moments, confidence: settings.confidence),
                responderRate: Double(responders[slot]) / Double(cell.count), welch: nil, holmPValue: nil,
                adjusted: nil)
            let compared = groups[slot] != .mixed && slot != referenceSlot
            if compared && referenceUsable && !row.suppressed {
                row.welch = WelchTest(moments, referenceMoments, confidence: settings.confidence)
            }
            rows.append(row)
        }
        // A comparison is all or nothing: without Welch's test (a cell of one course, or no
        // variance at all) the baseline-adjusted difference is not reported either.
        let tested = rows.indices.filter { rows[$0].welch != nil }
        if !tested.isEmpty {
            let fits = AdjustedDifference.fits(
                firsts: tested.map { row in
                    let cell = cells[groups.firstIndex(of: rows[row].group)!]
                    return AdjustedDifference.Segment(response: change[cell], covariate: baseline[cell])
                },
                second: AdjustedDifference.Segment(
                    response: change[referenceCell], covariate: baseline[referenceCell]),
                confidence: settings.confidence)
            for (row, fit) in zip(tested, fits) { rows[row].adjusted = fit }
        }
        let adjusted = HolmAdjustment.adjust(tested.map { rows[$0].welch!.pValue })
        for (index, row) in tested.enumerated() { rows[row].holmPValue = adjusted[index] }
        return rows
    }
}
