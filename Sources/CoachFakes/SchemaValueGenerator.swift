import Foundation

/// Builds a value that satisfies a JSON Schema, so any structured-output request gets a valid answer.
///
/// Walks the schema: objects get every property, arrays `max(1, minItems)` items, numbers a value inside their
/// bounds, booleans false, enums their first value; strings come from `FakeInterviewText` by property name.
/// `$ref` (to `#/$defs/...` or `#/definitions/...`), `anyOf`/`oneOf`/`allOf` (first branch), `const` and type
/// lists such as `["string", "null"]` are followed too.
struct SchemaValueGenerator {
    var root: JSONValue
    var text: FakeInterviewText

    /// References deeper than this are cut with null: a recursive schema must not loop forever.
    private static let maximumDepth = 24

    func value() -> JSONValue {
        value(for: root, name: nil, depth: 0)
    }

    private func value(for schema: JSONValue, name: String?, depth: Int) -> JSONValue {
        guard depth < Self.maximumDepth, case .object = schema else { return .null }
        if let reference = schema["$ref"]?.stringValue {
            return resolve(reference).map { value(for: $0, name: name, depth: depth + 1) } ?? .null
        }
        if let constant = schema["const"] { return constant }
        if let choices = schema["enum"]?.arrayValue, let first = choices.first {
            // A competency is more useful varied; any other enum takes its first value.
            if name?.lowercased() == "competency" {
                return choices[Int(text.seed % UInt64(choices.count))]
            }
            return first
        }
        for key in ["anyOf", "oneOf", "allOf"] {
            if let branches = schema[key]?.arrayValue, let branch = preferredBranch(branches) {
                return value(for: branch, name: name, depth: depth + 1)
            }
        }
        switch schemaType(of: schema) {
        case "object": return object(schema, depth: depth)
        case "array": return array(schema, name: name, depth: depth)
        case "string": return .string(string(schema, name: name))
        case "integer": return .int(integer(schema))
        case "number": return .double(number(schema))
        case "boolean": return .bool(false)
        default: return .null
        }
    }

    /// The declared type, the first non-null one of a list, or guessed from the keywords present.
    private func schemaType(of schema: JSONValue) -> String {
        if let type = schema["type"]?.stringValue { return type }
        if let types = schema["type"]?.arrayValue?.compactMap(\.stringValue) {
            return types.first { $0 != "null" } ?? "null"
        }
        if schema["properties"] != nil { return "object" }
        if schema["items"] != nil { return "array" }
        return "string"
    }

    /// The first branch that is not just `{"type": "null"}`, so nullable fields still get a value.
    private func preferredBranch(_ branches: [JSONValue]) -> JSONValue? {
        branches.first { $0["type"]?.stringValue != "null" } ?? branches.first
    }

    private func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#") else { return nil }
        var node: JSONValue? = root
        for component in reference.dropFirst().split(separator: "/") where !component.isEmpty {
            let key = component.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            node = node?[key]
        }
        return node
    }

    private func object(_ schema: JSONValue, depth: Int) -> JSONValue {
        var result: [String: JSONValue] = [:]
        for (key, property) in schema["properties"]?.objectValue ?? [:] {
            result[key] = value(for: property, name: key, depth: depth + 1)
        }
        return .object(result)
    }

    private func array(_ schema: JSONValue, name: String?, depth: Int) -> JSONValue {
        let count = max(1, schema["minItems"]?.intValue ?? 1)
        let items = schema["items"] ?? .object([:])
        return .array((0..<count).map { _ in value(for: items, name: name, depth: depth + 1) })
    }

    private func string(_ schema: JSONValue, name: String?) -> String {
        var result = text.text(forProperty: name)
        if let maximum = schema["maxLength"]?.intValue, result.count > maximum {
            result = String(result.prefix(max(0, maximum)))
        }
        if let minimum = schema["minLength"]?.intValue, result.count < minimum {
            result += String(repeating: ".", count: minimum - result.count)
        }
        return result
    }

    private func integer(_ schema: JSONValue) -> Int {
        let (low, high) = bounds(schema, step: 1)
        switch (low, high) {
        case (let low?, let high?): return Int(((low + high) / 2).rounded(.down))
        case (let low?, nil): return Int(low.rounded(.up))
        case (nil, let high?): return Int(min(high, 3).rounded(.down))
        case (nil, nil): return 3
        }
    }

    private func number(_ schema: JSONValue) -> Double {
        let (low, high) = bounds(schema, step: 0.5)
        switch (low, high) {
        case (let low?, let high?): return (low + high) / 2
        case (let low?, nil): return low
        case (nil, let high?): return min(high, 0.5)
        case (nil, nil): return 0.5
        }
    }

    /// Inclusive bounds; an exclusive bound moves inwards by `step`.
    private func bounds(_ schema: JSONValue, step: Double) -> (Double?, Double?) {
        var low = schema["minimum"]?.doubleValue
        var high = schema["maximum"]?.doubleValue
        if let exclusive = schema["exclusiveMinimum"]?.doubleValue { low = max(low ?? -.infinity, exclusive + step) }
        if let exclusive = schema["exclusiveMaximum"]?.doubleValue { high = min(high ?? .infinity, exclusive - step) }
        return (low, high)
    }
}
