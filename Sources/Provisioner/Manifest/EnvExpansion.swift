#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `${VAR}`, `${VAR:-default}` and `$$` expansion in manifest scalars.
///
/// A `$` followed by anything else stays as written. A variable that is unset
/// (or empty, for `:-`) takes the default; without a default an unset variable
/// is reported, never silently replaced by the empty string.
enum EnvExpansion {
    /// A problem in one scalar, with the offset (in Unicode scalars) of its `$`.
    struct Problem: Equatable {
        var message: String
        var offset: Int
    }

    /// The expanded text, whether any variable was referenced, and problems.
    struct Result {
        var value: String
        var referencesEnvironment: Bool
        var problems: [Problem]
    }

    /// - Parameter unsetPlaceholder: when given, a variable that is unset and
    ///   has no default expands to it instead of being a problem (`validate
    ///   --no-secrets`, for secrets not yet in the environment).
    static func expand(_ text: String, environment: [String: String], unsetPlaceholder: String? = nil) -> Result {
        // memchr over the bytes in place; the generic `contains` walked the view byte by byte.
        let hasDollar =
            text.utf8.withContiguousStorageIfAvailable { bytes in
                guard let start = bytes.baseAddress else { return false }
                return memchr(start, Int32(UInt8(ascii: "$")), bytes.count) != nil
            } ?? text.utf8.contains(UInt8(ascii: "$"))
        guard hasDollar else {
            return Result(value: text, referencesEnvironment: false, problems: [])
        }
        let scalars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        var problems: [Problem] = []
        var referenced = false
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            guard scalar == "$", index + 1 < scalars.count else {
                output.append(scalar)
                index += 1
                continue
            }
            let next = scalars[index + 1]
            if next == "$" {
                output.append("$")
                index += 2
                continue
            }
            guard next == "{" else {
                output.append(scalar)
                index += 1
                continue
            }
            guard let close = scalars[(index + 2)...].firstIndex(of: "}") else {
                problems.append(Problem(message: "unterminated `${`; close it with `}` or write `$$` for a literal `$`", offset: index))
                output.append(contentsOf: scalars[index...])
                break
            }
            let body = String(String.UnicodeScalarView(scalars[(index + 2)..<close]))
            let name: String
            let fallback: String?
            if let range = body.firstRange(of: ":-") {
                name = String(body[..<range.lowerBound])
                fallback = String(body[range.upperBound...])
            } else {
                name = body
                fallback = nil
            }
            referenced = true
            if !EnvKey.isVariableName(name) {
                // The text is not quoted: in a `secret` it is part of the secret.
                problems.append(
                    Problem(
                        message: "invalid environment variable name in `${…}`; use letters, digits and `_`, not starting with a digit",
                        offset: index
                    ))
            } else if let value = environment[name], !(fallback != nil && value.isEmpty) {
                output.append(contentsOf: value.unicodeScalars)
            } else if let fallback {
                output.append(contentsOf: fallback.unicodeScalars)
            } else if let unsetPlaceholder {
                output.append(contentsOf: unsetPlaceholder.unicodeScalars)
            } else if name == Shard.environmentVariable {
                problems.append(
                    Problem(
                        message:
                            "`${\(name)}` is the shard index, defined only under --shard or --shard-count; give one of them (`validate` takes them too) or write `${\(name):-all}`",
                        offset: index
                    ))
            } else {
                problems.append(
                    Problem(
                        message: "environment variable `\(name)` is not set and has no default; set it or write `${\(name):-default}`",
                        offset: index
                    ))
            }
            index = close + 1
        }
        return Result(value: String(output), referencesEnvironment: referenced, problems: problems)
    }
}
