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

        // First pass: sums and counts, per group and for all courses (the last slot).
        var sums = [CourseSums](repeating: CourseSums(), count: slots + 1)
        var medication = [MedicationSums](repeating: MedicationSums(), count: slots + 1)
        var passing = [Int](repeating: 0, count: slots * 101)
        var events = [Int](repeating: 0, count: slots * times)
        var censored = events
        sums.withUnsafeMutableBufferPointer { sums in
            medication.withUnsafeMutableBufferPointer { medication in
                passing.withUnsafeMutableBufferPointer { passing in
                    events.withUnsafeMutableBufferPointer { events in
                        censored.withUnsafeMutableBufferPointer { censored in
                            for course in data.courses {
                                let slot = Int(course.group)
                                let percent = course.percentChange
                                sums[slot].add(course, percent: percent)
                                sums[all].add(course, percent: percent)
                                // The highest threshold t of 0…100 with pct_change ≥ t (none below 0
                                // or for NaN).
                                if percent >= 0 {
                                    passing[slot * 101 + Int(min(percent, 100).rounded(.down))] += 1
                                }
                                if countsByTime {
                                    let time = slot * times + Int(course.time)
                                    if course.responded { events[time] += 1 } else { censored[time] += 1 }
                                }
                                if course.hasMedicationOutcome {
                                    medication[slot].add(
                                        baseline: course.baselineDoses, latest: course.latestDoses)
                                    medication[all].add(
                                        baseline: course.baselineDoses, latest: course.latestDoses)
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
        residuals.withUnsafeMutableBufferPointer { residuals in
            medicationResiduals.withUnsafeMutableBufferPointer { medicationResiduals in
                for course in data.courses {
                    let slot = Int(course.group)
                    let percent = course.percentChange
                    residuals[slot].add(course, percent: percent)
                    residuals[all].add(course, percent: percent)
                    if course.hasMedicationOutcome {
                        medicationResiduals[slot].add(
                            baseline: course.baselineDoses, latest: course.latestDoses)
                        medicationResiduals[all].add(
                            baseline: course.baselineDoses, latest: course.latestDoses)
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
                        eventsByTime[time] += events[group * times + time]
                        censoredByTime[time] += censored[group * times + time]
                    }
                }
                figures.survival = KaplanMeier(events: eventsByTime, censored: censoredByTime)
            } else {
                let members = data.courses.filter { slot == all || Int($0.group) == slot }
                figures.survival = KaplanMeier(
                    times: members.map { Int($0.time) }, events: members.map(\.responded))
            }
            return figures
        }
        return ((0..<slots).map { sums[$0].count > 0 ? figures($0) : nil }, figures(all))
    }

    /// The rows of `session_trend.csv` of the primary groups at `slots` of
    /// `TechniqueGroup.primaryGroups`, in the order of `slots`: pain, change from baseline and
    /// doses at each session number up to the maximum, over each group's courses in course order.
    ///
    /// Two passes in table order over the rows of the groups' courses up to the maximum session
    /// number: sums by group and session number, then residuals about the first means.
    func sessionTrend(_ data: AnalysableCourses, _ table: SessionTable, slots: [Int]) -> [SessionTrendPoint] {
        let maximum = settings.maximumSession
        guard maximum >= 1 else { return [] }
        var included = [Bool](repeating: false, count: TechniqueGroup.primaryGroups.count)
        for slot in slots { included[slot] = true }
        var sums = [TrendSums](repeating: TrendSums(), count: included.count * maximum)
        sums.withUnsafeMutableBufferPointer { sums in
            for course in data.courses where included[Int(course.group)] {
                let (baseline, first) = (course.baseline, Int(course.group) * maximum - 1)
                for row in Int(course.firstRow)..<Int(course.endRow) {
                    let number = Int(table.sessionNumber[row])
                    guard number <= maximum else { break }
                    sums[first + number].add(
                        pain: table.painPre[row], baseline: baseline, doses: table.medDosesPerDay[row])
                }
            }
        }
        var residuals = sums.indices.map { TrendResiduals(sums[$0], number: $0 % maximum + 1) }
        residuals.withUnsafeMutableBufferPointer { residuals in
            for course in data.courses where included[Int(course.group)] {
                let (baseline, first) = (course.baseline, Int(course.group) * maximum - 1)
                for row in Int(course.firstRow)..<Int(course.endRow) {
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
    var baseline = CompensatedSum()
    var latest = CompensatedSum()
    var change = CompensatedSum()
    var percent = CompensatedSum()

    @inline(__always)
    mutating func add(_ course: AnalysableCourse, percent share: Double) {
        count += 1
        responders += course.isResponder ? 1 : 0
        baseline.add(course.baseline)
        latest.add(course.latest)
        change.add(course.change)
        percent.add(share)
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
        baseline = Residuals(firstMean: SampleMoments.firstMean(sum: sums.baseline, count: count))
        latest = Residuals(firstMean: SampleMoments.firstMean(sum: sums.latest, count: count))
        change = Residuals(firstMean: SampleMoments.firstMean(sum: sums.change, count: count))
        percent = Residuals(firstMean: SampleMoments.firstMean(sum: sums.percent, count: count))
    }

    @inline(__always)
    mutating func add(_ course: AnalysableCourse, percent share: Double) {
        baseline.addResidual(course.baseline)
        latest.addResidual(course.latest)
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
    var baseline = CompensatedSum()
    var latest = CompensatedSum()
    var reduction = CompensatedSum()

    @inline(__always)
    mutating func add(baseline first: Double, latest last: Double) {
        count += 1
        baseline.add(first)
        latest.add(last)
        reduction.add((first - last) / first * 100)
        if 3 * (first - last) >= first { third += 1 }
        if last == 0 { stopped += 1 }
    }
}

/// The second pass over the medication outcomes of a group (means only).
private struct MedicationResiduals {
    var baseline: Residuals
    var latest: Residuals
    var reduction: Residuals

    init(_ sums: MedicationSums) {
        let count = max(1, sums.count)
        baseline = Residuals(firstMean: SampleMoments.firstMean(sum: sums.baseline, count: count))
        latest = Residuals(firstMean: SampleMoments.firstMean(sum: sums.latest, count: count))
        reduction = Residuals(firstMean: SampleMoments.firstMean(sum: sums.reduction, count: count))
    }

    @inline(__always)
    mutating func add(baseline first: Double, latest last: Double) {
        baseline.addResidual(first)
        latest.addResidual(last)
        reduction.addResidual((first - last) / first * 100)
    }
}
