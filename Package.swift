// swift-tools-version: 6.1
import PackageDescription

/// One list of settings for every target: Swift 6 language mode comes from the
/// tools version; these upcoming features keep imports and existentials explicit.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "tokensmith",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "YAMLKit", targets: ["YAMLKit"]),
    ],
    targets: [
        .systemLibrary(
            name: "CLibYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        .target(
            name: "YAMLKit",
            dependencies: ["CLibYAML"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "YAMLKitTests",
            dependencies: ["YAMLKit"],
            swiftSettings: swiftSettings
        ),
    ]
)
