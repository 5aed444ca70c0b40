/// Kaplan–Meier estimate of the survival function for integer event times (session numbers) with
/// right censoring.
///
/// At a time with both events and censorings, the censored subjects are still at risk at that
/// time. Survival is kept as an exact fraction while it fits in 64 bits, so S is correctly
/// rounded and the median's S ≤ 1/2 test is exact (S = 0.5 exactly is not mistaken for 0.5 + ulp).
public struct KaplanMeier: Sendable, Equatable {
    /// The estimate at one distinct observed time.
    public struct Step: Sendable, Equatable {
        public let time: Int
        /// Subjects with an observed time ≥ `time`.
        public let atRisk: Int
        public let events: Int
        public let censored: Int
        /// S just after `time`.
        public let survival: Double
    }

    /// One per distinct time that has an event or a censoring, ascending.
    public let steps: [Step]
    /// The smallest time at which survival ≤ 0.5, nil if it never gets there.
    public let median: Int?

    /// - Parameters:
    ///   - times: each subject's event or censoring time.
    ///   - events: true for an event, false for a censoring.
    /// - Precondition: `times.count == events.count`.
    public init(times: [Int], events: [Bool]) {
        precondition(times.count == events.count, "times and events must have the same length")
        let order = times.indices.sorted { times[$0] < times[$1] }
        var tally = Tally(subjects: times.count)
        var position = 0
        while position < order.count {
            let time = times[order[position]]
            var eventCount = 0
            var censoredCount = 0
            while position < order.count, times[order[position]] == time {
                if events[order[position]] { eventCount += 1 } else { censoredCount += 1 }
                position += 1
            }
            tally.add(time: time, events: eventCount, censored: censoredCount)
        }
        self.init(tally)
    }

    /// The estimate from counts by time: `events[t]` events and `censored[t]` censorings at
    /// time `t` (the two arrays have the same length). The same, bit for bit, as
    /// ``init(times:events:)`` over the subjects those counts describe.
    init(events: [Int], censored: [Int]) {
        precondition(events.count == censored.count, "events and censored must have the same length")
        var tally = Tally(subjects: events.reduce(0, +) + censored.reduce(0, +))
        for time in events.indices where events[time] + censored[time] > 0 {
            tally.add(time: time, events: events[time], censored: censored[time])
        }
        self.init(tally)
    }

    private init(_ tally: Tally) {
        steps = tally.steps
        median = tally.median
    }

    /// The product-limit recursion over distinct times in ascending order.
    private struct Tally {
        var steps: [Step] = []
        var median: Int?
        var survival = ExactFraction()
        var atRisk: Int

        init(subjects: Int) { atRisk = subjects }

        mutating func add(time: Int, events eventCount: Int, censored censoredCount: Int) {
            if eventCount > 0 {
                survival.multiply(by: atRisk - eventCount, over: atRisk)
                if median == nil, survival.isAtMostOneHalf { median = time }
            }
            steps.append(
                Step(
                    time: time, atRisk: atRisk, events: eventCount, censored: censoredCount,
                    survival: survival.value))
            atRisk -= eventCount + censoredCount
        }
    }

    /// S(t): the survival estimate just after time t (1 before the first event).
    public func survival(at time: Int) -> Double {
        // The last step at or before `time`, by binary search.
        var low = 0
        var high = steps.count
        while low < high {
            let middle = (low + high) / 2
            if steps[middle].time <= time { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? 1 : steps[low - 1].survival
    }
}

/// A product of fractions (n - d)/n, exact while numerator and denominator fit in UInt64, then
/// continued in floating point.
private struct ExactFraction {
    private var numerator: UInt64 = 1
    private var denominator: UInt64 = 1
    private var approximate: Double?

    mutating func multiply(by factorNumerator: Int, over factorDenominator: Int) {
        if let current = approximate {
            approximate = current * (Double(factorNumerator) / Double(factorDenominator))
            return
        }
        var top = UInt64(factorNumerator)
        var bottom = UInt64(factorDenominator)
        // Cancel crosswise first so the products stay small.
        let g1 = Self.gcd(top, denominator)
        let g2 = Self.gcd(numerator, bottom)
        top /= g1
        bottom /= g2
        let n = (numerator / g2).multipliedReportingOverflow(by: top)
        let d = (denominator / g1).multipliedReportingOverflow(by: bottom)
        if n.overflow || d.overflow {
            approximate = value * (Double(factorNumerator) / Double(factorDenominator))
        } else {
            numerator = n.partialValue
            denominator = d.partialValue
        }
    }

    /// The fraction, correctly rounded while it is exact (both parts below 2⁵³).
    var value: Double { approximate ?? Double(numerator) / Double(denominator) }

    var isAtMostOneHalf: Bool {
        if let approximate { return approximate <= 0.5 }
        // 2n ≤ d, without overflow: for odd d, 2n ≤ d exactly when n ≤ (d - 1)/2 = d / 2.
        return numerator <= denominator / 2
    }

    private static func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x == 0 ? 1 : x
    }
}
