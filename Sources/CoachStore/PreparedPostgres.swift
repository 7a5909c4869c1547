import Logging
import NIOConcurrencyHelpers
import NIOPosix
import PostgresKit

/// SQLKit on PostgreSQL through PostgresNIO's `PostgresClient`, with every statement parsed and
/// planned once per connection instead of once per execution.
///
/// PostgresKit's own `SQLDatabase` sends each statement unnamed, so the server parses, analyses and
/// plans it every time: on the 200-call benchmark that was about half of PostgreSQL's CPU (perf), for
/// statements that are the same few dozen texts over and over. Here each distinct text, with the types
/// of its parameters, gets a name, and PostgresNIO prepares it on a connection the first time that
/// connection runs it and binds and executes it after that. The statements, their binds and their rows
/// are exactly what PostgresKit would send and read.
struct PreparedPostgresDatabase: SQLDatabase {
    enum Target: Sendable {
        /// Every statement leases a connection from the pool, after its lane's turn at the gate (`StoreLane`).
        case pool(GatedPool)
        /// One leased connection: a session (`withSession`), e.g. a transaction.
        case connection(PostgresConnection)
    }

    let target: Target
    let statements: StatementNames
    let logger: Logger

    var eventLoop: any EventLoop {
        switch target {
        case .pool: MultiThreadedEventLoopGroup.singleton.any()
        case .connection(let connection): connection.eventLoop
        }
    }
    var dialect: any SQLDialect { PostgresDialect() }
    var version: (any SQLDatabaseReportedVersion)? { nil }
    var queryLogLevel: Logger.Level? { .debug }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<
        Void
    > {
        eventLoop.makeFutureWithTask { try await self.execute(sql: query, onRow) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let (sql, binds) = serialize(query)
        logger.debug("Executing query", metadata: ["sql": "\(sql)"])
        var bindings = PostgresBindings(capacity: binds.count)
        let types = try binds.map { try PostgresBind.append($0, to: &bindings) }
        switch target {
        case .connection(let connection):
            // A session runs whatever it is given, once (migrations, BEGIN and COMMIT): nothing to reuse.
            try await Self.deliver(
                connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger), to: onRow)
        case .pool(let pool):
            let name = statements.name(sql: sql, types: types)
            try await pool.withPool { client in
                guard let name else {
                    try await Self.deliver(
                        client.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger), to: onRow)
                    return
                }
                let rows = try await ReusedStatement.$text.withValue(.init(name: name, sql: sql)) {
                    try await client.execute(ReusedStatement(bindings: bindings), logger: logger)
                }
                try await Self.deliver(rows, to: onRow)
            }
        }
    }

    private static func deliver<Rows: AsyncSequence>(_ rows: Rows, to onRow: (any SQLRow) -> Void) async throws
    where Rows.Element == PostgresRow {
        for try await row in rows { onRow(row.sql()) }
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        guard case .pool(let pool) = target else { return try await closure(self) }
        return try await pool.withPool { client in
            try await client.withConnection { connection in
                try await closure(
                    PreparedPostgresDatabase(target: .connection(connection), statements: statements, logger: logger))
            }
        }
    }
}

/// The name each statement text is prepared under, in this process. Names are handed out in order
/// (`s1`, `s2`, ...), so two texts never share one. Only so many are handed out: a text that embeds
/// changing values would otherwise prepare a new statement on every connection each time, so past the
/// limit new texts run unnamed, as PostgresKit would run them.
final class StatementNames: Sendable {
    private struct Key: Hashable {
        var sql: String
        var types: [PostgresDataType]
    }
    private let names = NIOLockedValueBox<[Key: String]>([:])
    let limit: Int

    init(limit: Int = 500) {
        self.limit = limit
    }

    /// The name of `sql` with parameters of `types` (a different type is a different statement to
    /// PostgreSQL), or nil once `limit` names are handed out.
    func name(sql: String, types: [PostgresDataType]) -> String? {
        names.withLockedValue { names in
            let key = Key(sql: sql, types: types)
            if let name = names[key] { return name }
            guard names.count < limit else { return nil }
            let name = "s\(names.count + 1)"
            names[key] = name
            return name
        }
    }

    var count: Int { names.withLockedValue { $0.count } }
}

/// One statement of `StatementNames`. PostgresNIO keys the statements it has prepared on a connection
/// by a type's static name and text, so the name and text of the statement being run are read from a
/// task-local value that `PreparedPostgresDatabase` sets around each execution; PostgresNIO reads both
/// before it first suspends.
private struct ReusedStatement: PostgresPreparedStatement {
    struct Text: Sendable {
        var name: String
        var sql: String
    }
    @TaskLocal static var text: Text?

    static var name: String { text?.name ?? "" }
    static var sql: String { text?.sql ?? "" }

    let bindings: PostgresBindings

    func makeBindings() throws -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

/// Encodes a bound value the way PostgresKit does for the types the store binds: nil as NULL, and
/// anything PostgresNIO encodes itself (strings, integers, doubles, booleans, bytes). Returns the
/// type it was sent as.
enum PostgresBind {
    static func append(_ value: any Encodable & Sendable, to bindings: inout PostgresBindings) throws
        -> PostgresDataType
    {
        if isNil(value) {
            bindings.appendNull()
            return .null
        } else if let encodable = value as? any PostgresThrowingDynamicTypeEncodable {
            try bindings.append(encodable, context: .default)
            return encodable.psqlType
        } else {
            throw StoreError("cannot bind a \(type(of: value)) to a PostgreSQL statement")
        }
    }

    /// Whether `value` is an Optional holding nothing (it arrives boxed in an existential).
    private static func isNil(_ value: Any) -> Bool {
        guard let optional = value as? any OptionalValue else { return false }
        return optional.isNone
    }
}

private protocol OptionalValue {
    var isNone: Bool { get }
}

extension Optional: OptionalValue {
    var isNone: Bool { self == nil }
}

extension PostgresClient.Configuration {
    /// The pool's configuration for what `DATABASE_URL` names (host or socket, credentials, TLS).
    init(_ sql: SQLPostgresConfiguration, poolSize: Int) throws {
        let core = sql.coreConfiguration
        let tls: PostgresClient.Configuration.TLS =
            if let context = core.tls.sslContext, core.tls.isEnforced {
                .require(context.configuration)
            } else if let context = core.tls.sslContext, core.tls.isAllowed {
                .prefer(context.configuration)
            } else {
                .disable
            }
        if let host = core.host {
            self.init(
                host: host, port: core.port ?? 5432, username: core.username, password: core.password,
                database: core.database, tls: tls)
        } else if let socket = core.unixSocketPath {
            self.init(unixSocketPath: socket, username: core.username, password: core.password, database: core.database)
        } else {
            throw StoreError("a PostgreSQL URL must name a host or a socket")
        }
        options.tlsServerName = core.options.tlsServerName
        options.maximumConnections = poolSize
        // The pool keeps all its connections open, with no keep-alive query. PostgresNIO sets a timer
        // (three tasks) each time a connection goes idle, for its idle timeout or keep-alive; at a few
        // thousand statements a second that cost a few per cent of the server's CPU. Kept connections
        // need neither. A connection the database closes is replaced; a NAT or load balancer that
        // silently drops idle connections needs PostgreSQL's `tcp_keepalives_idle` (docs/operations.md).
        options.minimumConnections = poolSize
        options.keepAliveBehavior = nil
    }
}
