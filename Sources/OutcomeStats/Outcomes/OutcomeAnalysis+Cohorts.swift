import SessionModel

extension OutcomeAnalysis {
    /// Every technique within every cohort of `dimension`, compared with the reference technique
    /// in the same cohort (Welch, and OLS adjusted for baseline pain), Holm-adjusted per cohort.
    ///
    /// The courses are sorted into cells (cohort, then primary group) by counting, keeping
    /// course order within each cell, and their change and baseline gathered so that every cell
    /// is a contiguous run.
    func cohortComparisons(_ dimension: CohortDimension, _ data: AnalysableCourses) -> [CohortComparison] {
        // Cohorts by raw key (an enum's position in `allCases`, a clinic id), then the present
        // ones in report order.
        let labels: [String]
        switch dimension {
        case .all: labels = ["all"]
        case .cause: labels = Cause.allCases.map(\.name)
        case .chronicity: labels = Chronicity.allCases.map(\.rawValue)
        case .ageBand: labels = AgeBand.allCases.map(\.rawValue)
        case .sex: labels = Sex.allCases.map(\.name)
        case .clinic: labels = (0..<data.clinicCount).map { clinicNames[$0] }
        }
        @inline(__always) func key(_ course: AnalysableCourse) -> Int {
            switch dimension {
            case .all: 0
            case .cause: Int(course.cause.rawValue)
            case .chronicity: course.chronicity.index
            case .ageBand: course.ageBand.index
            case .sex: Int(course.sex.rawValue)
            case .clinic: Int(course.clinic)
            }
        }
        let groupCount = TechniqueGroup.primaryGroups.count

        // First pass: courses and responders by cell (raw cohort, then primary group).
        var counts = [Int](repeating: 0, count: labels.count * groupCount)
        var responders = counts
        data.courses.withUnsafeBufferPointer { courses in
            counts.withUnsafeMutableBufferPointer { counts in
                responders.withUnsafeMutableBufferPointer { responders in
                    for course in courses {
                        let cell = key(course) * groupCount + Int(course.group)
                        counts[cell] += 1
                        responders[cell] += course.isResponder ? 1 : 0
                    }
                }
            }
        }
        var present = labels.indices.filter { cohort in
            (0..<groupCount).contains { counts[cohort * groupCount + $0] > 0 }
        }
        if dimension == .clinic {
            present.sort { a, b in labels[a] != labels[b] ? labels[a] < labels[b] : a < b }
        }
        // Where each cell starts in report order, by raw cell.
        var starts = [Int](repeating: 0, count: counts.count)
        var total = 0
        for cohort in present {
            for cell in cohort * groupCount..<(cohort + 1) * groupCount {
                starts[cell] = total
                total += counts[cell]
            }
        }

        // Second pass: change and baseline gathered cell by cell, in course order within a cell.
        var change = [Double](repeating: 0, count: data.count)
        var baseline = [Double](repeating: 0, count: data.count)
        var next = starts
        data.courses.withUnsafeBufferPointer { courses in
            change.withUnsafeMutableBufferPointer { change in
                baseline.withUnsafeMutableBufferPointer { baseline in
                    next.withUnsafeMutableBufferPointer { next in
                        for course in courses {
                            let cell = key(course) * groupCount + Int(course.group)
                            change[next[cell]] = course.change
                            baseline[next[cell]] = course.baseline
                            next[cell] += 1
                        }
                    }
                }
            }
        }

        var rows: [CohortComparison] = []
        for cohort in present {
            let first = cohort * groupCount
            rows += comparisons(
                dimension, labels[cohort],
                cells: (first..<first + groupCount).map { starts[$0]..<starts[$0] + counts[$0] },
                responders: Array(responders[first..<first + groupCount]), change: change, baseline: baseline)
        }
        return rows
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
