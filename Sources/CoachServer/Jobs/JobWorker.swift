import CoachStore
import Foundation
import Logging

/// Does one piece of background work. Provider failures are handled inside (each has its fallback)
/// and return normally; a thrown error means the work itself could not be done (the database was
/// unreachable, say) and is retried.
protocol WorkPerformer: Sendable {
    func perform(_ work: BackgroundWork) async throws
    /// The work was dead-lettered and will not run again unless retried by hand: what waits for it
    /// goes on without it.
    func abandon(_ work: BackgroundWork) async throws
}

extension WorkPerformer {
    func abandon(_ work: BackgroundWork) async throws {}
}

/// Runs jobs from the durable queue: claims what is due, up to `concurrency` at a time, under a lease;
/// retries failures with exponential backoff; dead-letters what keeps failing. Any number of workers,
/// on any number of instances, share one queue.
actor JobWorker {
    struct Options: Sendable {
        var concurrency = 8
        var leaseSeconds = 60.0
        /// The longest an idle worker sleeps before looking again (a missed NOTIFY costs this).
        var pollSeconds = 1.0
        /// How long a graceful stop lets running jobs finish before handing them back.
        var drainSeconds = 5.0
        /// Job kinds claimed before the others: under load a question the caller is about to reach
        /// must not queue behind transcriptions.
        var urgentKinds: [String] = []
        /// While this process's threads are saturated, jobs of the other kinds run fewer at once, down
        /// to this many (nil: never fewer than `concurrency`). See `BackgroundLimit`.
        var busyBackgroundFloor: Int? = nil
        /// Whether that limit follows the scheduling lag; off, it stays at its floor (for tests).
        var followsSchedulingLag = true
    }

    nonisolated let id: String
    let store: SQLStore
    let performer: any WorkPerformer
    let signals: Signals
    let options: Options
    let metrics: LineMetrics
    let logger: Logger
    private var loop: Task<Void, Never>?
    private var inFlight: [String: Task<Void, Never>] = [:]
    /// The jobs in flight that are not of an urgent kind.
    private var backgroundInFlight: Set<String> = []
    /// How many of those may run now, when `busyBackgroundFloor` is set; `probe` keeps it current.
    private var backgroundLimit: BackgroundLimit?
    private var probe: Task<Void, Never>?
    private var lastMaintenance = Date.distantPast
    /// Whether the last claim filled every free slot (none free counts), so due jobs may be waiting.
    private var moreMayBeDue = true
    /// Whether jobs of the non-urgent kinds may be queued: the last claim of them filled its limit,
    /// or this process has queued one since (`noteQueued`). While the background limit holds them
    /// back, a freed slot looks for them only then.
    private var backgroundMayWait = true
    /// Jobs handed back unfinished by `stop()`, over this worker's life.
    private(set) var handedBack = 0
    /// Claims the loop made, over this worker's life.
    private(set) var loopClaims = 0
    /// Slots promised to `JobQueue` for jobs it is storing as claimed by this worker (`reserve`).
    private var reserved = 0
    private var reservedBackground = 0
    /// Jobs a held caller waits for that this worker is taking from the queue (`escalate`).
    private var heldTaking: Set<String> = []

    init(
        store: SQLStore, performer: any WorkPerformer, signals: Signals, options: Options, metrics: LineMetrics,
        logger: Logger
    ) {
        self.id =
            "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-"
            + UUID().uuidString.prefix(8).lowercased()
        self.store = store
        self.performer = performer
        self.signals = signals
        self.options = options
        self.metrics = metrics
        self.logger = logger
    }

    func start() {
        guard loop == nil, options.concurrency > 0 else { return }
        if let floor = options.busyBackgroundFloor, !options.urgentKinds.isEmpty {
            backgroundLimit = BackgroundLimit(floor: floor, ceiling: options.concurrency)
            if options.followsSchedulingLag {
                probe = Task(priority: StoreLane.urgentJob.taskPriority) { await self.probeSchedulingLag() }
            }
        }
        // Claims hand out the next questions, and maintenance is the jobs' own: both queue with the
        // questions for PostgreSQL's connections and the CPU, behind webhooks (`StoreLane`).
        loop = Task(priority: StoreLane.urgentJob.taskPriority) {
            await StoreLane.run(in: .urgentJob) { await self.run() }
        }
    }

    /// Stops claiming, lets running jobs finish for up to `drainSeconds`, then cancels the rest and
    /// hands them back to the queue so another worker takes them at once.
    func stop() async {
        // Let the loop end first (woken if it sleeps), so nothing it is claiming right now starts after
        // the hand-back below.
        let loopTask = loop
        loop = nil
        loopTask?.cancel()
        probe?.cancel()
        probe = nil
        await signals.signal(Signals.jobs)
        await loopTask?.value
        let deadline = Date().addingTimeInterval(options.drainSeconds)
        while !inFlight.isEmpty, Date() < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let abandoned = Array(inFlight.keys)
        for task in inFlight.values { task.cancel() }
        inFlight = [:]
        for id in abandoned where (try? await store.releaseJob(id: id, worker: self.id)) == true {
            handedBack += 1
        }
        if !abandoned.isEmpty {
            logger.notice("handed unfinished jobs back to the queue", metadata: ["jobs": "\(abandoned)"])
        }
    }

    /// How many jobs this worker is running now.
    var running: Int { inFlight.count }

    /// Promises a slot for a job of `kind` that the caller is about to store as claimed by this
    /// worker (`SQLStore.enqueueClaimed`). Nil when there is no room, or the worker is not running: the
    /// job is then queued for any worker. An urgent job (the next question of a call in progress) always
    /// gets one, beyond `concurrency` if every slot is taken: it mostly waits on providers, a call has
    /// at most two at a time, and one queued for a slot was late for its caller (under load, every
    /// slot taken is when jobs are slowest). Work of other kinds stays within the limits a claim
    /// keeps, and while urgent work runs beyond `concurrency` nothing else is claimed. Every slot given
    /// must come back through `adopt` or `cancel`.
    func reserve(kind: String) -> JobSlot? {
        guard loop != nil else { return nil }
        let background = !isUrgent(kind)
        // Due jobs left in the queue (a question, say) come first: a new transcription must not take
        // the slot that just freed for them.
        if background { guard backgroundFits, !moreMayBeDue else { return nil } }
        reserved += 1
        if background { reservedBackground += 1 }
        return JobSlot(worker: id, leaseSeconds: options.leaseSeconds, background: background)
    }

    /// Runs `job`, stored as claimed by this worker, in the slot `reserve` gave.
    func adopt(_ job: JobRecord, in slot: JobSlot) async {
        cancel(slot)
        guard loop != nil else {
            // Stopped since the slot was given: hand the job to the queue, untried.
            _ = try? await store.releaseJob(id: job.id, worker: id)
            return
        }
        start(job)
    }

    /// Runs `job` in a slot of its own, counted among the background jobs unless it is urgent. Its
    /// statements and its CPU time wait behind callers', the next question's before the rest (`StoreLane`).
    private func start(_ job: JobRecord) {
        let lane: StoreLane = isUrgent(job.kind) ? .urgentJob : .job
        if lane == .job { backgroundInFlight.insert(job.id) }
        inFlight[job.id] = Task(priority: lane.taskPriority) {
            await StoreLane.run(in: lane) { await self.execute(job) }
        }
    }

    /// A caller is waiting for job `id` right now (held for its question): if it runs here, it goes
    /// on at callers' priority; if it is still queued (by another instance, without a worker), this
    /// worker takes it at once, beyond its concurrency. Questions run below webhooks so webhooks stay fast;
    /// one a caller is already on hold for is as urgent as any webhook, and must not wait for a slot
    /// behind questions nobody is waiting for yet.
    func escalate(jobID id: String) {
        if let running = inFlight[id] {
            running.escalatePriority(to: StoreLane.caller.taskPriority)
            return
        }
        guard loop != nil, heldTaking.insert(id).inserted else { return }
        Task(priority: StoreLane.caller.taskPriority) {
            await StoreLane.run(in: .caller) { await self.takeHeld(id) }
        }
    }

    private func takeHeld(_ id: String) async {
        defer { heldTaking.remove(id) }
        do {
            guard let job = try await store.claimJob(id: id, worker: self.id, leaseSeconds: options.leaseSeconds)
            else { return }
            guard loop != nil, inFlight[job.id] == nil else {
                _ = try? await store.releaseJob(id: job.id, worker: self.id)
                return
            }
            start(job)
            inFlight[job.id]?.escalatePriority(to: StoreLane.caller.taskPriority)
        } catch {
            logger.warning("could not take a held caller's job", metadata: ["job": "\(id)", "error": "\(error)"])
        }
    }

    private func isUrgent(_ kind: String) -> Bool { options.urgentKinds.contains(kind) }

    /// Gives back a slot that no job came to (the job existed already, or could not be stored).
    func cancel(_ slot: JobSlot) {
        reserved -= 1
        if slot.background { reservedBackground -= 1 }
    }

    private func run() async {
        logger.debug("job worker started", metadata: ["worker": "\(id)", "concurrency": "\(options.concurrency)"])
        while !Task.isCancelled {
            await maintain()
            let free = options.concurrency - inFlight.count - reserved
            var claimed: [JobRecord] = []
            var leftSome = free <= 0
            if free > 0 {
                do {
                    loopClaims += 1
                    (claimed, leftSome) = try await claim(free: free)
                } catch {
                    logger.error("could not claim jobs", metadata: ["error": "\(error)"])
                }
            }
            if Task.isCancelled {  // stopping while the claim was under way: give those back untried
                for job in claimed { _ = try? await store.releaseJob(id: job.id, worker: id) }
                return
            }
            for job in claimed where inFlight[job.id] == nil { start(job) }
            // Only a claim that filled every free slot may have left due jobs behind. Otherwise nothing
            // is due until new work is queued (which signals) or a retry's backoff ends (the poll finds
            // it), so a freed slot need not look: that empty claim was a fifth of all statements.
            moreMayBeDue = leftSome
            await signals.wait(for: Signals.jobs, upTo: options.pollSeconds)
        }
    }

    /// Up to `free` due jobs, urgent kinds first; the others only while fewer than the background
    /// limit run. `leftSome`: due jobs may remain (a limit was reached with more to take).
    private func claim(free: Int) async throws -> (jobs: [JobRecord], leftSome: Bool) {
        guard let cap = backgroundLimit?.current, cap < options.concurrency else {
            let jobs = try await store.claimJobs(
                worker: id, limit: free, leaseSeconds: options.leaseSeconds, urgentKinds: options.urgentKinds)
            backgroundMayWait = jobs.count == free
            return (jobs, backgroundMayWait)
        }
        let allowed = max(0, min(free, cap - backgroundInFlight.count - reservedBackground))
        let jobs = try await store.claimJobs(
            worker: id, limit: free, leaseSeconds: options.leaseSeconds, urgentKinds: options.urgentKinds,
            othersAtMost: allowed)
        if jobs.count == free { return (jobs, true) }
        // Held back by the limit, others are worth a look when a slot frees only if some may be queued.
        if allowed > 0 { backgroundMayWait = jobs.count { !isUrgent($0.kind) } == allowed }
        return (jobs, backgroundMayWait)
    }

    /// This process queued a job of `kind` for any worker (this one had no room for it): due jobs are
    /// waiting. Returns whether a claim could take it now. When every slot is taken, or the background
    /// limit is reached, waking the loop would only make an empty claim (under load, a third of all
    /// claims were those): the next job to finish wakes it, and so does a limit that grows.
    func noteQueued(kind: String) -> Bool {
        moreMayBeDue = true
        backgroundMayWait = true
        guard loop != nil else { return true }
        return isUrgent(kind) || backgroundFits
    }

    /// Whether a job of a non-urgent kind would fit now: a free slot, and the background limit not
    /// reached. When it would not, a finishing job (or a limit that grows) makes room.
    private var backgroundFits: Bool {
        guard inFlight.count + reserved < options.concurrency else { return false }
        guard let cap = backgroundLimit?.current else { return true }
        return backgroundInFlight.count + reservedBackground < cap
    }

    /// How late a short sleep wakes, at the questions' priority, is how long work at that priority
    /// waits for a thread (webhooks, above it, wait less). The background limit follows it.
    private func probeSchedulingLag() async {
        while !Task.isCancelled {
            let started = ContinuousClock.now
            do { try await Task.sleep(for: BackgroundLimit.probeInterval) } catch { return }
            let before = backgroundLimit?.current ?? 0
            backgroundLimit?.observe(lag: ContinuousClock.now - started - BackgroundLimit.probeInterval)
            // Room for one more: jobs queued while the limit was reached are waiting for it.
            if let now = backgroundLimit?.current, now > before, backgroundMayWait {
                await signals.signal(Signals.jobs)
            }
        }
    }

    private func execute(_ job: JobRecord) async {
        let started = ContinuousClock.now
        do {
            let work = try BackgroundWork(payload: job.payload)
            try await performer.perform(work)
            try Task.checkCancellation()
            try await store.completeJob(id: job.id, worker: id)
            metrics.jobFinished(kind: job.kind, outcome: "done")
            logger.debug(
                "job done",
                metadata: ["job": "\(job.id)", "ms": "\((ContinuousClock.now - started).milliseconds)"])
        } catch is CancellationError {
            // Stopping: `stop()` hands the job back.
        } catch {
            await fail(job, error: error)
        }
        finished(job.id)
    }

    private func fail(_ job: JobRecord, error: any Error) async {
        let retryAt = Date().addingTimeInterval(Self.backoff(attempt: job.attempts))
        do {
            let state = try await store.failJob(id: job.id, worker: id, error: "\(error)", retryAt: retryAt)
            metrics.jobFinished(kind: job.kind, outcome: state == .dead ? "dead" : "retry")
            if state == .dead {
                logger.error(
                    "job dead-lettered",
                    metadata: ["job": "\(job.id)", "attempts": "\(job.attempts)", "error": "\(error)"])
                await abandon(job)
            } else {
                logger.warning(
                    "job failed; will retry",
                    metadata: ["job": "\(job.id)", "attempt": "\(job.attempts)", "error": "\(error)"])
            }
        } catch {
            logger.error("could not record a job failure", metadata: ["job": "\(job.id)", "error": "\(error)"])
        }
    }

    /// Tells what waits for a dead-lettered job to go on without it (a recording waiting for its
    /// transcription would otherwise never be analysed).
    private func abandon(_ job: JobRecord) async {
        guard let work = try? BackgroundWork(payload: job.payload) else { return }
        do {
            try await performer.abandon(work)
        } catch {
            logger.error(
                "could not give up on a dead-lettered job's work", metadata: ["job": "\(job.id)", "error": "\(error)"])
        }
    }

    private func finished(_ id: String) {
        inFlight[id] = nil
        backgroundInFlight.remove(id)
        guard moreMayBeDue else { return }
        Task { await signals.signal(Signals.jobs) }  // a slot is free, and due jobs may be waiting for one
    }

    /// 1 s, 2 s, 4 s ... at most a minute.
    static func backoff(attempt: Int) -> Double {
        min(60, pow(2, Double(max(0, attempt - 1))))
    }

    /// Every few seconds: queue again the jobs whose worker died (their lease expired), and
    /// dead-letter those on their last attempt. Hourly: prune done jobs after a day and dead ones
    /// after a week.
    private func maintain() async {
        let now = Date()
        guard now.timeIntervalSince(lastMaintenance) >= 5 else { return }
        let hourly = Int(now.timeIntervalSince1970 / 3600) != Int(lastMaintenance.timeIntervalSince1970 / 3600)
        lastMaintenance = now
        do {
            try await store.requeueExpiredJobs(now: now)
            for job in try await store.deadLetterExpiredJobs(now: now) {
                metrics.jobFinished(kind: job.kind, outcome: "dead")
                logger.error(
                    "job dead-lettered",
                    metadata: ["job": "\(job.id)", "attempts": "\(job.attempts)", "error": "\(job.lastError ?? "")"])
                await abandon(job)
            }
            if hourly {
                try await store.pruneJobs(
                    doneBefore: now.addingTimeInterval(-86_400), deadBefore: now.addingTimeInterval(-7 * 86_400))
            }
        } catch {
            logger.warning("job maintenance failed", metadata: ["error": "\(error)"])
        }
    }
}

/// A slot in a worker, promised for a job its process is storing as claimed by it.
struct JobSlot: Sendable {
    let worker: String
    let leaseSeconds: Double
    let background: Bool
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

/// How many non-urgent jobs (transcriptions, feedback, wordings) may run at once. Most of a job is
/// waiting on a provider, but its CPU work (JSON, audio, analysis) competes with webhooks for the same
/// threads; when those are saturated, as scheduling lag shows, running fewer background jobs at once
/// gives webhooks their turn sooner, and urgent jobs (the next question) are never limited. It halves
/// while the lag is high and recovers one job per calm probe (AIMD), so a line with CPU to spare runs
/// at the full `JOB_CONCURRENCY` (docs/benchmarks-history.md, fix 33).
struct BackgroundLimit: Sendable {
    static let probeInterval: Duration = .milliseconds(25)
    /// Lag above this means threads are saturated; below `calm`, there is room to spare.
    static let saturated: Duration = .milliseconds(2)
    static let calm: Duration = .microseconds(500)

    let floor: Int
    let ceiling: Int
    private(set) var current: Int

    init(floor: Int, ceiling: Int) {
        self.floor = max(1, min(floor, ceiling))
        self.ceiling = ceiling
        current = self.floor  // slow start: it grows while the lag stays low
    }

    mutating func observe(lag: Duration) {
        if lag > Self.saturated {
            current = max(floor, current / 2)
        } else if lag < Self.calm {
            current = min(ceiling, current + 1)
        }
    }
}
