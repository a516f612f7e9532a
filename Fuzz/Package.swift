// swift-tools-version: 6.1
import PackageDescription

// libFuzzer entry point for tokensmith's fuzz harnesses (Sources/FuzzTargets in
// the root package). Built only by scripts/fuzz, with
// `-sanitize=fuzzer,address`; the root package's own build never sees it.
let package = Package(
    name: "tokensmith-fuzz",
    dependencies: [
        .package(name: "tokensmith", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "tokensmith-fuzz",
            dependencies: [.product(name: "FuzzTargets", package: "tokensmith")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ]
)
