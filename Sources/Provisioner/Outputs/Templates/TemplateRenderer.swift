/// Renders a templated output (`template:`) for one client or for all.
package enum TemplateRenderer {
    /// One client's file.
    package static func render(_ template: OutputTemplate, token: IssuedToken, spec: OutputSpec) throws(OutputError) -> [UInt8] {
        let context = OutputContext(spec: spec, client: token.clientName)
        return Array(try checked(template.render(token), template: template, context: context).utf8)
    }

    /// One file over every client (`{{#clients}}…{{/clients}}`).
    package static func render(_ template: OutputTemplate, tokens: [IssuedToken], spec: OutputSpec) throws(OutputError) -> [UInt8] {
        let context = OutputContext(spec: spec, client: nil)
        return Array(try checked(template.render(tokens), template: template, context: context).utf8)
    }

    /// `text`, unless it holds a NUL byte, which no configuration file reader
    /// takes as part of a value (a token cannot carry one; a template could).
    static func checked(_ text: String, template: OutputTemplate, context: OutputContext) throws(OutputError) -> String {
        guard !text.utf8.contains(0) else {
            throw context.error(
                .unrepresentableValue, "the text rendered from \(template.origin) holds a NUL byte",
                hint: "remove the NUL from the template; tokens never hold one")
        }
        return text
    }
}
