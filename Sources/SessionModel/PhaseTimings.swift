#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Wall-clock time of each pipeline phase, written to stderr when the environment variable
/// `OUTCOMES_TIMINGS` is set (for benchmarks and performance work; never part of a report).
///
/// One instance per run, marked from the thread that drives the pipeline.
public final class PhaseTimings: @unchecked Sendable {
    private var last: UInt64
    private let start: UInt64

    /// A timer when `OUTCOMES_TIMINGS` is set, nil otherwise.
    public static func fromEnvironment() -> PhaseTimings? {
        getenv("OUTCOMES_TIMINGS") == nil ? nil : PhaseTimings()
    }

    init() {
        start = Self.now()
        last = start
    }

    /// Writes the time since the previous mark (and since the start) for `phase`.
    public func mark(_ phase: String) {
        let now = Self.now()
        let line =
            "outcomes: timing: \(phase) \(Self.seconds(now - last)) s (total \(Self.seconds(now - start)) s)\n"
        last = now
        var text = line
        text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }

    private static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    private static func seconds(_ nanoseconds: UInt64) -> String {
        let milliseconds = (nanoseconds + 500_000) / 1_000_000
        let fraction = milliseconds % 1000
        return "\(milliseconds / 1000).\(fraction < 10 ? "00" : fraction < 100 ? "0" : "")\(fraction)"
    }
}
