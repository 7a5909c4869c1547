import CoachCore
import CoachServer
import CoachStore
import Foundation
import Testing

/// `GET /metrics`: the shared job queue by state, and what this process's worker finished.
@Suite struct MetricsTests {
    @Test func jobsByStateAndDeadLettersAreExposed() async throws {
        let line = try await TestLine.start(settings: TestLine.settings { $0.jobMaxAttempts = 1 })
        let report = try await line.call(Moves.interview())
        #expect(report.isClean, "\(report.violations)")
        await line.running.settle()
        // Work this version cannot do (a newer instance's, say): dead after its one attempt.
        try await line.store.enqueue(NewJob(key: "bogus:1", kind: "bogus", payload: "{}", maxAttempts: 1))
        let deadline = ContinuousClock.now + .seconds(20)
        while try await line.store.job(id: "bogus:1")?.state != .dead, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }

        let response = try await Webhooks(baseURL: line.baseURL).get("/metrics")
        #expect(response.status == 200)
        #expect(response.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = response.text
        #expect(text.contains("# TYPE coachline_jobs gauge"), "\(text)")
        #expect(text.contains(#"coachline_jobs{state="dead"} 1"#), "\(text)")
        #expect(text.contains(#"coachline_jobs{state="queued"} 0"#), "\(text)")
        #expect(text.contains(#"coachline_jobs_finished_total{kind="bogus",outcome="dead"} 1"#), "\(text)")
        #expect(text.contains(#"coachline_jobs_finished_total{kind="question",outcome="done"}"#), "\(text)")
        try await line.stop()
    }

    /// Everything an operator graphs, after one interview with every provider on the fakes.
    @Test func webhooksCallerWaitAudioProvidersAndMemoryAreExposed() async throws {
        let stack = try await ProviderLine.start()
        let report = try await stack.call(Moves.interview())
        #expect(report.isClean, "\(report.violations)")
        await stack.line.running.settle()
        let text = try await Webhooks(baseURL: stack.line.baseURL).get("/metrics").text

        #expect(text.contains("# TYPE coachline_webhook_duration_seconds histogram"), "\(text)")
        #expect(Self.value(#"coachline_webhook_duration_seconds_count{route="/webhook/voice"}"#, in: text) == 1)
        #expect(Self.value(#"coachline_webhook_duration_seconds_count{route="/webhook/response"}"#, in: text) == 5)
        #expect(Self.value(#"coachline_webhook_duration_seconds_count{route="/webhook/status"}"#, in: text) == 1)
        // One wait per answer that is followed by a question: 4 of 5.
        #expect(Self.value("coachline_caller_wait_seconds_count", in: text) == 4, "\(text)")
        let hits = Self.value("coachline_audio_cache_hits_total", in: text) ?? 0
        let misses = Self.value("coachline_audio_cache_misses_total", in: text) ?? 0
        #expect(hits + misses > 0, "every spoken prompt is looked up in the stored audio")
        for provider in ["openai-chat", "openai-transcription", "murf-stream"] {
            let count = Self.value(
                #"coachline_provider_request_duration_seconds_count{provider="\#(provider)"}"#, in: text)
            #expect((count ?? 0) > 0, "\(provider): \(text)")
            #expect(text.contains(#"coachline_provider_requests_total{provider="\#(provider)"}"#))
        }
        #expect(text.contains(#"coachline_provider_request_duration_seconds_bucket{provider="openai-chat",le="+Inf"}"#))
        #expect((Self.value("coachline_process_peak_resident_memory_bytes", in: text) ?? 0) > 1_000_000)
        #expect(Self.value(#"coachline_database_info{engine="sqlite"}"#, in: text) == 1)
        #expect(Self.value("coachline_active_calls", in: text) == 0, "the call ended")
        try await stack.stop()
    }

    /// A provider that fails shows up by provider and kind of failure.
    @Test func providerErrorsAreCountedByKind() async throws {
        let stack = try await ProviderLine.start { control in
            control.set(.openAIChat, .failing(.badRequest))
        }
        let report = try await stack.call(Moves.interview(answers: Array(Moves.answers.prefix(1))) + [.hangUp])
        #expect(report.isClean, "\(report.violations)")
        await stack.line.running.settle()
        let text = try await Webhooks(baseURL: stack.line.baseURL).get("/metrics").text
        let errors = Self.value(#"coachline_provider_errors_total{provider="openai-chat",kind="http_4xx"}"#, in: text)
        #expect((errors ?? 0) > 0, "\(text)")
        try await stack.stop()
    }

    /// Active calls: started and not ended, across instances (read from the database).
    @Test func activeCallsCountCallsOnTheLine() async throws {
        let line = try await TestLine.start()
        let hooks = Webhooks(baseURL: line.baseURL)
        let sid = Webhooks.newCallSid()
        _ = try await hooks.post("/webhook/voice", Webhooks.standard(callSid: sid))
        #expect(Self.value("coachline_active_calls", in: try await hooks.get("/metrics").text) == 1)
        _ = try await hooks.post(
            "/webhook/status",
            Webhooks.standard(callSid: sid).map { $0.0 == "CallStatus" ? ($0.0, "completed") : $0 }
                + [("SequenceNumber", "1")])
        #expect(Self.value("coachline_active_calls", in: try await hooks.get("/metrics").text) == 0)
        try await line.stop()
    }

    /// The value of the exposition line that starts with `series` (name and labels), if any.
    static func value(_ series: String, in text: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return line.split(separator: " ").last.flatMap { Double($0) }
        }
        return nil
    }
}
