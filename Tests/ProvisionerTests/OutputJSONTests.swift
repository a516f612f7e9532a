import Foundation
import Provisioner
import Testing

@Suite("Output: JSON")
struct OutputJSONTests {
    @Test("per client: members in the stable order, expiry as RFC 3339, final newline")
    func perClient() throws {
        let bytes = try JSONRenderer.render(OutputFixtures.token(access: "tok.en"), spec: .json())
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(
            text == """
                {
                  "access_token": "tok.en",
                  "token_type": "Bearer",
                  "expires_in": 3600,
                  "expires_at": "2026-11-26T18:00:00Z",
                  "scope": "invoices:read invoices:write",
                  "issuer": "https://sso.example.com/realms/prod",
                  "client_id": "billing-svc"
                }

                """)
    }

    @Test("unknown optional members are left out, not null")
    func absent() throws {
        let bytes = try JSONRenderer.render(OutputFixtures.token(expiresAt: nil, scope: nil), spec: .json())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(Set(object.keys) == ["access_token", "token_type", "issuer", "client_id"])
    }

    @Test("keys are renamed; clashing or unknown renames are refused")
    func renamed() throws {
        let bytes = try JSONRenderer.render(OutputFixtures.token(), spec: .json(keys: ["access_token": "token", "expires_at": "exp"]))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(object["token"] != nil && object["exp"] as? String == "2026-11-26T18:00:00Z" && object["access_token"] == nil)
        #expect { try JSONRenderer.render(OutputFixtures.token(), spec: .json(keys: ["scope": "issuer"])) } throws: {
            ($0 as? OutputError)?.code == .duplicateKey
        }
        #expect { try JSONRenderer.render(OutputFixtures.token(), spec: .json(keys: ["token": "x"])) } throws: {
            ($0 as? OutputError)?.code == .unknownKey
        }
    }

    @Test("every string escapes correctly: Foundation and python3 -m json.tool read the values back")
    func escaping() async throws {
        var nasty = OutputFixtures.awkwardValues
        nasty.append(String((0..<32).map { Character(Unicode.Scalar(UInt8($0))) }) + "\u{7F}\u{2028}\u{2029}\u{1F600}é")
        let tokens = nasty.enumerated().map { OutputFixtures.token("client-\($0.offset)", access: $0.element, scope: $0.element) }
        let bytes = try JSONRenderer.render(tokens, spec: .json("out/all.json"))
        #expect(bytes.last == UInt8(ascii: "\n") && bytes.dropLast().last == UInt8(ascii: "}"))
        #expect(String(decoding: bytes, as: UTF8.self).contains("é"), "non-ASCII is kept as UTF-8")

        let root = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        let clients = try #require(root["clients"] as? [String: [String: Any]])
        #expect(clients.count == tokens.count)
        for token in tokens {
            expectSameValue(
                clients[token.clientName]?["access_token"] as? String, token.accessToken, "Foundation read of \(token.clientName)")
            expectSameValue(
                clients[token.clientName]?["scope"] as? String, token.accessToken, "Foundation read of \(token.clientName) scope")
        }

        guard let python = try await python3(requiring: "json", package: "python3") else { return }
        let folder = try ScratchFolder()
        let path = try folder.write("all.json", bytes)
        let tool = try await runProcess(python, ["-m", "json.tool", path])
        let toolError = tool.stderr
        #expect(tool.status == 0, "python3 -m json.tool refused the file: \(toolError)")
        // Python re-encodes what it read as ASCII-only JSON, which cannot be ambiguous.
        let check = """
            import json, sys
            data = json.load(open(sys.argv[1], encoding="utf-8"))
            json.dump({name: obj["access_token"] for name, obj in data["clients"].items()}, sys.stdout, ensure_ascii=True)
            """
        let dump = try await runProcess(python, ["-c", check, path])
        #expect(dump.status == 0)
        let parsed = try JSONSerialization.jsonObject(with: dump.stdout) as? [String: String]
        let fromPython = try #require(parsed)
        for token in tokens {
            expectSameValue(fromPython[token.clientName], token.accessToken, "python read of \(token.clientName)")
        }
    }

    @Test("aggregate: clients sorted by name, empty aggregate is an empty object")
    func aggregate() throws {
        let bytes = try JSONRenderer.render([OutputFixtures.token("zeta"), OutputFixtures.token("alpha")], spec: .json("out/all.json"))
        let text = String(decoding: bytes, as: UTF8.self)
        let alpha = try #require(text.range(of: "\"alpha\": {"))
        let zeta = try #require(text.range(of: "\"zeta\": {"))
        #expect(alpha.lowerBound < zeta.lowerBound)
        #expect(text.hasPrefix("{\n  \"clients\": {\n    \"alpha\": {\n      \"access_token\": "))
        let empty = try JSONRenderer.render([], spec: .json("out/all.json"))
        #expect(String(decoding: empty, as: UTF8.self) == "{\n  \"clients\": {}\n}\n")
    }
}
