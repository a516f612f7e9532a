import Foundation
import Provisioner
import Testing

@Suite("Output: plan")
struct OutputPlanTests {
    @Test("renders per-client and aggregate outputs, collects failures, stages and commits")
    func plan() throws {
        let folder = try ScratchFolder()
        let good = OutputFixtures.token("billing")
        let bad = OutputFixtures.token("reports", access: "has space")
        let plan = OutputPlan(
            clients: [
                .init(token: good, outputs: [.env("out/billing.env"), .json("out/billing.json"), .secret("out/billing.yaml")]),
                .init(token: bad, outputs: [.env("out/reports.env"), .json("out/billing.json")]),
            ],
            aggregate: [.json("out/all.json"), .secret("out/all.yaml", KubernetesSecretOptions(namespace: "platform"))],
            aggregateTokens: [good, bad])
        #expect(plan.writes.map(\.path) == ["out/billing.env", "out/billing.json", "out/billing.yaml", "out/all.json", "out/all.yaml"])
        #expect(plan.failures.map(\.code) == [.unsafeEnvValue, .duplicatePath])
        #expect(plan.failures.allSatisfy { $0.client == "reports" && !$0.description.contains("has space") })
        let transaction = AtomicFileWriter(root: folder.path).transaction()
        #expect(plan.stage(in: transaction).isEmpty)
        try transaction.commit()
        #expect(folder.entries("out") == ["all.json", "all.yaml", "billing.env", "billing.json", "billing.yaml"])
        #expect(folder.read("out/billing.json") == (try JSONRenderer.render(good, spec: .json())))
    }

    @Test("a file error while staging names the client, the path and the manifest origin")
    func stagingError() throws {
        let folder = try ScratchFolder()
        let plan = OutputPlan(
            clients: [.init(token: OutputFixtures.token(), outputs: [.env("../escape.env")])], aggregate: [], aggregateTokens: [])
        let transaction = AtomicFileWriter(root: folder.path).transaction()
        let errors = plan.stage(in: transaction)
        transaction.abort()
        let error = try #require(errors.first)
        #expect(error.code == .writeFailed)
        #expect(
            error.description.hasPrefix(
                "tokensmith.yaml:12:9: error: output ../escape.env (client billing): `..` leads out of the output root"))
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

    /// Renders a fleet-sized plan; the time is logged for people, not asserted
    /// (speed is measured by Benchmarks/run, not by unit tests).
    @Test("10,000 per-client env files plus one aggregate JSON render, and the time is logged")
    func speed() throws {
        let tokens = (0..<10_000).map { OutputFixtures.token("client-\($0)") }
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            let plan = OutputPlan(
                clients: tokens.map { .init(token: $0, outputs: [.env("out/\($0.clientName).env")]) },
                aggregate: [.json("out/all.json")], aggregateTokens: tokens)
            #expect(plan.writes.count == 10_001 && plan.failures.isEmpty)
        }
        print("OutputPlan: 10,000 env files + aggregate JSON rendered in \(elapsed)")
    }
}
