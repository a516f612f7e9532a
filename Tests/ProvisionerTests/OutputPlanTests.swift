import Foundation
import Provisioner
import Testing

@Suite("Output: plan")
struct OutputPlanTests {
    @Test("a batch stages each client's outputs as one unit: a value that cannot be written fails that client alone, the rest commits")
    func batch() throws {
        let folder = try ScratchFolder()
        let good = OutputFixtures.token("billing")
        let bad = OutputFixtures.token("reports", access: "has space")
        var batch = OutputBatch(roots: [folder.path])
        batch.stage(
            .init(
                token: good,
                outputs: [
                    .env(folder.file("out/billing.env")), .json(folder.file("out/billing.json")), .secret(folder.file("out/billing.yaml")),
                ]))
        batch.stage(.init(token: bad, outputs: [.json(folder.file("out/reports.json")), .env(folder.file("out/reports.env"))]))
        #expect(batch.failures.map(\.error.code) == [.unsafeEnvValue])
        #expect(batch.failedClients == ["reports"])
        #expect(batch.stagedClients == ["billing"])
        #expect(batch.failures.allSatisfy { $0.client == "reports" && !$0.error.description.contains("has space") })
        batch.stage(
            aggregates: [
                .json(folder.file("out/all.json")), .secret(folder.file("out/all.yaml"), KubernetesSecretOptions(namespace: "platform")),
            ],
            tokens: [good], isNew: { _ in true }, ownOutputs: { _ in [] }, fallback: { _ in nil })
        let committed = batch.commit()
        #expect(committed.errors.isEmpty)
        // The failed client's JSON file, though it rendered, was not written: its outputs are one unit.
        #expect(folder.entries("out") == ["all.json", "all.yaml", "billing.env", "billing.json", "billing.yaml"])
        #expect(folder.read("out/billing.json") == (try JSONRenderer.render(good, spec: .json())))
    }

    @Test("a file error while staging names the client, the path and the manifest origin")
    func stagingError() throws {
        let folder = try ScratchFolder()
        var batch = OutputBatch(roots: [folder.path])
        batch.stage(.init(token: OutputFixtures.token(), outputs: [.env(folder.file("../escape.env"))]))
        batch.abort()
        let failure = try #require(batch.failures.first)
        #expect(failure.client == "billing")
        #expect(failure.error.code == .writeFailed)
        #expect(
            failure.error.description.hasPrefix("tokensmith.yaml:12:9: error: output \(folder.file("../escape.env")) (client billing): "))
        #expect(failure.error.description.contains("the path is outside the output root \(folder.path)"))
    }

    @Test("OutputRenderer dispatches by scope")
    func dispatch() throws {
        let token = OutputFixtures.token()
        #expect(
            try OutputRenderer.render(spec: .json(), scope: .perClient, tokens: [token]) == (try JSONRenderer.render(token, spec: .json())))
        #expect(
            try OutputRenderer.render(spec: .json(), scope: .aggregate, tokens: [token])
                == (try JSONRenderer.render([token], spec: .json())))
    }

    /// Renders a fleet-sized batch; the time is logged for people, not asserted
    /// (speed is measured by Benchmarks/run, not by unit tests).
    @Test("10,000 per-client env files plus one aggregate JSON render and stage, and the time is logged")
    func speed() async throws {
        let folder = try ScratchFolder()
        // Tens of seconds of CPU in a debug build: on a dedicated thread, so the
        // concurrency pool stays free for the tests that wait on it.
        let root = folder.path
        let (failures, staged, leftovers, elapsed) = try await onDedicatedThread {
            let tokens = (0..<10_000).map { OutputFixtures.token("client-\($0)") }
            let clock = ContinuousClock()
            var batch = OutputBatch(roots: [root])
            let elapsed = clock.measure {
                for token in tokens { batch.stage(.init(token: token, outputs: [.env(root + "/out/\(token.clientName).env")])) }
                batch.stage(
                    aggregates: [.json(root + "/out/all.json")], tokens: tokens, isNew: { _ in true }, ownOutputs: { _ in [] },
                    fallback: { _ in nil })
            }
            let failures = batch.failures.count
            let staged = batch.stagedClients.count
            batch.abort()
            let leftovers = ((try? FileManager.default.contentsOfDirectory(atPath: root + "/out")) ?? []).count
            return (failures, staged, leftovers, elapsed)
        }
        #expect(failures == 0 && staged == 10_000)
        #expect(leftovers == 0)
        print("OutputBatch: 10,000 env files + aggregate JSON rendered and staged in \(elapsed)")
        await folder.remove()
    }
}
