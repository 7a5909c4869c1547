/// Thrown by `withTimeLimit` when the operation did not finish in time.
struct TimeLimitExceeded: Error {}

/// Runs `operation`, cancelling it and throwing `TimeLimitExceeded` after `seconds`. Used around a whole
/// attempt because the HTTP client's own deadline stops covering the body once the head has arrived.
func withTimeLimit<T: Sendable>(
    seconds: Double, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: .seconds(max(0, seconds)))
            throw TimeLimitExceeded()
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw TimeLimitExceeded() }
        return first
    }
}
