// Ingest throughput: `Ingestor.ingest(paths:)` on a generated session export
// (200k sessions by default, about 21 MB; see Support/BenchInputs.swift for the knobs).
//
//   cd Benchmarks && swift package benchmark --target IngestThroughput
//
// The whole-file, whole-CLI targets (ratio to the libcsv floor, 10M sessions) are measured
// by scripts/bench; this suite is for quick A/B work on the ingest path and its allocations.

import Benchmark
import BenchSupport
import Foundation
import SessionIngest

/// Input megabytes per second of one ingest (wall clock), recorded per iteration.
let megabytesPerSecond = BenchmarkMetric.custom("MB/s (input)", polarity: .prefersLarger, useScalingFactor: false)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [
            .wallClock, .cpuTotal, .throughput, .mallocCountTotal, .mallocBytesCount, .peakMemoryResident,
            megabytesPerSecond,
        ],
        timeUnits: .milliseconds,
        warmupIterations: 1,
        maxDuration: .seconds(10),
        maxIterations: 20
    )

    func ingest(_ dialect: String, parallelism: Int) -> (Benchmark, String) -> Void {
        { benchmark, path in
            let bytes = Double(BenchInputs.size(of: path))
            for _ in benchmark.scaledIterations {
                let start = ContinuousClock.now
                do {
                    let result = try Ingestor.ingest(paths: [path], parallelism: parallelism)
                    blackHole(result)
                } catch {
                    benchmark.error("ingest of \(path) failed: \(error)")
                    return
                }
                let elapsed = (ContinuousClock.now - start) / .seconds(1)
                benchmark.measurement(megabytesPerSecond, Int(bytes / 1_000_000 / max(elapsed, 1e-9)))
            }
        }
    }

    let threads = Ingestor.defaultParallelism
    Benchmark("Ingest canonical (\(threads) threads)", closure: ingest("canonical", parallelism: threads)) {
        try BenchInputs.export(dialect: "canonical")
    }
    Benchmark("Ingest canonical (1 thread)", closure: ingest("canonical", parallelism: 1)) {
        try BenchInputs.export(dialect: "canonical")
    }
    Benchmark("Ingest european (\(threads) threads)", closure: ingest("european", parallelism: threads)) {
        try BenchInputs.export(dialect: "european")
    }
}
