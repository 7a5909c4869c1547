/// Runs asynchronous callbacks (recording status, transcription, call status) beside the call.
///
/// Twilio posts these on its own schedule, possibly after the call has ended; the simulator
/// lets them run concurrently and waits for all of them before it hands back the report.
actor CallbackScheduler {
    private var pending: [Task<Void, Never>] = []

    func schedule(after delay: Duration, _ work: @escaping @Sendable () async -> Void) {
        pending.append(
            Task {
                if delay > .zero {
                    try? await Task.sleep(for: delay)
                }
                await work()
            })
    }

    func waitForAll() async {
        while !pending.isEmpty {
            let batch = pending
            pending = []
            for task in batch {
                await task.value
            }
        }
    }
}
