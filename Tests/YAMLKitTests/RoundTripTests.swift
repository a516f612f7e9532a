import Testing
import YAMLKit

/// A small deterministic generator (SplitMix64), so failures reproduce.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum TreeGenerator {
    static let alphabet = Array("abcXYZ019 :#-_'\"\\\n\t{}[],&*!|>%@`é✓.~")
    static let tricky = ["true", "no", "null", "", "0123", "1e3", "~", " x", "x ", "- a", "a: b", "on", "0x10", "<<", "=", "---", "..."]

    static func string(_ rng: inout SplitMix) -> String {
        if Int.random(in: 0..<4, using: &rng) == 0 { return tricky.randomElement(using: &rng)! }
        let length = Int.random(in: 0...12, using: &rng)
        return String((0..<length).map { _ in alphabet.randomElement(using: &rng)! })
    }

    static func scalar(_ rng: inout SplitMix) -> Node {
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: .scalar(Node.Scalar(String(Int.random(in: -1000...1000, using: &rng)), style: .plain))
        case 1: .scalar(Node.Scalar(Bool.random(using: &rng) ? "true" : "false", style: .plain))
        default: .string(string(&rng))
        }
    }

    static func tree(_ rng: inout SplitMix, depth: Int) -> Node {
        guard depth > 0, Int.random(in: 0..<3, using: &rng) != 0 else { return scalar(&rng) }
        let count = Int.random(in: 0...4, using: &rng)
        if Bool.random(using: &rng) {
            return .sequence(Node.Sequence(items: (0..<count).map { _ in tree(&rng, depth: depth - 1) }))
        }
        var pairs: [Node.Mapping.Pair] = []
        var used = Set<String>()
        for _ in 0..<count {
            let key = string(&rng)
            guard used.insert(key).inserted, key != "<<" else { continue }
            pairs.append(Node.Mapping.Pair(key: .string(key), value: tree(&rng, depth: depth - 1)))
        }
        return .mapping(Node.Mapping(pairs: pairs))
    }
}

@Suite("Round trip")
struct RoundTripTests {
    @Test("parse(emit(tree)) == tree for 500 generated trees")
    func property() throws {
        var rng = SplitMix(state: 0x70_6B_65_6E)
        let emitter = YAMLEmitter()
        let parser = YAMLParser()
        for index in 0..<500 {
            let documents = (0...Int.random(in: 0...2, using: &rng)).map { _ in TreeGenerator.tree(&rng, depth: 5) }
            let text = try emitter.emit(documents: documents)
            let back = try parser.parse(text, file: "tree-\(index).yaml")
            #expect(back == documents, "tree \(index) changed in a round trip:\n\(text)")
        }
    }
}
