// swift-tools-version: 6.1
import PackageDescription

// libFuzzer build of tokensmith's fuzz harnesses (Sources/FuzzTargets in the
// root package). Built only by scripts/fuzz, with `-sanitize=fuzzer,address`;
// the root package's own build never sees it.
//
// The executable is a C target on purpose: SwiftPM renames a Swift
// executable's `main`, which would clash with the `main` libFuzzer brings.
let package = Package(
    name: "tokensmith-fuzz",
    dependencies: [
        .package(name: "tokensmith", path: "..")
    ],
    targets: [
        .target(
            name: "FuzzEntry",
            dependencies: [.product(name: "FuzzTargets", package: "tokensmith")]
        ),
        .executableTarget(
            name: "tokensmith-fuzz",
            dependencies: ["FuzzEntry"]
        ),
    ]
)
