import ArgumentParser
import Provisioner

/// `tokensmith schema`: the manifest's JSON Schema, for yaml-language-server and editors.
struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the JSON Schema (draft 2020-12) of the manifest.",
        discussion: """
            Save it and point your editor at it, for example with a first line \
            `# yaml-language-server: $schema=tokensmith.schema.json`.
            """
    )

    func run() {
        print(ManifestSchema.json)
    }
}
