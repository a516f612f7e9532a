import Foundation
import OAuthClient
import Provisioner
import Testing

/// `tokensmith schema` and the manifest loader describe one format: every key
/// the decoder accepts at each level is a property of the schema at that level
/// and the other way round, every enum lists the same words, and the loader,
/// given each key the schema knows at each level, refuses exactly the ones the
/// schema leaves out there.
@Suite("Manifest schema and decoder agree")
struct ManifestVocabularyTests {
    let schema: [String: Any]

    init() throws {
        schema = try #require(JSONSerialization.jsonObject(with: Data(ManifestSchema.json.utf8)) as? [String: Any])
    }

    /// The schema object at a JSON pointer such as `/$defs/dpop/anyOf/1`.
    func node(_ pointer: String) -> [String: Any]? {
        var current: Any = schema
        for part in pointer.split(separator: "/") {
            if let object = current as? [String: Any], let next = object[String(part)] {
                current = next
            } else if let array = current as? [Any], let index = Int(part), array.indices.contains(index) {
                current = array[index]
            } else {
                return nil
            }
        }
        return current as? [String: Any]
    }

    func propertyNames(_ pointer: String) -> [String] {
        ((node(pointer)?["properties"] as? [String: Any])?.keys).map { $0.sorted() } ?? []
    }

    /// Each output branch of the schema by its format key.
    var outputBranches: [String: [String: Any]] {
        let branches = node("/$defs/output")?["oneOf"] as? [[String: Any]] ?? []
        var result: [String: [String: Any]] = [:]
        for branch in branches {
            if let format = (branch["required"] as? [String])?.first { result[format] = branch }
        }
        return result
    }

    func enumWords(_ pointer: String, _ member: String = "enum") -> [String] {
        (node(pointer)?[member] as? [Any])?.map { "\($0)" } ?? []
    }

    @Test("every level: the decoder's keys are the schema's properties, key by key")
    func keysAgree() throws {
        for (pointer, keys) in DecoderKeys.byLocation {
            #expect(Set(keys).count == keys.count, "duplicate key at \(pointer)")
            #expect(propertyNames(pointer) == keys.sorted(), "at \(pointer.isEmpty ? "the top level" : pointer)")
            #expect(node(pointer)?["additionalProperties"] as? Bool == false, "at \(pointer)")
        }
        let branches = outputBranches
        #expect(branches.keys.sorted() == DecoderKeys.formatKeys.sorted())
        for format in DecoderKeys.formatKeys {
            let properties = (branches[format]?["properties"] as? [String: Any])?.keys.sorted() ?? []
            #expect(properties == DecoderKeys.outputKeys(for: format).sorted(), "in `\(format)` outputs")
            #expect(branches[format]?["additionalProperties"] as? Bool == false)
        }
    }

    @Test("every enum of the schema lists the words the loader takes")
    func enumsAgree() throws {
        #expect(enumWords("/$defs/auth/properties/method") == AuthMethod.allCases.map(\.rawValue))
        #expect(enumWords("/$defs/auth/properties/alg") == JWSAlgorithm.allCases.map(\.rawValue))
        #expect(enumWords("/$defs/dpop/anyOf/1/properties/alg") == DPoPDefinition.supportedAlgorithms.map(\.rawValue))
        #expect(enumWords("/$defs/issuer/properties/discovery") == IssuerEndpoint.discoveryNames)
        #expect(enumWords("/properties/version") == ["\(DecoderKeys.supportedVersion)", "\(DecoderKeys.supportedVersion)"])
        let env = try #require(outputBranches["env"]?["properties"] as? [String: Any])
        #expect(((env["flavor"] as? [String: Any])?["enum"] as? [String]) == EnvOptions.Flavor.allCases.map(\.rawValue))
        // Every format but `template` (which writes what its template says) takes `keys`.
        #expect(
            Set(outputBranches.keys).subtracting(["template"]).allSatisfy {
                ((outputBranches[$0]?["properties"] as? [String: Any])?["keys"]) != nil
            })
        for (format, branch) in outputBranches where format != "template" {
            let keys = ((branch["properties"] as? [String: Any])?["keys"] as? [String: Any])?["propertyNames"] as? [String: Any]
            #expect(keys?["enum"] as? [String] == DecoderKeys.canonicalOutputKeys, "in `\(format)` outputs")
        }
        #expect(Set(DecoderKeys.canonicalOutputKeys) == Set(OutputKey.allCases.map(\.rawValue)))
        let params = node("/$defs/client/properties/params/propertyNames/not")
        #expect(params?["enum"] as? [String] == DecoderKeys.refusedParameters)
    }

    /// A manifest holding `key: x` in the mapping a level names.
    static func manifest(level: String, key: String) -> String {
        switch level {
        case "": key == "version" ? "version: 1\n" : "version: 1\n\(key): x\n"
        case "/$defs/defaults": "version: 1\ndefaults:\n  \(key): x\n"
        case "/$defs/retry": "version: 1\ndefaults:\n  retry:\n    \(key): x\n"
        case "/$defs/issuer": "version: 1\nissuers:\n  corp:\n    \(key): x\n"
        case "/$defs/client": "version: 1\nclients:\n  - \(key): x\n"
        case "/$defs/auth": "version: 1\nclients:\n  - auth:\n      \(key): x\n"
        case "/$defs/dpop/anyOf/1": "version: 1\nclients:\n  - dpop:\n      \(key): x\n"
        default: key == level ? "version: 1\noutputs:\n  - \(level): out/a\n" : "version: 1\noutputs:\n  - \(level): out/a\n    \(key): x\n"
        }
    }

    @Test("the loader takes each key where the schema has it and refuses it where the schema has not")
    func loaderAgreesKeyByKey() throws {
        let folder = try ManifestTestSupport.temporaryFolder()
        var levels = DecoderKeys.byLocation.map { ($0.pointer, propertyNames($0.pointer)) }
        for (format, branch) in outputBranches {
            levels.append((format, ((branch["properties"] as? [String: Any])?.keys).map { $0.sorted() } ?? []))
        }
        let everyKey = Set(levels.flatMap(\.1)).sorted()
        #expect(everyKey.count > 40, "the walk found too few keys to prove anything")
        for (level, schemaKeys) in levels {
            for key in everyKey {
                let result = ManifestTestSupport.load(Self.manifest(level: level, key: key), in: folder)
                let refused = result.diagnostics.contains {
                    $0.message.hasPrefix("unknown key `\(key)`") || $0.message.hasPrefix("`\(key)` does not apply")
                        || $0.message.hasPrefix("an output has one format")
                }
                #expect(refused == !schemaKeys.contains(key), "`\(key)` at \(level.isEmpty ? "the top level" : level)")
            }
        }
    }

    @Test("the loader takes each word of the schema's enums")
    func loaderTakesEnumWords() throws {
        let folder = try ManifestTestSupport.temporaryFolder()
        let checks: [(words: [String], manifest: (String) -> String, refusal: String)] = [
            (enumWords("/$defs/auth/properties/method"), { "version: 1\nclients:\n  - auth: {method: \($0)}\n" }, "unknown method"),
            (
                enumWords("/$defs/issuer/properties/discovery"),
                { "version: 1\nissuers:\n  corp: {issuer: https://a.example, discovery: \($0)}\n" }, "unknown discovery"
            ),
            (
                (outputBranches["env"]?["properties"] as? [String: Any]).flatMap { ($0["flavor"] as? [String: Any])?["enum"] as? [String] }
                    ?? [],
                { "version: 1\noutputs:\n  - {env: out/a.env, flavor: \($0)}\n" }, "unknown flavor"
            ),
        ]
        for check in checks {
            #expect(!check.words.isEmpty)
            for word in check.words {
                let result = ManifestTestSupport.load(check.manifest(word), in: folder)
                #expect(!result.diagnostics.contains { $0.message.hasPrefix(check.refusal) }, "`\(word)`")
            }
            let result = ManifestTestSupport.load(check.manifest("bogus"), in: folder)
            #expect(result.diagnostics.contains { $0.message.hasPrefix(check.refusal) }, "`bogus` for \(check.refusal)")
        }
    }

    @Test("client and issuer names: the schema's pattern and length take what the loader takes")
    func namesAgree() throws {
        let definition = try #require(node("/$defs/name"))
        let issuerNames = try #require(node("/properties/issuers/propertyNames"))
        #expect(issuerNames["pattern"] as? String == definition["pattern"] as? String)
        #expect(issuerNames["maxLength"] as? Int == definition["maxLength"] as? Int)
        let pattern = try NSRegularExpression(pattern: try #require(definition["pattern"] as? String))
        let maxLength = definition["maxLength"] as? Int ?? Int.max
        let folder = try ManifestTestSupport.temporaryFolder()
        let names = [
            "a", "billing-eu.v2", "under_score", "a.b", "9lives", "a..b", "Bad", "-a", "a-", ".a", "a_", "é", "a b",
            String(repeating: "a", count: 253), String(repeating: "a", count: 254),
        ]
        for name in names {
            let range = NSRange(name.startIndex..., in: name)
            let schemaTakes = pattern.firstMatch(in: name, range: range) != nil && name.count <= maxLength
            let result = ManifestTestSupport.load("version: 1\nclients:\n  - name: \"\(name)\"\n", in: folder)
            let loaderTakes = !result.diagnostics.contains { $0.message.hasPrefix("invalid client name") }
            #expect(schemaTakes == loaderTakes, "`\(name.prefix(20))…` (\(name.count) characters)")
        }
    }

    @Test("durations and rate limits: the schema's patterns take exactly what the parsers take")
    func valueGrammarsAgree() throws {
        func takes(_ pattern: String, _ text: String) throws -> Bool {
            try NSRegularExpression(pattern: pattern).firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }
        let duration = try #require(node("/$defs/duration/anyOf/0")?["pattern"] as? String)
        let durations = [
            "30s", "250ms", "1h30m", "1m30s500ms", "0s", "5m", "10", "s", "1.5s", "30S", "1h 30m", "-5s", "5d", "", "ms",
            "999999999999h", "1000000000000h", String(repeating: "1s", count: 200),
        ]
        for text in durations {
            #expect(try takes(duration, text) == (DurationText.parse(text) != nil), "duration `\(text.prefix(40))`")
        }
        // A pattern cannot bound a sum: past Int64 milliseconds the parser refuses (it used to trap).
        #expect(DurationText.parse("999999999999h999999999999h999999999999h") == nil)

        let rateLimit = try #require(node("/$defs/issuer/properties/rate_limit/anyOf/0")?["pattern"] as? String)
        let rates = [
            "20/s", "100/m", "1000/h", "1/s", "999999999/s", "1000000000/s", "0/s", "01/s", "20/d", "20", "/s", "20/", "20/s/s",
            " 20/s", "2 0/s", "-1/s", "+1/s",
        ]
        for text in rates {
            #expect(try takes(rateLimit, text) == (RateLimit(parsing: text) != nil), "rate limit `\(text)`")
        }
    }
}
