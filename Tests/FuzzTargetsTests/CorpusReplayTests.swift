import Foundation
import FuzzTargets
import XCTest

/// Replays every committed fuzz input (seeds and the inputs of fixed
/// findings) through its harness in the ordinary suite, so a regression shows
/// up in `swift test` without a fuzzing build.
final class CorpusReplayTests: XCTestCase {
    private static let fuzzFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    private func inputs(_ kind: String, _ target: FuzzTarget) throws -> [URL] {
        let folder = Self.fuzzFolder.appendingPathComponent(kind).appendingPathComponent(target.rawValue)
        guard FileManager.default.fileExists(atPath: folder.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.path < $1.path }
    }

    func testEveryTargetHasSeeds() throws {
        for target in FuzzTarget.allCases {
            XCTAssertGreaterThanOrEqual(try inputs("corpus", target).count, 5, "Fuzz/corpus/\(target.rawValue) needs seeds")
        }
    }

    func testSeedsAndRegressionsKeepEveryProperty() throws {
        var replayed = 0
        for target in FuzzTarget.allCases {
            for file in try inputs("corpus", target) + inputs("regressions", target) {
                let bytes = try [UInt8](Data(contentsOf: file))
                do {
                    try target.run(bytes)
                } catch {
                    XCTFail("\(target.rawValue) \(file.lastPathComponent): \(error.description)")
                }
                replayed += 1
            }
        }
        XCTAssertGreaterThan(replayed, 40)
    }

    /// The generated half of the manifest property (a secret under a misspelt
    /// or unknown key, at every level, in every style) over a few thousand
    /// inputs, so the suite covers it without a fuzzing build.
    func testGeneratedMisspeltSecretsStayHiddenForManyInputs() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var failures = 0
        for _ in 0..<1500 {
            var bytes: [UInt8] = []
            for _ in 0..<24 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                bytes.append(UInt8(truncatingIfNeeded: state >> 33))
            }
            do {
                try FuzzTarget.manifest.run(bytes)
            } catch {
                failures += 1
                if failures <= 3 { XCTFail(error.description) }
            }
        }
        XCTAssertEqual(failures, 0)
    }

    /// A 1 MiB `error_description` must not become a 1 MiB log line.
    func testHugeErrorDescriptionIsCutInTheMessage() {
        let huge = "{\"error\":\"invalid_client\",\"error_description\":\"" + String(repeating: "x", count: 1 << 20) + "\"}"
        var input: [UInt8] = [4, 0xFF, 0, 0xFF]
        input += Array("application/json".utf8) + [0xFF, 0xFF, 0xFF] + Array(huge.utf8)
        XCTAssertNoThrow(try FuzzTarget.tokenResponse.run(input))
    }
}
