import Foundation

/// DATABASE_URL, parsed. `sqlite://coachline.sqlite` (relative to the working directory),
/// `sqlite:///var/lib/coachline.sqlite` (absolute) and `sqlite::memory:` are understood.
public enum DatabaseURL: Sendable, Equatable {
    case sqliteFile(path: String)
    case sqliteMemory

    public static let `default` = "sqlite://coachline.sqlite"

    public init(parsing raw: String) throws(DatabaseURLError) {
        let text = raw.trimmingCharacters(in: .whitespaces)
        if text == "sqlite::memory:" || text == "sqlite://:memory:" {
            self = .sqliteMemory
            return
        }
        if text.hasPrefix("sqlite://") {
            let path = String(text.dropFirst("sqlite://".count))
            guard !path.isEmpty else { throw DatabaseURLError("DATABASE_URL '\(raw)' names no file") }
            self = .sqliteFile(path: path.removingPercentEncoding ?? path)
            return
        }
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            throw DatabaseURLError(
                "DATABASE_URL selects PostgreSQL, which this version does not support yet; use sqlite://FILE")
        }
        throw DatabaseURLError("DATABASE_URL '\(raw)' is not understood; expected sqlite://FILE or sqlite::memory:")
    }

    public var engineName: String { "sqlite" }
}

public struct DatabaseURLError: Error, CustomStringConvertible, Equatable {
    public let description: String
    init(_ description: String) { self.description = description }
}
