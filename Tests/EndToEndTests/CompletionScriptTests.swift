import Foundation
import Testing

/// `tokensmith --generate-completion-script bash|zsh|fish`: file arguments
/// complete files, `--output-root` completes folders.
@Suite("shell completion scripts (built binary)")
struct CompletionScriptTests {
    /// The options whose value is a file, by subcommand.
    static let fileOptions = [
        "run": ["report", "metrics-file", "state-file"],
        "watch": ["metrics-file", "state-file"],
        "exec": ["state-file"],
        "token": ["client-secret-file", "key-file", "certificate-file", "dpop-key-file", "ca-file"],
    ]

    private func script(_ shell: String) async throws -> String {
        let result = try await RunHarness().run(["--generate-completion-script", shell])
        #expect(result.status == 0, "\(result.standardError)")
        return result.standardOutput
    }

    /// The lines of `text` that mention `needle`.
    private func lines(_ text: String, mentioning needle: String) -> [Substring] {
        text.split(separator: "\n").filter { $0.contains(needle) }
    }

    @Test("zsh: file options complete files, manifests complete YAML files, --output-root folders")
    func zsh() async throws {
        let text = try await script("zsh")
        for option in Self.fileOptions.values.joined() {
            let found = lines(text, mentioning: "--\(option)[")
            #expect(!found.isEmpty && found.allSatisfy { $0.contains(":_files'") }, "--\(option): \(found)")
        }
        let roots = lines(text, mentioning: "'--output-root[")
        #expect(roots.count == 4 && roots.allSatisfy { $0.contains(":_files -/'") }, "\(roots)")
        let manifests = lines(text, mentioning: ":manifest:")
        #expect(manifests.count == 4 && manifests.allSatisfy { $0.contains("*.yaml *.yml") }, "\(manifests)")
    }

    @Test("fish: file options complete files, manifests complete YAML files, --output-root folders")
    func fish() async throws {
        let text = try await script("fish")
        for option in Self.fileOptions.values.joined() {
            let found = lines(text, mentioning: " -l '\(option)' ") + lines(text, mentioning: " -l \(option) ")
            #expect(!found.isEmpty && found.allSatisfy { $0.contains(" -rF") }, "--\(option): \(found)")
        }
        let roots = lines(text, mentioning: " -l 'output-root' ") + lines(text, mentioning: " -l output-root ")
        #expect(roots.count == 4 && roots.allSatisfy { $0.contains("directories") }, "\(roots)")
        let positionals = lines(text, mentioning: "should_offer_completions_for_positional")
        let manifests = positionals.filter { $0.contains(#"exts \'yaml\' \'yml\'"#) }
        #expect(manifests.count == 4, "\(positionals)")
    }

    /// Runs the bash completion function for a command line ending in `current`, in `folder`; the candidates offered.
    private func bashComplete(_ words: [String], in folder: URL, scriptPath: URL) async throws -> [String] {
        let quoted = words.map { "'\($0)'" }.joined(separator: " ")
        let program = """
            source '\(scriptPath.path)'
            cd '\(folder.path)'
            COMP_WORDS=(\(quoted))
            COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
            COMP_LINE="${COMP_WORDS[*]}"
            COMP_POINT=${#COMP_LINE}
            COMPREPLY=()
            spec=( $(complete -p tokensmith) )
            for ((i = 0; i < ${#spec[@]}; i++)); do [[ ${spec[i]} == -F ]] && function=${spec[i + 1]}; done
            "$function" tokensmith "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let result = try await RunHarness().run(["-c", program], executable: URL(fileURLWithPath: "/bin/bash"))
        #expect(result.status == 0, "\(result.standardError)")
        return result.standardOutput.split(separator: "\n").map(String.init).sorted()
    }

    @Test("bash: the completion function offers files, YAML manifests and folders where they belong")
    func bash() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/bin/bash") else { return }
        let harness = try RunHarness()
        let scriptPath = harness.folder.appendingPathComponent("tokensmith.bash")
        try Data(try await script("bash").utf8).write(to: scriptPath)
        let folder = harness.folder.appendingPathComponent("work")
        for name in ["fleet.yaml", "more.yml", "notes.txt", "keys/a.pem"] {
            let url = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data().write(to: url)
        }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("out"), withIntermediateDirectories: true)

        #expect(
            try await bashComplete(["tokensmith", "run", "--report", ""], in: folder, scriptPath: scriptPath)
                == ["fleet.yaml", "keys", "more.yml", "notes.txt", "out"])
        #expect(try await bashComplete(["tokensmith", "run", "--state-file", "n"], in: folder, scriptPath: scriptPath) == ["notes.txt"])
        #expect(
            try await bashComplete(["tokensmith", "token", "--key-file", "keys/"], in: folder, scriptPath: scriptPath) == ["keys/a.pem"])
        #expect(
            try await bashComplete(["tokensmith", "validate", "--output-root", ""], in: folder, scriptPath: scriptPath) == ["keys", "out"])
        #expect(try await bashComplete(["tokensmith", "run", "f"], in: folder, scriptPath: scriptPath) == ["fleet.yaml"])
        #expect(try await bashComplete(["tokensmith", "validate", "m"], in: folder, scriptPath: scriptPath) == ["more.yml"])
    }
}
