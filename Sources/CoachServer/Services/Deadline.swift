import Synchronization

/// What `withDeadline` throws when time runs out: a provider that hangs costs its deadline, never a call.
struct DeadlineExceeded: Error, CustomStringConvertible {
    let seconds: Double
    var description: String { "no answer within \(seconds) s" }
}

/// The caller gets `operation`'s result or, after `seconds`, `DeadlineExceeded`, whichever comes first.
/// On the deadline the operation is cancelled and left to end in the background, not awaited: a task
/// group would wait for it, and some work does not stop when cancelled (a PostgreSQL query waiting for
/// a lock keeps waiting until the lock is released).
func withDeadline<T: Sendable>(
    seconds: Double, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let race = DeadlineRace<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.start(
                continuation,
                work: Task {
                    do { race.finish(.success(try await operation())) } catch { race.finish(.failure(error)) }
                },
                timer: Task {
                    try? await Task.sleep(for: .seconds(seconds))
                    race.finish(.failure(DeadlineExceeded(seconds: seconds)))
                })
        }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

/// The first outcome resumes the caller; the tasks still running are cancelled. An outcome may come
/// before `start` (the work ended at once, or the caller was cancelled): `start` then resumes with it.
private final class DeadlineRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var tasks: [Task<Void, Never>] = []
        var outcome: Result<T, any Error>?
    }
    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<T, any Error>, work: Task<Void, Never>, timer: Task<Void, Never>) {
        let outcome: Result<T, any Error>? = state.withLock { state in
            if state.outcome == nil {
                state.continuation = continuation
                state.tasks = [work, timer]
            }
            return state.outcome
        }
        guard let outcome else { return }
        work.cancel()
        timer.cancel()
        continuation.resume(with: outcome)
    }

    func finish(_ outcome: Result<T, any Error>) {
        let (continuation, tasks) = state.withLock { state in
            guard state.outcome == nil else { return (CheckedContinuation<T, any Error>?.none, [Task<Void, Never>]()) }
            state.outcome = outcome
            defer { (state.continuation, state.tasks) = (nil, []) }
            return (state.continuation, state.tasks)
        }
        for task in tasks { task.cancel() }
        continuation?.resume(with: outcome)
    }
}
