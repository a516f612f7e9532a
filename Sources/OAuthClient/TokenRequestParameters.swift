/// Extra token request parameters, in order, with repeated names allowed
/// (several `resource` indicators, RFC 8707).
public struct TokenRequestParameters: Sendable, Hashable, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, CustomStringConvertible
{
    /// One name/value pair.
    public struct Parameter: Sendable, Hashable {
        /// The parameter name.
        public var name: String
        /// The parameter value.
        public var value: String

        /// A pair.
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The pairs, in request order.
    public private(set) var parameters: [Parameter]

    /// Parameters from pairs, in order.
    public init(_ pairs: [(String, String)] = []) {
        self.parameters = pairs.map { Parameter($0.0, $0.1) }
    }

    /// `["scope": "a b", "resource": "https://api"]` keeps the written order.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// `[("resource", "https://a"), ("resource", "https://b")]`.
    public init(arrayLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// Appends a pair, keeping any earlier pair with the same name.
    public mutating func append(_ name: String, _ value: String) {
        parameters.append(Parameter(name, value))
    }

    /// Sets `scope` (space-separated), replacing any earlier one.
    public mutating func setScope(_ scopes: [String]) {
        set("scope", scopes.joined(separator: " "))
    }

    /// Appends a `resource` indicator (RFC 8707); call once per resource.
    public mutating func addResource(_ resource: String) {
        append("resource", resource)
    }

    /// Appends an `audience` value (used by several servers instead of `resource`).
    public mutating func addAudience(_ audience: String) {
        append("audience", audience)
    }

    /// Replaces every pair named `name` by one pair at the place of the first.
    public mutating func set(_ name: String, _ value: String) {
        if let first = parameters.firstIndex(where: { $0.name == name }) {
            parameters[first].value = value
            var index = parameters.index(after: first)
            while index < parameters.endIndex {
                if parameters[index].name == name { parameters.remove(at: index) } else { index += 1 }
            }
        } else {
            append(name, value)
        }
    }

    /// Every value of `name`, in order.
    public func values(of name: String) -> [String] {
        parameters.filter { $0.name == name }.map(\.value)
    }

    /// The names only (values may be sensitive); e.g. `TokenRequestParameters(scope, resource, resource)`.
    public var description: String {
        "TokenRequestParameters(\(parameters.map(\.name).joined(separator: ", ")))"
    }
}
