import CoachCore
import CoachFakes
import CoachProviders
import Foundation
import Testing

@Suite("OpenAI chat: questions, feedback, summaries", .timeLimit(.minutes(1)))
struct OpenAIChatTests {
    let request = QuestionRequest(
        role: PracticeRole(key: "product_management", spoken: "junior product manager"), number: 2, total: 5,
        excludedIDs: [], covered: [.leadership], weakSpots: [.substance], seed: 1)

    @Test func questionIsTailoredToTheRole() async throws {
        try await withFakes { fakes, control in
            let source = OpenAIQuestionSource(chat: chatClient(fakes))
            let question = try await source.question(for: request)
            #expect(question.text.contains("junior product manager"))
            #expect(question.origin == .model)
            #expect(question.id.hasPrefix("model-"))
            #expect(question.id == (try await source.question(for: request)).id)

            let sent = try #require(control.requests(.openAIChat).first)
            #expect(sent.path == "/v1/chat/completions")
            #expect(sent.header("Authorization") == "Bearer sk-test")
            let body = try #require(try JSONSerialization.jsonObject(with: Data(sent.body)) as? [String: Any])
            #expect(body["model"] as? String == "gpt-4o-mini")
            #expect(body["max_completion_tokens"] != nil)
            let format = try #require(body["response_format"] as? [String: Any])
            let schema = try #require(format["json_schema"] as? [String: Any])
            #expect(schema["name"] as? String == "interview_question")
            #expect(schema["strict"] as? Bool == true)
            #expect(sent.bodyText.contains("Role: junior product manager"))
            #expect(sent.bodyText.contains("leadership"))
            #expect(sent.bodyText.contains("substance"))
        }
    }

    @Test func hypotheticalAnswerGetsAFollowUpProbe() async throws {
        try await withFakes { fakes, control in
            var followUp = request
            followUp.earlier = [
                EarlierAnswer(
                    question: "Tell me about a time you disagreed with your manager.",
                    transcript: "I would probably talk to them first and I would try to find common ground.")
            ]
            let question = try await OpenAIQuestionSource(chat: chatClient(fakes)).question(for: followUp)
            #expect(question.text.contains("actually do"))
            let prompt = try #require(control.requests(.openAIChat).first?.bodyText)
            #expect(prompt.contains("Question: Tell me about a time you disagreed with your manager."))
            #expect(prompt.contains("Answer: I would probably talk to them first"))
            #expect(prompt.contains("The latest answer stayed hypothetical"))
        }
    }

    @Test func aStoredAnalysisDecidesTheProbe() async throws {
        try await withFakes { fakes, control in
            // The words read as hypothetical, but the analysis made when they came in says otherwise (as
            // an analysis of other words would): the stored one is used, not made again.
            let transcript = "I would probably talk to them first and I would try to find common ground."
            let stored = AnswerAnalyzer().analyze(
                transcript: "I led the launch myself and as a result we grew revenue by ten percent.", seconds: 30)
            var followUp = request
            followUp.earlier = [
                EarlierAnswer(question: "Tell me about a disagreement.", transcript: transcript, analysis: stored)
            ]
            _ = try await OpenAIQuestionSource(chat: chatClient(fakes)).question(for: followUp)
            let prompt = try #require(control.requests(.openAIChat).first?.bodyText)
            #expect(prompt.contains("Answer: I would probably talk to them first"))
            #expect(!prompt.contains("The latest answer stayed hypothetical"))
            #expect(!prompt.contains("The latest answer never said"))
        }
    }

    @Test func aRepeatedQuestionIsRejectedAndAskedForOnceMore() async throws {
        try await withFakes { fakes, control in
            var repeated = request
            // The fake answers a hypothetical answer with this exact follow-up; it was asked already.
            repeated.earlier = [
                EarlierAnswer(
                    question:
                        "earlier you said what you WOULD do -- what did you actually do, the last time it happened",
                    transcript: "I would ask for help.")
            ]
            let source = OpenAIQuestionSource(chat: chatClient(fakes))
            let question = try await source.question(for: repeated)
            #expect(!question.text.contains("actually do"), "the repeat must not come back: \(question.text)")
            let prompts = control.requests(.openAIChat).map(\.bodyText)
            #expect(prompts.count == 2)
            #expect(prompts.last?.contains("previous attempt was rejected (question repeats an earlier one") == true)
        }
    }

    @Test(arguments: [
        (FakeFailure.badRequest, "http_4xx"), (.unauthorized, "unauthorized"), (.paymentRequired, "quota_exhausted"),
        (.forbidden, "unauthorized"), (.insufficientQuota, "quota_exhausted"), (.malformedJSON, "malformed_response"),
        (.truncatedBody, "malformed_response"), (.refusal, "refusal"),
    ])
    func failuresThatAreNeverRetried(failure: FakeFailure, kind: String) async throws {
        try await withFakes { fakes, control in
            control.set(.openAIChat, .failing(failure))
            let chat = chatClient(fakes)
            let outcome = await timed { try await OpenAIQuestionSource(chat: chat).question(for: request) }
            let error = try #require(outcome.error as? ProviderError)
            #expect(error.kind == kind)
            #expect(control.requests(.openAIChat).count == 1)
            #expect(chat.transport.metrics.snapshot.failures[kind] == 1)
            #expect(chat.transport.metrics.snapshot.requests == 1)
        }
    }

    @Test func rateLimitIsRetriedAfterRetryAfter() async throws {
        try await withFakes { fakes, control in
            control.set(.openAIChat, .failing(.rateLimited, times: 1, retryAfterSeconds: 0.4))
            let chat = chatClient(fakes)
            let start = ContinuousClock.now
            _ = try await OpenAIQuestionSource(chat: chat).question(for: request)
            #expect(elapsed(since: start) >= 0.4)
            #expect(control.requests(.openAIChat).count == 2)
            let metrics = chat.transport.metrics.snapshot
            #expect(metrics.retries == 1 && metrics.successes == 1 && metrics.failures["rate_limited"] == 1)
        }
    }

    @Test func rateLimitBeyondTheDeadlineFailsAtOnce() async throws {
        try await withFakes { fakes, control in
            control.set(.openAIChat, .failing(.rateLimited, retryAfterSeconds: 30))
            let outcome = await timed {
                try await OpenAIQuestionSource(chat: chatClient(fakes, timeout: 4)).question(for: request)
            }
            #expect(outcome.error as? ProviderError == .rateLimited(retryAfter: 30))
            #expect(outcome.seconds < 10)  // generous for a busy machine; the fake would take far longer
            #expect(control.requests(.openAIChat).count == 1)
        }
    }

    @Test(arguments: [FakeFailure.serverError, .unavailable])
    func serverErrorsAreRetriedThenSucceed(failure: FakeFailure) async throws {
        try await withFakes { fakes, control in
            control.set(.openAIChat, .failing(failure, times: 2, retryAfterSeconds: 0.1))
            _ = try await OpenAIQuestionSource(chat: chatClient(fakes)).question(for: request)
            #expect(control.requests(.openAIChat).count == 3)
        }
    }

    @Test func slowProviderCostsTheDeadlineNotItsLatency() async throws {
        try await withFakes { fakes, control in
            control.set(.openAIChat, FakeBehavior(minLatency: 20, maxLatency: 20))
            let outcome = await timed {
                try await OpenAIQuestionSource(chat: chatClient(fakes, timeout: 1)).question(for: request)
            }
            #expect(outcome.error as? ProviderError == .timeout(1))
            #expect(outcome.seconds >= 0.9 && outcome.seconds < 10)  // the 1 s deadline, not the 20 s latency
        }
    }

    @Test func circuitOpensThenRecovers() async throws {
        try await withFakes { fakes, control in
            control.set(.openAIChat, .failing(.serverError))
            let chat = chatClient(
                fakes, transport: transport("openai-chat", retry: .none, failureThreshold: 2, coolDownSeconds: 0.5))
            let source = OpenAIQuestionSource(chat: chat)
            for _ in 0..<2 {
                await #expect(throws: ProviderError.self) { try await source.question(for: request) }
            }
            // Open: later calls fail at once, without reaching the provider.
            for _ in 0..<3 {
                let outcome = await timed { try await source.question(for: request) }
                #expect(outcome.error as? ProviderError == .circuitOpen(provider: "openai-chat"))
                #expect(outcome.seconds < 5)
            }
            #expect(control.requests(.openAIChat).count == 2)
            #expect(chat.transport.metrics.snapshot.failures["circuit_open"] == 3)

            control.set(.openAIChat, .normal)
            try await Task.sleep(for: .milliseconds(600))
            _ = try await source.question(for: request)
            _ = try await source.question(for: request)
            #expect(await chat.transport.circuitBreaker.state == .closed)
            #expect(control.requests(.openAIChat).count == 4)
        }
    }

    @Test func answerFeedbackGetsTheMetricsAsFacts() async throws {
        try await withFakes { fakes, control in
            let transcript = "In my last job our release slipped. I rebuilt the plan and we shipped 2 weeks early."
            let metrics = AnswerAnalyzer().analyze(transcript: transcript, seconds: 20)
            let feedback = try await OpenAIAnswerCoach(chat: chatClient(fakes)).feedback(
                for: FeedbackRequest(
                    role: PracticeRole(key: "engineering", spoken: "backend engineer"),
                    question: "Tell me about a deadline you met.", transcript: transcript, metrics: metrics))
            #expect(Set(feedback.scores.keys) == ["structure", "substance", "ownership"])
            #expect(feedback.scores.values.allSatisfy { (1...5).contains($0) })
            #expect(!feedback.strength.isEmpty && !feedback.improvement.isEmpty && !feedback.outline.isEmpty)
            let prompt = try #require(control.requests(.openAIChat).first?.bodyText)
            #expect(prompt.contains("answer_feedback"))
            #expect(prompt.contains("Quantified result: yes"))
            #expect(prompt.contains("words per minute"))
        }
    }

    @Test func summaryIsPlainShortText() async throws {
        try await withFakes { fakes, control in
            let text = try await OpenAISummaryWriter(chat: chatClient(fakes)).summary(
                instructions: "Sum up the interview in two sentences.",
                facts: ["5 questions answered", "Strongest: structure"])
            #expect(!text.isEmpty && text.split(separator: " ").count <= 90)
            #expect(control.requests(.openAIChat).first?.bodyText.contains("spoken_summary") == true)
        }
    }
}
