/// Wakes whoever waits on a topic, or lets the wait end by itself after a bounded time. Waiting is
/// never the only way to learn something: a waiter re-reads the database after every wake, so a
/// missed signal (another instance, a dropped LISTEN connection) costs at most one timeout.
actor Signals {
    private struct Waiter {
        let id: Int
        let topic: String
        let continuation: CheckedContinuation<Void, Never>
        /// Ends the wait after its bound; cancelled when the signal comes first.
        let timer: Task<Void, Never>
    }

    private var waiters: [Waiter] = []
    /// New jobs arrived while the worker was busy: its next wait returns at once. Other topics are
    /// not remembered; their waiters re-read the database in short slices anyway.
    private var jobsPending = false
    private var nextID = 0

    func signal(_ topic: String) {
        let woken = waiters.filter { $0.topic == topic }
        guard !woken.isEmpty else {
            if topic == Self.jobs { jobsPending = true }
            return
        }
        waiters.removeAll { $0.topic == topic }
        for waiter in woken {
            waiter.timer.cancel()
            waiter.continuation.resume()
        }
    }

    /// Returns when `topic` is signalled or after `seconds`, whichever is first.
    func wait(for topic: String, upTo seconds: Double) async {
        if topic == Self.jobs, jobsPending {
            jobsPending = false
            return
        }
        nextID += 1
        let id = nextID
        await withCheckedContinuation { continuation in
            let timer = Task {
                guard (try? await Task.sleep(for: .seconds(seconds))) != nil else { return }
                self.expire(id)
            }
            waiters.append(Waiter(id: id, topic: topic, continuation: continuation, timer: timer))
        }
    }

    private func expire(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume()
    }

    /// The topic workers wait on for new jobs.
    static let jobs = "jobs"

    /// The topic the wait endpoint waits on for question `number` of a call.
    static func questionReady(callSid: String, number: Int) -> String { "ready:\(callSid):\(number)" }
}
