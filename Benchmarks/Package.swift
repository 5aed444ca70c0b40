// swift-tools-version: 6.1
//
// The package-benchmark suites of `outcomes`, kept in their own package so that the main
// build and `swift test` never compile them (nor fetch the benchmark package).
//
//   cd Benchmarks && swift package benchmark
//
// Targets live in Benchmarks/Benchmarks/<Name>/ (the plugin's discovery convention).
// The end-to-end wall-time and memory targets of the CLI are measured by `scripts/bench`.
import PackageDescription

let package = Package(
    name: "outcomes-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "outcomes", path: ".."),
        // Only the malloc interposer trait: on Linux with Swift 6.3 the default traits would
        // also enable the ARC runtime interposer (swift-runtime-interposer).
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Input files shared by the suites (not a benchmark: no plugin).
        .target(name: "BenchSupport", path: "Support"),
        .executableTarget(
            name: "IngestThroughput",
            dependencies: [
                "BenchSupport",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "OutcomesKit", package: "outcomes"),
            ],
            path: "Benchmarks/IngestThroughput",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "Statistics",
            dependencies: [
                "BenchSupport",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "OutcomesKit", package: "outcomes"),
            ],
            path: "Benchmarks/Statistics",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
