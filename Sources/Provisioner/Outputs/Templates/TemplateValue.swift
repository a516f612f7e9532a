import Mustache

/// One value a template can name (`access_token`, `expires_in`, …), with the
/// filters that escape it for a file format: `{{json(access_token)}}`.
///
/// Values render as they are, without HTML escaping. A value the token does
/// not have (a token without `scope`) renders as an empty string and counts as
/// false in sections, so `{{#scope}}…{{/scope}}` writes its block only when
/// there is a scope.
package enum TemplateValue: Sendable, Hashable, CustomStringConvertible {
    /// Text, such as the access token or an RFC 3339 time.
    case text(String)
    /// A whole number, such as `expires_in`.
    case number(Int)
    /// A value the token does not have.
    case missing

    /// The filters templates may apply, in the order the docs list them.
    package static let filterNames = TemplateFilter.allCases.map(\.rawValue)

    /// The value as plain text (empty when missing).
    package var description: String {
        switch self {
        case .text(let text): text
        case .number(let number): String(number)
        case .missing: ""
        }
    }

    /// The value after `filter`: JSON and YAML keep numbers as numbers and
    /// write a missing value as `null`; the others work on the text.
    func applying(_ filter: TemplateFilter) -> TemplateValue {
        switch (filter, self) {
        case (.json, .number(let number)), (.yaml, .number(let number)): .text(String(number))
        case (.json, .missing), (.yaml, .missing): .text("null")
        default: .text(filter.apply(to: description))
        }
    }
}

extension TemplateValue: MustacheTransformable {
    /// Applies the filter named `name`; nil (and an empty rendering) for any
    /// other name, which `validate` reports before a template is ever used.
    package func transform(_ name: String) -> Any? {
        TemplateFilter(rawValue: name).map { applying($0) }
    }
}

extension TemplateValue: MustacheCustomRenderable {
    /// The text written for `{{name}}`.
    package var renderText: String { description }
    /// Missing and empty values are false in sections.
    package var isNull: Bool { description.isEmpty }
}

extension TemplateValue: CustomReflectable {
    /// No members: inside `{{#scope}}…{{/scope}}` every name is looked up in
    /// the enclosing contexts, never in the value's own storage.
    package var customMirror: Mirror { Mirror(self, children: [:]) }
}
