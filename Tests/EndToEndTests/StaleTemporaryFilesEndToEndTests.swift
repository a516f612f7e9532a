import Foundation
import LocalIssuer
import Testing

/// Temporary files a killed run left in an output folder are removed by a
/// later run once they are old enough; a concurrent run's fresh ones stay.
@Suite("tokensmith run: leftovers of a killed run (built binary)")
struct StaleTemporaryFilesEndToEndTests {
    static let prefix = ".tokensmith-tmp-"

    @Test("kill -9 while staging leaves temporary files; a later run removes the old ones and keeps a fresh one")
    func killedWhileStaging() async throws {
        let harness = try RunHarness()
        let count = 1500
        let clients = (0..<count).map { RegisteredClient(id: "c\($0)", authentication: .clientSecretBasic(secret: "s")) }
        try await withIssuers([LocalIssuer.Configuration(fastMode: true, clients: clients)]) { issuers in
            var manifest = "version: 1\nissuers:\n\(RunEndToEndTests.issuerBlock("local", issuers[0]))\nclients:\n"
            for number in 0..<count {
                manifest += RunEndToEndTests.basicClient("c\(number)", extra: "outputs: [{env: out/c\(number).env}]")
            }
            manifest += "outputs:\n  - json: other/all.json\n"
            try harness.write(manifest, to: "m.yaml")
            let out = harness.folder.appendingPathComponent("out").path
            @Sendable func temporary(_ folder: String) -> [String] {
                ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasPrefix(Self.prefix) }
            }

            // Staging writes every file before any rename: kill the run as soon as one shows.
            var leftovers: [String] = []
            for _ in 0..<5 where leftovers.isEmpty {
                let killed = try await harness.run(["run", "m.yaml", "--force"], signalWhen: { !temporary(out).isEmpty }, signal: SIGKILL)
                leftovers = temporary(out)
                if !leftovers.isEmpty { #expect(killed.status != 0) }
            }
            try #require(!leftovers.isEmpty, "no kill landed while temporary files existed")

            // They are old by now, as far as the next run can tell; a concurrent run's file is fresh.
            var hourAgo = [timespec(tv_sec: time(nil) - 3600, tv_nsec: 0), timespec(tv_sec: time(nil) - 3600, tv_nsec: 0)]
            for name in leftovers { #expect(utimensat(AT_FDCWD, out + "/" + name, &hourAgo, 0) == 0) }
            let concurrent = Self.prefix + "concurrent-run"
            try harness.write("being written", to: "out/" + concurrent)
            // Not a folder this run writes: left alone whatever its age.
            try harness.write("x", to: "elsewhere/" + Self.prefix + "old")
            let elsewhere = harness.folder.appendingPathComponent("elsewhere/" + Self.prefix + "old").path
            #expect(utimensat(AT_FDCWD, elsewhere, &hourAgo, 0) == 0)

            let clean = try await harness.run(["run", "m.yaml"])
            #expect(clean.status == 0, "stderr: \(clean.standardError)")
            #expect(temporary(out) == [concurrent], "left: \(temporary(out).count) temporary files")
            #expect(FileManager.default.fileExists(atPath: elsewhere))
            let written = ((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).filter { $0.hasSuffix(".env") }
            #expect(written.count == count)
        }
    }
}
