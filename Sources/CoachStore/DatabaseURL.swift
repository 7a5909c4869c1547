import Foundation
import PostgresKit

/// DATABASE_URL, parsed. `sqlite://coachline.sqlite` (relative to the working directory),
/// `sqlite:///var/lib/coachline.sqlite` (absolute) and `sqlite::memory:` select the embedded engine;
/// `postgres://user:password@host:5432/db?sslmode=require` (or `postgresql://`) selects PostgreSQL.
public enum DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    case sqliteFile(path: String)
    case sqliteMemory
    /// The URL as given; already checked to be one PostgresKit can connect with.
    case postgres(url: String)

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
            let masked = Self.masked(text)
            guard let url = URL(string: text), url.host?.isEmpty == false else {
                throw DatabaseURLError(
                    "DATABASE_URL '\(masked)' names no host; expected postgres://user:password@host:5432/db")
            }
            guard url.user?.isEmpty == false else {
                throw DatabaseURLError(
                    "DATABASE_URL '\(masked)' names no user; expected postgres://user:password@host:5432/db")
            }
            let modes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full", "true", "false"]
            let items = URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems ?? []
            if let mode = items.last(where: { ["sslmode", "tlsmode", "ssl", "tls"].contains($0.name.lowercased()) }),
                !modes.contains(mode.value ?? "")
            {
                throw DatabaseURLError(
                    "DATABASE_URL '\(masked)': \(mode.name)=\(mode.value ?? "") is not one of disable, prefer, require, "
                        + "verify-ca, verify-full")
            }
            do {
                _ = try SQLPostgresConfiguration(url: text)
            } catch {
                throw DatabaseURLError("DATABASE_URL '\(masked)' is not a PostgreSQL URL PostgresKit understands")
            }
            self = .postgres(url: text)
            return
        }
        throw DatabaseURLError(
            "DATABASE_URL '\(Self.masked(raw))' is not understood; expected sqlite://FILE, sqlite::memory: "
                + "or postgres://user:password@host:5432/db")
    }

    public var engineName: String {
        switch self {
        case .sqliteFile, .sqliteMemory: "sqlite"
        case .postgres: "postgresql"
        }
    }

    /// Safe to log: a PostgreSQL password is replaced by `***`.
    public var description: String {
        switch self {
        case .sqliteFile(let path): "sqlite://\(path)"
        case .sqliteMemory: "sqlite::memory:"
        case .postgres(let url): Self.masked(url)
        }
    }

    static func masked(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }
}

public struct DatabaseURLError: Error, CustomStringConvertible, Equatable {
    public let description: String
    init(_ description: String) { self.description = description }
}
