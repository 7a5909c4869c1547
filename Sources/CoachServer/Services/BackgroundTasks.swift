/// In-process background work, deduplicated by key (a retried webhook starts nothing twice), with
/// a way to wait for it (tests, shutdown) or cancel it. Results are always stored, never held here,
/// so a task lost to a restart costs only what it had not stored yet.
actor BackgroundTasks {
    private var running: [String: Task<Void, Never>] = [:]

    /// Registers and starts the work; returns at once (awaiting only this actor), so `drain()` called
    /// afterwards always sees it, including work started by other background work.
    func start(_ key: String, _ operation: @escaping @Sendable () async -> Void) {
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
