import CoachServer
import CoachStore
import CoachTestSupport
import Foundation
import Testing
import TwilioSim

/// PostgreSQL stops answering in the middle of a call: a lock nobody releases, or a server that refuses
/// connections while the pool keeps trying to reconnect (for up to a minute). Twilio gives a webhook
/// 15 s. The caller must hear the apology within Twilio's limit (the simulator's transport gives up at
/// 15 s, as Twilio does).
@Suite(.enabled(if: TestPostgres.isAvailable, "needs PostgreSQL (COACHLINE_TEST_POSTGRES_URL); run ./scripts/test"))
struct DatabaseOutageTests {
    @Test func aQueryStuckBehindALockCostsAnApologyInTimeNotTwiliosTimeout() async throws {
        let database = try await TestDatabase.create(.postgres)
        let line = try await TestLine.start(databaseURL: database.urlString)
        let other = try await SQLStore.open(database.url, poolSize: 1, logger: TestLine.quiet)
        let hooks = Webhooks(baseURL: line.baseURL)
        let callSid = Webhooks.newCallSid()
        let greeting = try await hooks.post("/webhook/voice", Webhooks.standard(callSid: callSid))
        #expect(greeting.text.contains("<Gather"))

        // Another session holds every call row until it is done: the interview's first read waits.
        let answer = try await other.database.withSession { session in
            try await session.raw("BEGIN").run()
            try await session.raw("LOCK TABLE calls IN ACCESS EXCLUSIVE MODE").run()
            let answer = try await hooks.post(
                "/webhook/menu", Webhooks.standard(callSid: callSid) + [("Digits", "1")])
            try await session.raw("ROLLBACK").run()
            return answer
        }
        #expect(answer.status == 200)
        #expect(answer.text.contains("Sorry, something went wrong"), "\(answer.text)")
        #expect(answer.text.contains("/webhook/voice?resume=1"))

        try await other.shutdown()
        try await line.stop()
        try await database.drop()
    }

    @Test func aDatabaseThatRefusesConnectionsCostsAnApologyInTime() async throws {
        let database = try await TestDatabase.create(.postgres)
        let line = try await TestLine.start(databaseURL: database.urlString)
        let admin = try await SQLStore.open(
            try DatabaseURL(parsing: try #require(TestPostgres.url)), poolSize: 1, logger: TestLine.quiet)
        let hooks = Webhooks(baseURL: line.baseURL)
        let callSid = Webhooks.newCallSid()
        let greeting = try await hooks.post("/webhook/voice", Webhooks.standard(callSid: callSid))
        #expect(greeting.text.contains("<Gather"))

        // Refuse new connections to the line's database and end the open ones.
        let name = String(try #require(URL(string: database.urlString)?.path.dropFirst()))
        try await admin.database.raw("ALTER DATABASE \(ident: name) ALLOW_CONNECTIONS false").run()
        try await admin.database.raw(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = \(bind: name)"
        ).run()

        // The readiness probe says so, without waiting for the pool to give up. (A query on a connection
        // ended a moment ago fails at once; one waiting for a new connection meets the deadline.)
        let ready = try await hooks.get("/ready")
        #expect(ready.status == 503)

        let answer = try await hooks.post("/webhook/menu", Webhooks.standard(callSid: callSid) + [("Digits", "1")])
        #expect(answer.status == 200)
        #expect(answer.text.contains("Sorry, something went wrong"), "\(answer.text)")
        #expect(answer.text.contains("/webhook/voice?resume=1"))

        try await admin.database.raw("ALTER DATABASE \(ident: name) ALLOW_CONNECTIONS true").run()
        try await line.stop()
        try await admin.shutdown()
        try await database.drop()
    }
}
