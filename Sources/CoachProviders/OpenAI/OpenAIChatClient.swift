import Foundation
import Logging
import NIOHTTP1

/// One message of a chat completion request.
public struct ChatMessage: Sendable, Equatable, Codable {
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }

    public static func system(_ content: String) -> ChatMessage { ChatMessage(role: "system", content: content) }
    public static func user(_ content: String) -> ChatMessage { ChatMessage(role: "user", content: content) }
}

/// Chat completions with structured output: the model must answer JSON that matches a strict schema, and
/// anything else (a refusal, a cut-off or filtered answer, JSON of the wrong shape) is a `ProviderError`.
public final class OpenAIChatClient: Sendable {
    public let configuration: OpenAIConfiguration
    /// Shared by everything that uses this client: one breaker and one set of counters for the chat endpoint.
    public let transport: ProviderHTTPClient

    public init(configuration: OpenAIConfiguration, transport: ProviderHTTPClient? = nil, logger: Logger) {
        self.configuration = configuration
        self.transport = transport ?? ProviderHTTPClient(provider: "openai-chat", logger: logger)
    }

    /// Asks for one JSON object matching `schema`, decodes it as `T` and runs `validate` on it (so that a
    /// rejected answer is counted like any other failure).
    public func structured<T: Decodable & Sendable>(
        _ type: T.Type, schemaName: String, schema: JSONValue, messages: [ChatMessage], temperature: Double = 0.7,
        maxCompletionTokens: Int = 400, validate: (T) throws(ProviderError) -> Void = { _ in }
    ) async throws -> T {
        let body = ChatRequest(
            model: configuration.model, messages: messages, temperature: temperature,
            maxCompletionTokens: maxCompletionTokens,
            responseFormat: .init(jsonSchema: .init(name: schemaName, strict: true, schema: schema)))
        var headers = HTTPHeaders(configuration.authorization)
        headers.add(name: "User-Agent", value: "CoachLine")
        let request = try ProviderRequest.json(
            url: configuration.url("/chat/completions"), headers: headers, body: body)
        return try await transport.send(request, timeoutSeconds: configuration.timeoutSeconds) {
            (response) throws(ProviderError) -> T in
            let content = try Self.content(of: response)
            let value: T
            do {
                value = try JSONDecoder().decode(T.self, from: Data(content.utf8))
            } catch {
                throw .malformedResponse("\(schemaName) content does not match its schema: \(content.prefix(120))")
            }
            try validate(value)
            return value
        }
    }

    /// The text of the first choice, after the refusal and finish-reason checks.
    static func content(of response: ProviderResponse) throws(ProviderError) -> String {
        let completion = try response.decodeJSON(ChatResponse.self, what: "chat completion")
        guard let choice = completion.choices.first else { throw .malformedResponse("chat completion without choices") }
        if let refusal = choice.message.refusal, !refusal.isEmpty { throw .refusal(refusal) }
        switch choice.finishReason {
        case "length": throw .malformedResponse("answer cut off at the token limit")
        case "content_filter": throw .refusal("stopped by the content filter")
        default: break
        }
        guard let content = choice.message.content, !content.isEmpty else {
            throw .malformedResponse("chat completion without content")
        }
        return stripCodeFence(content)
    }

    /// Some compatible servers wrap JSON in a Markdown code fence even in JSON mode.
    static func stripCodeFence(_ text: String) -> String {
        var trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("```"), trimmed.hasSuffix("```"), trimmed.count >= 6 else { return trimmed }
        trimmed = String(trimmed.dropFirst(3).dropLast(3))
        if let newline = trimmed.firstIndex(of: "\n") { trimmed = String(trimmed[trimmed.index(after: newline)...]) }
        return trimmed.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

private struct ChatRequest: Encodable {
    struct ResponseFormat: Encodable {
        struct Schema: Encodable {
            var name: String
            var strict: Bool
            var schema: JSONValue
        }
        var type = "json_schema"
        var jsonSchema: Schema

        enum CodingKeys: String, CodingKey {
            case type
            case jsonSchema = "json_schema"
        }
    }

    var model: String
    var messages: [ChatMessage]
    var temperature: Double
    var maxCompletionTokens: Int
    var responseFormat: ResponseFormat

    enum CodingKeys: String, CodingKey {
        case model, messages, temperature
        case maxCompletionTokens = "max_completion_tokens"
        case responseFormat = "response_format"
    }
}

private struct ChatResponse: Decodable {
    struct Choice: Decodable {
        struct Message: Decodable {
            var content: String?
            var refusal: String?
        }
        var message: Message
        var finishReason: String?

        enum CodingKeys: String, CodingKey {
            case message
            case finishReason = "finish_reason"
        }
    }
    var choices: [Choice]
}
