// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "outcomes",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "outcomes", targets: ["outcomes"]),
        .library(name: "OutcomesKit", targets: ["SessionModel", "SessionIngest", "OutcomeStats", "OutcomeReport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    ],
    targets: [
        // Debian's libcsv-dev, wrapped as a system library (see Sources/CLibCSV).
        .systemLibrary(
            name: "CLibCSV",
            providers: [.apt(["libcsv-dev"])]
        ),
        // Domain value types and the columnar session table. No I/O.
        .target(name: "SessionModel"),
        // Bytes -> typed, validated session records. The only importer of CLibCSV.
        .target(
            name: "SessionIngest",
            dependencies: [
                "CLibCSV",
                "SessionModel",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Courses, outcome metrics, tests and intervals: pure value types, no I/O.
        .target(name: "OutcomeStats", dependencies: ["SessionModel"]),
        // Markdown, CSV and SVG renderers over one report model.
        .target(name: "OutcomeReport", dependencies: ["SessionModel", "SessionIngest", "OutcomeStats"]),
        // The thin command-line front end.
        .executableTarget(
            name: "outcomes",
            dependencies: [
                "SessionModel", "SessionIngest", "OutcomeStats", "OutcomeReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // What the test targets share (a seeded generator); never part of the product.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(
            name: "SessionIngestTests",
            dependencies: ["SessionIngest", "SessionModel", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "OutcomeStatsTests",
            dependencies: [
                "OutcomeStats", "SessionModel", "TestSupport",
                .product(name: "Numerics", package: "swift-numerics"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "OutcomeReportTests",
            dependencies: ["OutcomeReport", "OutcomeStats", "SessionModel", "SessionIngest"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "OutcomesCLITests",
            dependencies: ["SessionIngest", "TestSupport"]
        ),
    ]
)

// One set of language settings for every target.
for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(contentsOf: [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("InternalImportsByDefault"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ])
    target.swiftSettings = settings
}
