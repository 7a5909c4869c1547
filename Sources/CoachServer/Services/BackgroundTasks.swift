/// In-process background work, deduplicated by key (a retried webhook starts nothing twice), with
/// a way to wait for it (tests, shutdown) or cancel it. Results are always stored, never held here,
/// so a task lost to a restart costs only what it had not stored yet.
actor BackgroundTasks {
    private var running: [String: Task<Void, Never>] = [:]

    nonisolated func start(_ key: String, _ operation: @escaping @Sendable () async -> Void) {
        Task { await self.launch(key, operation) }
    }

    private func launch(_ key: String, _ operation: @escaping @Sendable () async -> Void) {
        guard running[key] == nil else { return }
        running[key] = Task {
            await operation()
            self.finished(key)
        }
    }

    private func finished(_ key: String) {
        running[key] = nil
    }

    func drain() async {
        while let task = running.values.first { await task.value }
    }

    func cancelAll() {
        for task in running.values { task.cancel() }
    }
}
