import SessionModel

/// The course-level figures of one primary group, or of all analysable courses: its rows of
/// the technique tables and of medication outcomes.
struct GroupFigures: Sendable {
    var group: TechniqueGroup
    var courses: Int
    var meanBaseline: Double
    var meanLatest: Double
    var change: MeanInterval
    var meanPercentChange: Double
    var responders = 0
    /// `atLeast[t]`: courses with pct_change ≥ t, for t = 0…100.
    var atLeast = [Int](repeating: 0, count: 101)
    /// The Kaplan–Meier estimate of sessions to response.
    var survival = KaplanMeier(events: [], censored: [])
    var medication: MedicationOutcome?
}

extension OutcomeAnalysis {
    /// Counting by time needs an array as long as the largest time; beyond this, sort.
    static let longestCountedTime = 1 << 16

    /// The course-level figures of every primary group (by slot of `TechniqueGroup.primaryGroups`;
    /// nil for an absent group) and of all analysable courses.
    ///
    /// Every mean is the two-pass ``SampleMoments`` over a group's courses in course order, run
    /// as two streaming passes over all analysable courses that keep one running sum per group.
    func courseFigures(_ data: AnalysableCourses) -> (groups: [GroupFigures?], all: GroupFigures) {
        let slots = TechniqueGroup.primaryGroups.count
        let all = slots
        let countsByTime = data.latestTime <= Self.longestCountedTime
        let times = countsByTime ? data.latestTime + 1 : 0

        // First pass: sums and counts, per group and for all courses (the last slot). Branches
        // on whether a course responded or has a medication outcome would be mispredicted
        // about half the time, so neither is a branch.
        var sums = [CourseSums](repeating: CourseSums(), count: slots + 1)
        var medication = [MedicationSums](repeating: MedicationSums(), count: slots + 1)
        var passing = [Int](repeating: 0, count: slots * 101)
        // Courses by group and time, events then censorings.
        var byTime = [Int](repeating: 0, count: slots * times * 2)
        data.courses.withUnsafeBufferPointer { courses in
            data.outcomes.withUnsafeBufferPointer { outcomes in
                sums.withUnsafeMutableBufferPointer { sums in
                    medication.withUnsafeMutableBufferPointer { medication in
                        passing.withUnsafeMutableBufferPointer { passing in
                            byTime.withUnsafeMutableBufferPointer { byTime in
                                for index in courses.indices {
                                    let (course, outcome) = (courses[index], outcomes[index])
                                    let slot = Int(course.group)
                                    let percent = course.percentChange
                                    sums[slot].add(course, outcome, percent: percent)
                                    sums[all].add(course, outcome, percent: percent)
                                    // The highest threshold t of 0…100 with pct_change ≥ t (none
                                    // below 0 or for NaN).
                                    if percent >= 0 {
                                        passing[slot * 101 + Int(min(percent, 100).rounded(.down))] += 1
                                    }
                                    if countsByTime {
                                        byTime[
                                            (slot * times + Int(outcome.time)) * 2
                                                + (outcome.responded ? 0 : 1)] += 1
                                    }
                                    medication[slot].add(outcome)
                                    medication[all].add(outcome)
                                }
                            }
                        }
                    }
                }
            }
        }

        // Second pass: residuals about the first means.
        var residuals = sums.map(CourseResiduals.init)
        var medicationResiduals = medication.map(MedicationResiduals.init)
        data.courses.withUnsafeBufferPointer { courses in
            data.outcomes.withUnsafeBufferPointer { outcomes in
                residuals.withUnsafeMutableBufferPointer { residuals in
                    medicationResiduals.withUnsafeMutableBufferPointer { medicationResiduals in
                        for index in courses.indices {
                            let (course, outcome) = (courses[index], outcomes[index])
                            let slot = Int(course.group)
                            let percent = course.percentChange
                            residuals[slot].add(course, outcome, percent: percent)
                            residuals[all].add(course, outcome, percent: percent)
                            medicationResiduals[slot].add(outcome)
                            medicationResiduals[all].add(outcome)
                        }
                    }
                }
            }
        }

        func figures(_ slot: Int) -> GroupFigures {
            let count = sums[slot].count
            let group = slot == all ? TechniqueGroup.all : TechniqueGroup.primaryGroups[slot]
            let residuals = residuals[slot]
            func mean(_ residuals: Residuals) -> Double {
                SampleMoments.mean(count: count, firstMean: residuals.firstMean, residuals: residuals)
            }
            var figures = GroupFigures(
                group: group, courses: count, meanBaseline: mean(residuals.baseline),
                meanLatest: mean(residuals.latest),
                change: MeanInterval(
                    moments: SampleMoments(
                        count: count, firstMean: residuals.change.firstMean, residuals: residuals.change),
                    confidence: settings.confidence),
                meanPercentChange: mean(residuals.percent))
            figures.medication = medicationOutcome(group, medication[slot], medicationResiduals[slot])
            if slot == all {
                figures.responders = (0..<slots).reduce(0) { $0 + sums[$1].responders }
                for group in 0..<slots {
                    for threshold in 0...100 {
                        figures.atLeast[threshold] += passing[group * 101 + threshold]
                    }
                }
            } else {
                figures.responders = sums[slot].responders
                for threshold in 0...100 { figures.atLeast[threshold] = passing[slot * 101 + threshold] }
            }
            // From the count at each highest threshold passed to the count at or above it.
            for threshold in stride(from: 99, through: 0, by: -1) {
                figures.atLeast[threshold] += figures.atLeast[threshold + 1]
            }
            if countsByTime {
                let range = slot == all ? 0..<slots : slot..<slot + 1
                var eventsByTime = [Int](repeating: 0, count: times)
                var censoredByTime = eventsByTime
                for group in range {
                    for time in 0..<times {
                        eventsByTime[time] += byTime[(group * times + time) * 2]
                        censoredByTime[time] += byTime[(group * times + time) * 2 + 1]
                    }
                }
                figures.survival = KaplanMeier(events: eventsByTime, censored: censoredByTime)
            } else {
                let members = data.outcomes.indices.filter {
                    slot == all || Int(data.courses[$0].group) == slot
                }
                figures.survival = KaplanMeier(
                    times: members.map { Int(data.outcomes[$0].time) },
                    events: members.map { data.outcomes[$0].responded })
            }
            return figures
        }
        return ((0..<slots).map { sums[$0].count > 0 ? figures($0) : nil }, figures(all))
    }

    /// The rows of `session_trend.csv`: pain, change from baseline and doses at each session
    /// number up to the maximum, by primary group over its courses in course order.
    ///
    /// Two passes in table order over the rows of the analysable courses up to the maximum
    /// session number: sums by group and session number, then residuals about the first means.
    func sessionTrend(_ data: AnalysableCourses, _ table: SessionTable) -> [SessionTrendPoint] {
        let maximum = settings.maximumSession
        guard maximum >= 1 else { return [] }
        let slots = TechniqueGroup.primaryGroups.indices
        var sums = [TrendSums](repeating: TrendSums(), count: slots.count * maximum)
        sums.withUnsafeMutableBufferPointer { sums in
            for (course, outcome) in zip(data.courses, data.outcomes) {
                let (baseline, first) = (course.baseline, Int(course.group) * maximum - 1)
                for row in Int(outcome.firstRow)..<Int(outcome.endRow) {
                    let number = Int(table.sessionNumber[row])
                    guard number <= maximum else { break }
                    sums[first + number].add(
                        pain: table.painPre[row], baseline: baseline, doses: table.medDosesPerDay[row])
                }
            }
        }
        var residuals = sums.indices.map { TrendResiduals(sums[$0], number: $0 % maximum + 1) }
        residuals.withUnsafeMutableBufferPointer { residuals in
            for (course, outcome) in zip(data.courses, data.outcomes) {
                let (baseline, first) = (course.baseline, Int(course.group) * maximum - 1)
                for row in Int(outcome.firstRow)..<Int(outcome.endRow) {
                    let number = Int(table.sessionNumber[row])
                    guard number <= maximum else { break }
                    residuals[first + number].add(
                        pain: table.painPre[row], baseline: baseline, doses: table.medDosesPerDay[row])
                }
            }
        }
        var points: [SessionTrendPoint] = []
        for slot in slots {
            for cell in slot * maximum..<(slot + 1) * maximum where sums[cell].count > 0 {
                let (count, cell) = (sums[cell].count, residuals[cell])
                points.append(
                    SessionTrendPoint(
                        group: TechniqueGroup.primaryGroups[slot], sessionNumber: cell.number, courses: count,
                        suppressed: settings.suppresses(count),
                        pain: MeanInterval(
                            moments: SampleMoments(
                                count: count, firstMean: cell.pain.firstMean, residuals: cell.pain),
                            confidence: settings.confidence),
                        change: MeanInterval(
                            moments: SampleMoments(
                                count: count, firstMean: cell.change.firstMean, residuals: cell.change),
                            confidence: settings.confidence),
                        meanDoses: SampleMoments.mean(
                            count: cell.doseCount, firstMean: cell.doses.firstMean, residuals: cell.doses),
                        coursesWithDoses: cell.doseCount))
            }
        }
        return points
    }

    /// A row of `medication_outcomes.csv` from the two passes over its courses (nil when it has
    /// none).
    private func medicationOutcome(
        _ group: TechniqueGroup, _ sums: MedicationSums, _ residuals: MedicationResiduals
    )
        -> MedicationOutcome?
    {
        let count = sums.count
        guard count > 0 else { return nil }
        func mean(_ residuals: Residuals) -> Double {
            SampleMoments.mean(count: count, firstMean: residuals.firstMean, residuals: residuals)
        }
        return MedicationOutcome(
            group: group, courses: count, suppressed: settings.suppresses(count),
            meanBaselineDoses: mean(residuals.baseline), meanLatestDoses: mean(residuals.latest),
            meanPercentReduction: mean(residuals.reduction),
            reducedByThird: WilsonInterval(
                successes: sums.third, trials: count, confidence: settings.confidence),
            stopped: WilsonInterval(successes: sums.stopped, trials: count, confidence: settings.confidence))
    }
}

/// The first pass over the courses of a group.
private struct CourseSums {
    var count = 0
    var responders = 0
    /// Lane 0: baseline pain; lane 1: latest pain.
    var baselineAndLatest = CompensatedPair()
    /// Lane 0: change; lane 1: pct_change.
    var changeAndPercent = CompensatedPair()

    @inline(__always)
    mutating func add(_ course: AnalysableCourse, _ outcome: CourseOutcome, percent share: Double) {
        count += 1
        responders += course.isResponder ? 1 : 0
        baselineAndLatest.add(SIMD2(course.baseline, outcome.latest))
        changeAndPercent.add(SIMD2(course.change, share))
    }
}

/// The second pass over the courses of a group (the full moments of the change, the means of
/// the rest).
private struct CourseResiduals {
    var baseline: Residuals
    var latest: Residuals
    var change: Residuals
    var percent: Residuals

    init(_ sums: CourseSums) {
        let count = max(1, sums.count)
        let (first, second) = (sums.baselineAndLatest.value, sums.changeAndPercent.value)
        baseline = Residuals(firstMean: SampleMoments.firstMean(total: first[0], count: count))
        latest = Residuals(firstMean: SampleMoments.firstMean(total: first[1], count: count))
        change = Residuals(firstMean: SampleMoments.firstMean(total: second[0], count: count))
        percent = Residuals(firstMean: SampleMoments.firstMean(total: second[1], count: count))
    }

    @inline(__always)
    mutating func add(_ course: AnalysableCourse, _ outcome: CourseOutcome, percent share: Double) {
        baseline.addResidual(course.baseline)
        latest.addResidual(outcome.latest)
        change.add(course.change)
        percent.addResidual(share)
    }
}

/// The first pass over one session number of the trend.
private struct TrendSums {
    var count = 0
    var doseCount = 0
    /// Lane 0: pain; lane 1: change from baseline.
    var painAndChange = CompensatedPair()
    var doses = CompensatedSum()

    @inline(__always)
    mutating func add(pain value: Double, baseline: Double, doses dose: Double) {
        count += 1
        painAndChange.add(SIMD2(value, baseline - value))
        // Doses are missing at random: no branch.
        doseCount += dose.isNaN ? 0 : 1
        doses.add(dose, if: !dose.isNaN)
    }
}

/// The second pass over one session number of the trend.
private struct TrendResiduals {
    let number: Int
    let doseCount: Int
    var pain: Residuals
    var change: Residuals
    var doses: Residuals

    init(_ sums: TrendSums, number: Int) {
        self.number = number
        doseCount = sums.doseCount
        let count = max(1, sums.count)
        pain = Residuals(firstMean: SampleMoments.firstMean(total: sums.painAndChange.value[0], count: count))
        change = Residuals(
            firstMean: SampleMoments.firstMean(total: sums.painAndChange.value[1], count: count))
        doses = Residuals(firstMean: SampleMoments.firstMean(sum: sums.doses, count: max(1, sums.doseCount)))
    }

    @inline(__always)
    mutating func add(pain value: Double, baseline: Double, doses dose: Double) {
        pain.add(value)
        change.add(baseline - value)
        doses.addResidual(dose, if: !dose.isNaN)
    }
}

/// The first pass over the medication outcomes of a group.
private struct MedicationSums {
    var count = 0
    var third = 0
    var stopped = 0
    /// Lane 0: doses at session 1; lane 1: latest doses.
    var baselineAndLatest = CompensatedPair()
    var reduction = CompensatedSum()

    /// Adds `outcome` if it has a medication outcome, without a branch.
    @inline(__always)
    mutating func add(_ outcome: CourseOutcome) {
        let (first, last, included) = (
            outcome.baselineDoses, outcome.latestDoses, outcome.hasMedicationOutcome
        )
        count += included ? 1 : 0
        baselineAndLatest.add(SIMD2(first, last), if: included)
        reduction.add((first - last) / first * 100, if: included)
        third += included && 3 * (first - last) >= first ? 1 : 0
        stopped += included && last == 0 ? 1 : 0
    }
}

/// The second pass over the medication outcomes of a group (means only).
private struct MedicationResiduals {
    var baseline: Residuals
    var latest: Residuals
    var reduction: Residuals

    init(_ sums: MedicationSums) {
        let count = max(1, sums.count)
        let totals = sums.baselineAndLatest.value
        baseline = Residuals(firstMean: SampleMoments.firstMean(total: totals[0], count: count))
        latest = Residuals(firstMean: SampleMoments.firstMean(total: totals[1], count: count))
        reduction = Residuals(firstMean: SampleMoments.firstMean(sum: sums.reduction, count: count))
    }

    /// Adds `outcome` if it has a medication outcome, without a branch.
    @inline(__always)
    mutating func add(_ outcome: CourseOutcome) {
        let (first, last, included) = (
            outcome.baselineDoses, outcome.latestDoses, outcome.hasMedicationOutcome
        )
        baseline.addResidual(first, if: included)
        latest.addResidual(last, if: included)
        reduction.addResidual((first - last) / first * 100, if: included)
    }
}
