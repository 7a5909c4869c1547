import Dispatch
import NIOConcurrencyHelpers
import PostgresNIO

/// Whose statement this is. On PostgreSQL, statements a caller is waiting on (webhooks) go before
/// those of background jobs for the pool's connections. In one first-come queue, a webhook's statement
/// waited its turn behind the jobs': at 200 calls 30 to 40 ms at the 95th to 99th percentile, for
/// statements that take 2 to 8 ms once they have a connection. Among jobs, the one a caller is about
/// to need (the next question) goes before the rest.
public enum StoreLane: Sendable, Equatable {
    /// A webhook: a caller is on the line, waiting.
    case caller
    /// A background job a caller will soon need (the next question).
    case urgentJob
    /// Any other background job.
    case job

    @TaskLocal public static var current: StoreLane = .caller

    /// Runs `body` with its statements, and those of the tasks it starts, in `lane`.
    public static func run<T>(
        in lane: StoreLane, isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T
    ) async rethrows -> T {
        try await $current.withValue(lane, operation: body, isolation: isolation)
    }
}

/// The pool behind a PostgreSQL store, with a gate in front that has one permit per connection, so
/// the pool itself never queues: the gate does, by lane.
struct GatedPool: Sendable {
    let client: PostgresClient
    let gate: PriorityGate

    /// The gate for a pool of `connections`. Where webhooks are served, jobs other than the next
    /// question hold at most three in ten of them (at least one), so connections are left for callers
    /// and questions however many transcriptions wait; a process that only runs jobs lets them use all.
    /// A question's statement waits at most a quarter second behind callers', another job's a second,
    /// so no job waits forever on a line whose webhooks alone keep every connection busy. Shorter
    /// bounds (20 to 100 ms) gave the questions back the turns that made webhooks fast, and webhook
    /// p99 at 200 calls went back to where the shared queue had it (docs/benchmarks-history.md, fix 62).
    static func gate(connections: Int, servesCallers: Bool) -> PriorityGate {
        PriorityGate(
            permits: connections, jobsAtMost: servesCallers ? max(1, connections * 3 / 10) : connections,
            patience: (urgent: .milliseconds(250), other: .seconds(1)))
    }

    /// Runs `body` with the pool once the current lane's statement may have a connection.
    func withPool<T>(_ body: (PostgresClient) async throws -> T) async throws -> T {
        let lane = StoreLane.current
        await gate.enter(lane)
        defer { gate.leave(lane) }
        return try await body(client)
    }
}

/// A counting semaphore with one queue per lane. A freed permit goes to the first waiting caller, else
/// the first urgent job, else the first other job, except that a job lane's first waiter which has
/// waited past its lane's `patience` goes first: priority, without starving the jobs when callers
/// alone could keep every permit busy. Other jobs may hold only so many permits at once. A waiter is
/// not cancelled: what waits here is one short statement, and a permit frees as soon as one ends.
final class PriorityGate: Sendable {
    private struct Waiter {
        let continuation: CheckedContinuation<Void, Never>
        let since: UInt64
    }

    private struct State {
        var free: Int
        var held: [Int] = [0, 0, 0]
        var waiters: [[Waiter]] = [[], [], []]

        mutating func take(_ rank: Int, caps: [Int]) -> Bool {
            guard free > 0, held[rank] < caps[rank] else { return false }
            free -= 1
            held[rank] += 1
            return true
        }
    }
    private let state: NIOLockedValueBox<State>
    /// The most permits each lane may hold, in `rank` order.
    let caps: [Int]
    /// How long (nanoseconds) each lane's first waiter waits before it goes ahead of the lanes above it.
    let patience: [UInt64]

    /// `jobsAtMost`: the most permits jobs other than urgent ones hold at once (all, if nil).
    /// `patience`: how long an urgent job's, and another job's, statement waits at most behind the
    /// lanes above it.
    init(permits: Int, jobsAtMost: Int? = nil, patience: (urgent: Duration, other: Duration)) {
        let permits = max(1, permits)
        caps = [permits, permits, min(permits, max(1, jobsAtMost ?? permits))]
        self.patience = [UInt64.max, Self.nanoseconds(patience.urgent), Self.nanoseconds(patience.other)]
        state = NIOLockedValueBox(State(free: permits))
    }

    private static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds / 1_000_000_000))
    }

    private static func rank(_ lane: StoreLane) -> Int {
        switch lane {
        case .caller: 0
        case .urgentJob: 1
        case .job: 2
        }
    }

    func enter(_ lane: StoreLane) async {
        let rank = Self.rank(lane)
        let caps = self.caps
        if state.withLockedValue({ $0.waiters[rank].isEmpty && $0.take(rank, caps: caps) }) { return }
        let since = DispatchTime.now().uptimeNanoseconds
        await withCheckedContinuation { continuation in
            // A permit may have freed between the two locks.
            let admitted = state.withLockedValue { state in
                if state.waiters[rank].isEmpty, state.take(rank, caps: caps) { return true }
                state.waiters[rank].append(Waiter(continuation: continuation, since: since))
                return false
            }
            if admitted { continuation.resume() }
        }
    }

    /// Gives the permit back and hands it on: to a job lane whose first waiter ran out of patience
    /// (urgent first), else to the first waiter of the highest lane that may take it.
    func leave(_ lane: StoreLane) {
        let (caps, patience) = (self.caps, self.patience)
        let now = DispatchTime.now().uptimeNanoseconds
        let next = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            state.free += 1
            state.held[Self.rank(lane)] -= 1
            let overdue = [1, 2].filter { rank in
                state.waiters[rank].first.map { now &- $0.since >= patience[rank] } ?? false
            }
            for rank in overdue + [0, 1, 2] where !state.waiters[rank].isEmpty && state.take(rank, caps: caps) {
                return state.waiters[rank].removeFirst().continuation
            }
            return nil
        }
        next?.resume()
    }

    /// Waiters now, by lane, for tests.
    func waiting(_ lane: StoreLane) -> Int { state.withLockedValue { $0.waiters[Self.rank(lane)].count } }
}
