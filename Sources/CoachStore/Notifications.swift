import Foundation
import Logging
import NIOPosix
import PostgresKit

/// A PostgreSQL NOTIFY to send with a write, in the same statement: `payload` on `channel`.
public struct Notice: Sendable, Equatable {
    public var channel: String
    public var payload: String

    public init(channel: String, payload: String) {
        self.channel = channel
        self.payload = payload
    }
}

extension SQLStore {
    /// Delivers PostgreSQL NOTIFY payloads on `channel` until the task is cancelled, over a dedicated
    /// connection (LISTEN holds it), reconnecting after a second when it drops. `ready` runs once
    /// the first LISTEN is in place. On SQLite it returns at once: one process has every listener.
    public func listen(
        channel: String, logger: Logger, ready: @escaping @Sendable () -> Void = {},
        onNotification: @escaping @Sendable (String) async -> Void
    ) async {
        guard let configuration = postgresConfiguration else { return }
        var announced = false
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(
                    on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration.coreConfiguration,
                    id: 0, logger: logger
                ).get()
                defer { Task { try? await connection.close() } }
                try await connection.listen(on: channel) { notifications in
                    if !announced {
                        announced = true
                        ready()
                    }
                    for try await notification in notifications {
                        await onNotification(notification.payload)
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning(
                    "LISTEN connection lost; polling covers the gap",
                    metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
