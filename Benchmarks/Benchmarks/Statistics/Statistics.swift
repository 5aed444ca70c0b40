// The in-memory stages after ingest: `OutcomeAnalysis(table:settings:)` and
// `ReportBundle(ingest:analysis:)` (every report file rendered to strings, nothing written),
// on a table ingested once, outside the measurement.
//
//   cd Benchmarks && swift package benchmark --target Statistics

import Benchmark
import BenchSupport
import Foundation
import OutcomeReport
import OutcomeStats
import SessionIngest

struct Ingested: @unchecked Sendable {
    var result: IngestResult
    var analysis: OutcomeAnalysis
}

/// Ingests the shared export once per process (both benchmarks use it).
final class IngestedCache: @unchecked Sendable {
    static let shared = IngestedCache()
    private let lock = NSLock()
    private var value: Ingested?

    func get() throws -> Ingested {
        lock.lock()
        defer { lock.unlock() }
        if let value { return value }
        let path = try BenchInputs.export(dialect: "canonical")
        let result = try Ingestor.ingest(paths: [path])
        let made = Ingested(result: result, analysis: OutcomeAnalysis(table: result.table, settings: AnalysisSettings()))
        value = made
        return made
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal, .mallocBytesCount, .peakMemoryResidentDelta],
        timeUnits: .milliseconds,
        warmupIterations: 1,
        maxDuration: .seconds(10),
        maxIterations: 30
    )

    Benchmark("OutcomeAnalysis") { benchmark, ingested in
        for _ in benchmark.scaledIterations {
            blackHole(OutcomeAnalysis(table: ingested.result.table, settings: AnalysisSettings()))
        }
    } setup: {
        try IngestedCache.shared.get()
    }

    Benchmark("ReportBundle") { benchmark, ingested in
        for _ in benchmark.scaledIterations {
            blackHole(ReportBundle(ingest: ingested.result, analysis: ingested.analysis))
        }
    } setup: {
        try IngestedCache.shared.get()
    }
}
