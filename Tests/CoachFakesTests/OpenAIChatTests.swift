import CoachFakes
import Foundation
import Testing

@Suite("OpenAI chat fake", .timeLimit(.minutes(1)))
struct OpenAIChatTests {
    static var feedbackSchema: [String: Any] {
        [
            "type": "json_schema",
            "json_schema": [
                "name": "feedback",
                "strict": true,
                "schema": [
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["question", "competency", "score", "ratio", "passed", "tips", "detail"],
                    "properties": [
                        "question": ["type": "string"],
                        "competency": ["type": "string", "enum": ["teamwork", "ownership", "communication"]],
                        "score": ["type": "integer", "minimum": 1, "maximum": 5],
                        "ratio": ["type": "number", "minimum": 0.2, "maximum": 0.4],
                        "passed": ["type": "boolean"],
                        "tips": ["type": "array", "items": ["type": "string"]],
                        "detail": [
                            "type": "object",
                            "additionalProperties": false,
                            "required": ["strength", "improvement", "levels"],
                            "properties": [
                                "strength": ["type": "string"],
                                "improvement": ["type": ["string", "null"]],
                                "levels": [
                                    "type": "array",
                                    "items": [
                                        "type": "object", "additionalProperties": false, "required": ["name", "rank"],
                                        "properties": [
                                            "name": ["type": "string"], "rank": ["type": "integer", "minimum": 10],
                                        ],
                                    ],
                                ],
                            ],
                        ],
                    ],
                ] as [String: Any],
            ] as [String: Any],
        ]
    }

    @Test func plainCompletionHasOpenAIShape() async throws {
        try await withFakes { fakes, control in
            let reply = try await chat(fakes, chatBody([("system", "You coach."), ("user", "Hello there")]))
            #expect(reply.status == 200)
            #expect(reply.header("x-request-id")?.hasPrefix("req_") == true)
            #expect(reply.header("Content-Type")?.hasPrefix("application/json") == true)
            let json = try reply.json()
            #expect((json["id"] as? String)?.hasPrefix("chatcmpl-fake") == true)
            #expect(json["object"] as? String == "chat.completion")
            #expect(json["model"] as? String == "gpt-4o-mini")
            #expect(json["created"] as? Int ?? 0 > 1_700_000_000)
            let choice = try #require((json["choices"] as? [[String: Any]])?.first)
            #expect(choice["index"] as? Int == 0)
            #expect(choice["finish_reason"] as? String == "stop")
            let message = try assistantMessage(reply)
            #expect(message["role"] as? String == "assistant")
            #expect((message["content"] as? String)?.isEmpty == false)
            #expect(message["refusal"] is NSNull)
            let usage = try #require(json["usage"] as? [String: Int])
            #expect(usage["total_tokens"] == usage["prompt_tokens"]! + usage["completion_tokens"]!)
            let logged = control.requests(.openAIChat)
            #expect(logged.count == 1)
            #expect(logged.first?.method == "POST")
            #expect(logged.first?.path == "/v1/chat/completions")
            #expect(logged.first?.header("authorization") == "Bearer sk-test")
        }
    }

    @Test func nestedSchemaAnswerIsValidAndInBounds() async throws {
        try await withFakes { fakes, _ in
            let reply = try await chat(
                fakes, chatBody([("user", "Role: nurse\nGive feedback.")], responseFormat: Self.feedbackSchema))
            #expect(reply.status == 200)
            let content = try #require(try assistantMessage(reply)["content"] as? String)
            let value = try #require(try JSONSerialization.jsonObject(with: Data(content.utf8)) as? [String: Any])
            #expect(Set(value.keys) == ["question", "competency", "score", "ratio", "passed", "tips", "detail"])
            #expect(["teamwork", "ownership", "communication"].contains(value["competency"] as? String ?? ""))
            let score = try #require(value["score"] as? Int)
            #expect((1...5).contains(score))
            let ratio = try #require(value["ratio"] as? Double)
            #expect(ratio >= 0.2 && ratio <= 0.4)
            #expect(value["passed"] as? Bool == false)
            #expect((value["tips"] as? [String])?.count == 1)
            let detail = try #require(value["detail"] as? [String: Any])
            #expect((detail["strength"] as? String)?.isEmpty == false)
            #expect((detail["improvement"] as? String)?.isEmpty == false)
            let levels = try #require(detail["levels"] as? [[String: Any]])
            #expect(levels.count == 1)
            #expect(levels.first?["rank"] as? Int ?? 0 >= 10)
            #expect((value["question"] as? String)?.contains("nurse") == true)
        }
    }

    static var questionSchema: [String: Any] {
        [
            "type": "json_schema",
            "json_schema": [
                "name": "question", "strict": true,
                "schema": [
                    "type": "object", "additionalProperties": false, "required": ["question"],
                    "properties": ["question": ["type": "string"]],
                ] as [String: Any],
            ] as [String: Any],
        ]
    }

    /// The question the fake asks for `prompt`.
    func question(_ fakes: RunningFakes, prompt: String) async throws -> String {
        let reply = try await chat(
            fakes, chatBody([("system", "Ask one question."), ("user", prompt)], responseFormat: Self.questionSchema))
        let content = try #require(try assistantMessage(reply)["content"] as? String)
        let value = try #require(try JSONSerialization.jsonObject(with: Data(content.utf8)) as? [String: String])
        return try #require(value["question"])
    }

    @Test func samplingWordsTheSamePromptDifferently() async throws {
        try await withFakes { fakes, control in
            let prompt = "Role: nurse\nQuestion number 2"
            let first = try await question(fakes, prompt: prompt)
            #expect(try await question(fakes, prompt: prompt) == first)

            control.set(.openAIChat, FakeBehavior(sampled: true))
            let sampled = [try await question(fakes, prompt: prompt), try await question(fakes, prompt: prompt)]
            #expect(sampled[0] != sampled[1])
            // Still the template the prompt picks, so the fake's other rules (role, no repeats) hold.
            #expect(sampled.allSatisfy { $0.hasPrefix(first) && $0.contains("a nurse") }, "\(sampled)")
        }
    }

    @Test func questionNamesTheRoleAndVariesWithThePrompt() async throws {
        try await withFakes { fakes, _ in
            let schema = Self.questionSchema
            var questions: Set<String> = []
            for index in 0..<6 {
                let reply = try await chat(
                    fakes,
                    chatBody(
                        [("system", "Ask one question."), ("user", "Role: Data Analyst\nQuestion number \(index)")],
                        responseFormat: schema))
                let content = try #require(try assistantMessage(reply)["content"] as? String)
                let value = try #require(
                    try JSONSerialization.jsonObject(with: Data(content.utf8)) as? [String: String])
                let question = try #require(value["question"])
                #expect(question.contains("a Data Analyst"), "\(question)")
                questions.insert(question)
            }
            #expect(questions.count >= 2)

            let noRole = try await chat(fakes, chatBody([("user", "Ask me something")], responseFormat: schema))
            let content = try #require(try assistantMessage(noRole)["content"] as? String)
            #expect(content.contains("this role"))
        }
    }

    @Test func hypotheticalAnswerGetsTheFollowUp() async throws {
        try await withFakes { fakes, _ in
            let schema: [String: Any] = [
                "type": "json_schema",
                "json_schema": [
                    "name": "next", "strict": false,
                    "schema": ["type": "object", "properties": ["question": ["type": "string"]]] as [String: Any],
                ] as [String: Any],
            ]
            let reply = try await chat(
                fakes,
                chatBody(
                    [("user", "Role: chef\nQuestion: Tell me about a rush.\nAnswer: I would stay calm and plan.")],
                    responseFormat: schema))
            let content = try #require(try assistantMessage(reply)["content"] as? String)
            #expect(content.contains("Earlier you said what you would do. What did you actually do"))
        }
    }

    @Test func strictSchemaWithoutAdditionalPropertiesIsRejected() async throws {
        try await withFakes { fakes, _ in
            let schema: [String: Any] = [
                "type": "json_schema",
                "json_schema": [
                    "name": "loose", "strict": true,
                    "schema": [
                        "type": "object", "required": ["a"], "properties": ["a": ["type": "string"]],
                    ] as [String: Any],
                ] as [String: Any],
            ]
            let reply = try await chat(fakes, chatBody([("user", "hi")], responseFormat: schema))
            #expect(reply.status == 400)
            let error = try #require(try reply.json()["error"] as? [String: Any])
            #expect((error["message"] as? String)?.contains("additionalProperties") == true)
            #expect(error["type"] as? String == "invalid_request_error")
        }
    }

    @Test func refusalHasNullContent() async throws {
        try await withFakes { fakes, control in
            control.set(.openAIChat, .failing(.refusal))
            let reply = try await chat(fakes, chatBody([("user", "hi")], responseFormat: Self.feedbackSchema))
            #expect(reply.status == 200)
            let message = try assistantMessage(reply)
            #expect(message["content"] is NSNull)
            #expect(message["refusal"] as? String == "I can't help with that.")
        }
    }

    @Test func tokenLimitCutsTheAnswer() async throws {
        try await withFakes { fakes, _ in
            var body = chatBody([("user", "Role: pilot")], responseFormat: Self.feedbackSchema)
            body["max_completion_tokens"] = 5
            let reply = try await chat(fakes, body)
            let json = try reply.json()
            let choice = try #require((json["choices"] as? [[String: Any]])?.first)
            #expect(choice["finish_reason"] as? String == "length")
            let content = try #require(try assistantMessage(reply)["content"] as? String)
            #expect((try? JSONSerialization.jsonObject(with: Data(content.utf8))) == nil)
        }
    }

    @Test func streamingAnswersServerSentEvents() async throws {
        try await withFakes { fakes, _ in
            var body = chatBody([("user", "hello")])
            body["stream"] = true
            let reply = try await chat(fakes, body)
            #expect(reply.header("Content-Type")?.hasPrefix("text/event-stream") == true)
            let lines = reply.text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
            #expect(lines.last == "data: [DONE]")
            let text = lines.dropLast().compactMap { line -> String? in
                let json = try? JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: Any]
                let delta = (json?["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any]
                return delta?["content"] as? String
            }.joined()
            #expect(text == "Thanks for your answer. Let's move on to the next question.")
        }
    }

    @Test func badRequestsAreRejectedLikeOpenAI() async throws {
        try await withFakes { fakes, _ in
            let noModel = try await chat(fakes, ["messages": [["role": "user", "content": "hi"]]])
            #expect(noModel.status == 400)
            let noMessages = try await chat(fakes, ["model": "m", "messages": [] as [Any]])
            #expect(noMessages.status == 400)
            let badRole = try await chat(fakes, chatBody([("robot", "hi")]))
            #expect(badRole.status == 400)
            let jsonObjectWithoutWord = try await chat(
                fakes, chatBody([("user", "hi")], responseFormat: ["type": "json_object"]))
            #expect(jsonObjectWithoutWord.status == 400)
            let notJSON = try await fetch(
                fakes.openAIBaseURL + "/chat/completions", method: .POST, headers: openAIAuth, body: Array("{".utf8))
            #expect(notJSON.status == 400)
            #expect(try notJSON.json()["error"] is [String: Any])
        }
    }
}
