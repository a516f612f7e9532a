// swift-tools-version: 6.1
import Foundation
import PackageDescription

/// One list of settings for every target: Swift 6 language mode comes from the
/// tools version; these upcoming features keep imports and existentials explicit.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// The test targets, each declared only when its folder exists: the container
/// image's build context (`.dockerignore`) leaves `Tests/` out, and SwiftPM
/// refuses a package whose declared targets have no sources.
let testTargets: [Target] = [
    .target(
        name: "TestProcessSupport",
        dependencies: [.product(name: "NIOConcurrencyHelpers", package: "swift-nio")],
        path: "Tests/TestProcessSupport",
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "FuzzTargetsTests",
        dependencies: ["FuzzTargets"],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "YAMLKitTests",
        dependencies: ["YAMLKit"],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "LocalIssuerTests",
        dependencies: [
            "TestProcessSupport",
            "LocalIssuer",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "OAuthClientTests",
        dependencies: [
            "OAuthClient",
            "LocalIssuer",
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOTLS", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "ProvisionerTests",
        dependencies: [
            "TestProcessSupport",
            "Provisioner", "OAuthClient", "YAMLKit", "LocalIssuer",
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "EndToEndTests",
        dependencies: [
            "TestProcessSupport",
            "LocalIssuer",
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ],
        swiftSettings: swiftSettings
    ),
].filter { target in
    FileManager.default.fileExists(atPath: "\(Context.packageDirectory)/Tests/\(target.name)")
}

let package = Package(
    name: "tokensmith",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tokensmith", targets: ["tokensmith"]),
        .executable(name: "tokensmith-local-issuer", targets: ["tokensmith-local-issuer"]),
        .library(name: "OAuthClient", targets: ["OAuthClient"]),
        .library(name: "YAMLKit", targets: ["YAMLKit"]),
        .library(name: "LocalIssuer", targets: ["LocalIssuer"]),
        // The fuzz harnesses, for the libFuzzer package in Fuzz/.
        .library(name: "FuzzTargets", targets: ["FuzzTargets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
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
        .target(
            name: "OAuthClient",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LocalIssuer",
            dependencies: [
                // One base64url and one JSON value with the client (package-visible helpers).
                "OAuthClient",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "tokensmith-local-issuer",
            dependencies: [
                "LocalIssuer",
                "TerminationSignals",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // SIGINT and SIGTERM as events, for both executables.
        .target(
            name: "TerminationSignals",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Provisioner",
            dependencies: [
                "YAMLKit",
                "OAuthClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "tokensmith",
            dependencies: [
                "Provisioner",
                "OAuthClient",
                "TerminationSignals",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FuzzTargets",
            dependencies: [
                "YAMLKit",
                "OAuthClient",
                "Provisioner",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ] + testTargets
)
