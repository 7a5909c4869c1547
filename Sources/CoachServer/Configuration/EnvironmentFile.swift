import Foundation

/// A `.env` file: `KEY=value` lines, `#` comments, optional `export ` and quotes. The process
/// environment wins over the file, so a deployment can override a checked-in default.
public enum EnvironmentFile {
    public static func parse(_ text: String) throws(SettingsError) -> [String: String] {
        var values: [String: String] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst("export ".count)) }
            guard let equals = line.firstIndex(of: "=") else {
                throw SettingsError(name: ".env", message: "line \(index + 1) is not KEY=value: '\(line)'")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            } else if let hash = value.range(of: " #") {
                value = String(value[..<hash.lowerBound]).trimmingCharacters(in: .whitespaces)
            }
            values[key] = value
        }
        return values
    }

    /// The settings environment: `.env` at `path` (if it exists) overlaid by the process environment.
    public static func merged(path: String, processEnvironment: [String: String]) throws(SettingsError) -> [String:
        String]
    {
        guard FileManager.default.fileExists(atPath: path) else { return processEnvironment }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SettingsError(name: ".env", message: "cannot read \(path): \(error)")
        }
        return try parse(text).merging(processEnvironment) { _, process in process }
    }
}
