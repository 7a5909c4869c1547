import CoachStore

/// Each lane's turn for the CPU, as `StoreLane` gives it for PostgreSQL's connections. Under load the
/// two cores are the last queue: webhooks, the next question and transcriptions all wait there for a
/// thread. On Linux, libdispatch runs each task priority on threads of its own, at its own nice value:
/// high at −2 (0 for a process not allowed to raise it), medium at 0, background at 10. So callers'
/// work no longer queues behind the jobs' on the same two threads, and the kernel lets background
/// work run only on CPU the line does not need (docs/benchmarks-history.md, fix 63).
extension StoreLane {
    public var taskPriority: TaskPriority {
        switch self {
        case .caller: .high
        case .urgentJob: .medium
        case .job: .background
        }
    }

    /// Runs `body` as a child task at this lane's priority, which every task it starts inherits.
    public func runAtItsPriority<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask(priority: taskPriority, operation: body)
            guard let value = try await group.next() else { throw CancellationError() }
            return value
        }
    }
}
