import Foundation

/// `POST /v1/chat/completions`: validates the request as OpenAI does and answers from the schema when structured
/// output is asked for.
struct FakeOpenAIChat: Sendable {
    static let roles: Set<String> = ["system", "developer", "user", "assistant", "tool"]
    static let refusalText = "I can't help with that."

    /// `sampled`: vary the words of a question from one request to the next (`FakeBehavior.sampled`).
    func answer(_ request: ReceivedRequest, failure: FakeFailure?, sampled: Bool = false) -> FakeReply {
        guard let body = JSONValue.parse(request.body), case .object = body else {
            return OpenAIError.badRequest(
                "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your "
                    + "HTTP library correctly. The OpenAI API expects a JSON payload.)")
        }
        guard let model = body["model"]?.stringValue, !model.isEmpty else {
            return OpenAIError.badRequest("you must provide a model parameter", param: "model")
        }
        let texts: [String]
        switch messageTexts(body["messages"]) {
        case .success(let value): texts = value
        case .failure(let error): return error.reply
        }
        let content: String
        switch makeContent(for: body["response_format"], texts: texts, sampled: sampled) {
        case .success(let value): content = value
        case .failure(let error): return error.reply
        }

        var finishReason = "stop"
        var finalContent: String? = content
        var refusal: String?
        if failure == .refusal {
            finalContent = nil
            refusal = Self.refusalText
        } else if let limit = (body["max_completion_tokens"] ?? body["max_tokens"])?.intValue,
            Self.tokens(content) > limit
        {
            // Cut like a model that ran out of tokens: a structured answer stops being valid JSON.
            finalContent = String(content.prefix(max(0, limit) * 4))
            finishReason = "length"
        }
        let promptTokens = Self.tokens(texts.joined())
        let completionTokens = Self.tokens(finalContent ?? refusal ?? "")
        let completion = Completion(
            id: "chatcmpl-fake\(UUID().uuidString.prefix(8).lowercased())",
            created: Int(Date().timeIntervalSince1970),
            model: model,
            content: finalContent,
            refusal: refusal,
            finishReason: finishReason,
            promptTokens: promptTokens,
            completionTokens: completionTokens
        )
        if body["stream"]?.boolValue == true {
            return FakeReply(contentType: "text/event-stream", body: Array(completion.serverSentEvents.utf8))
        }
        return .json(completion.json)
    }

    /// Roughly four characters a token, at least one.
    static func tokens(_ text: String) -> Int {
        max(1, text.count / 4)
    }

    /// The text of every message; content may be a string or a list of `{"type":"text","text":...}` parts.
    private func messageTexts(_ value: JSONValue?) -> Result<[String], RequestError> {
        guard let messages = value?.arrayValue else {
            return .failure(RequestError("Missing required parameter: 'messages'.", param: "messages"))
        }
        guard !messages.isEmpty else {
            return .failure(RequestError("[] is too short - 'messages'", param: "messages"))
        }
        var texts: [String] = []
        for (index, message) in messages.enumerated() {
            guard let role = message["role"]?.stringValue else {
                return .failure(
                    RequestError(
                        "Missing required parameter: 'messages[\(index)].role'.", param: "messages[\(index)].role"))
            }
            guard Self.roles.contains(role) else {
                return .failure(
                    RequestError(
                        "Invalid value: '\(role)'. Supported values are: 'system', 'assistant', 'user', 'tool', "
                            + "'function' and 'developer'.",
                        param: "messages[\(index)].role", code: "invalid_value"))
            }
            switch message["content"] {
            case .string(let text)?:
                texts.append(text)
            case .array(let parts)?:
                texts.append(parts.compactMap { $0["text"]?.stringValue }.joined(separator: "\n"))
            case .null? where role == "assistant":
                break
            default:
                return .failure(
                    RequestError(
                        "Missing required parameter: 'messages[\(index)].content'.",
                        param: "messages[\(index)].content"))
            }
        }
        return .success(texts)
    }

    private func makeContent(for format: JSONValue?, texts: [String], sampled: Bool) -> Result<String, RequestError> {
        var text = FakeInterviewText(messages: texts)
        if sampled { text.sample = UInt32.random(in: 0...UInt32.max) }
        guard let format, format != .null else { return .success(text.plainReply) }
        switch format["type"]?.stringValue {
        case "text":
            return .success(text.plainReply)
        case "json_object":
            guard texts.contains(where: { $0.range(of: "json", options: .caseInsensitive) != nil }) else {
                return .failure(
                    RequestError(
                        "'messages' must contain the word 'json' in some form, to use 'response_format' of type "
                            + "'json_object'.", param: "messages"))
            }
            return .success(JSONValue.object(["text": .string(text.plainReply)]).encodedString)
        case "json_schema":
            guard let wrapper = format["json_schema"], case .object = wrapper else {
                return .failure(
                    RequestError(
                        "Missing required parameter: 'response_format.json_schema'.",
                        param: "response_format.json_schema", code: "missing_required_parameter"))
            }
            guard let name = wrapper["name"]?.stringValue else {
                return .failure(
                    RequestError(
                        "Missing required parameter: 'response_format.json_schema.name'.",
                        param: "response_format.json_schema.name", code: "missing_required_parameter"))
            }
            guard Self.isValidSchemaName(name) else {
                return .failure(
                    RequestError(
                        "Invalid 'response_format.json_schema.name': string does not match pattern. Expected a "
                            + "string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
                        param: "response_format.json_schema.name", code: "invalid_value"))
            }
            let schema = wrapper["schema"] ?? .object([:])
            if wrapper["strict"]?.boolValue == true {
                if let problem = StrictSchemaCheck.problem(in: schema) {
                    return .failure(
                        RequestError(
                            "Invalid schema for response_format '\(name)': \(problem)", param: "response_format"))
                }
            }
            return .success(SchemaValueGenerator(root: schema, text: text).value().encodedString)
        case let other:
            return .failure(
                RequestError(
                    "Invalid value: '\(other ?? "null")'. Supported values are: 'json_object', 'json_schema', and "
                        + "'text'.", param: "response_format.type", code: "invalid_value"))
        }
    }

    static func isValidSchemaName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64
            && name.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == "-")
            }
    }

    struct RequestError: Error {
        var message: String
        var param: String?
        var code: String?

        init(_ message: String, param: String? = nil, code: String? = nil) {
            self.message = message
            self.param = param
            self.code = code
        }

        var reply: FakeReply { OpenAIError.badRequest(message, param: param, code: code) }
    }
}

/// The answer, in the two wire forms.
private struct Completion {
    var id: String
    var created: Int
    var model: String
    var content: String?
    var refusal: String?
    var finishReason: String
    var promptTokens: Int
    var completionTokens: Int

    var json: JSONValue {
        [
            "id": .string(id), "object": "chat.completion", "created": .int(created), "model": .string(model),
            "choices": [
                [
                    "index": 0,
                    "message": ["role": "assistant", "content": content.json, "refusal": refusal.json],
                    "logprobs": nil,
                    "finish_reason": .string(finishReason),
                ]
            ],
            "usage": [
                "prompt_tokens": .int(promptTokens), "completion_tokens": .int(completionTokens),
                "total_tokens": .int(promptTokens + completionTokens),
            ],
        ]
    }

    /// `data: {chunk}` lines: the role, the content (or refusal) in small pieces, the finish reason, `[DONE]`.
    var serverSentEvents: String {
        var deltas: [JSONValue] = [["role": "assistant", "content": "", "refusal": nil]]
        let (key, text) = content.map { ("content", $0) } ?? ("refusal", refusal ?? "")
        var rest = Substring(text)
        while !rest.isEmpty {
            deltas.append(.object([key: .string(String(rest.prefix(24)))]))
            rest = rest.dropFirst(24)
        }
        var lines = deltas.map { chunk(delta: $0, finishReason: nil) }
        lines.append(chunk(delta: [:], finishReason: .string(finishReason)))
        return lines.map { "data: \($0.encodedString)\n\n" }.joined() + "data: [DONE]\n\n"
    }

    private func chunk(delta: JSONValue, finishReason: JSONValue) -> JSONValue {
        [
            "id": .string(id), "object": "chat.completion.chunk", "created": .int(created), "model": .string(model),
            "choices": [["index": 0, "delta": delta, "finish_reason": finishReason]],
        ]
    }
}

/// OpenAI's strict structured-output rules, which reject a schema before any generation: every object says
/// `additionalProperties: false` and lists every property in `required`.
enum StrictSchemaCheck {
    static func problem(in schema: JSONValue) -> String? {
        if schema["type"]?.stringValue != "object" {
            return
                "schema must be a JSON Schema of 'type: \"object\"', got 'type: \"\(schema["type"]?.stringValue ?? "None")\"'."
        }
        return problem(in: schema, context: [])
    }

    private static func problem(in schema: JSONValue, context: [String]) -> String? {
        guard case .object(let fields) = schema else { return nil }
        let location =
            "In context=(\(context.map { "'\($0)'" }.joined(separator: ", "))\(context.count == 1 ? "," : ""))"
        if fields["type"]?.stringValue == "object" || fields["properties"] != nil {
            if fields["additionalProperties"] != .bool(false) {
                return "\(location), 'additionalProperties' is required to be supplied and to be false."
            }
            let properties = fields["properties"]?.objectValue ?? [:]
            let required = Set(fields["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            if let missing = properties.keys.sorted().first(where: { !required.contains($0) }) {
                return "\(location), 'required' is required to be supplied and to be an array including every key in "
                    + "properties. Missing '\(missing)'."
            }
            for key in properties.keys.sorted() {
                if let problem = problem(in: properties[key]!, context: context + ["properties", key]) {
                    return problem
                }
            }
        }
        if let items = fields["items"], let problem = problem(in: items, context: context + ["items"]) {
            return problem
        }
        for keyword in ["anyOf", "$defs", "definitions"] {
            if let branches = fields[keyword]?.arrayValue {
                for (index, branch) in branches.enumerated() {
                    if let problem = problem(in: branch, context: context + [keyword, String(index)]) {
                        return problem
                    }
                }
            }
            if let definitions = fields[keyword]?.objectValue {
                for key in definitions.keys.sorted() {
                    if let problem = problem(in: definitions[key]!, context: context + [keyword, key]) {
                        return problem
                    }
                }
            }
        }
        return nil
    }
}
