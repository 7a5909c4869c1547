import Foundation
import Hummingbird

/// The OpenAI endpoints (chat, transcription, speech) and what they share: Bearer auth, the `{"error": {...}}`
/// shape, `x-request-id` on every answer and the rate-limit headers.
struct FakeOpenAI: Sendable {
    let control: FakeControl

    func register(on router: Router<FakeRequestContext>) {
        let chat = FakeOpenAIChat()
        let transcription = FakeOpenAITranscription(control: control)
        let speech = FakeOpenAISpeech()
        router.post("/v1/chat/completions") { request, context in
            let sampled = control.behavior(.openAIChat).sampled
            return await serve(.openAIChat, request, context) { received, failure in
                chat.answer(received, failure: failure, sampled: sampled)
            }
        }
        router.post("/v1/audio/transcriptions") { request, context in
            await serve(.openAITranscription, request, context, answer: transcription.answer)
        }
        router.post("/v1/audio/speech") { request, context in
            await serve(.openAISpeech, request, context) { received, _ in speech.answer(received) }
        }
    }

    /// Log, wait, check the key, apply the configured failure, then let the endpoint answer.
    /// The endpoint sees the failure too, for the kinds only it can produce (a refusal).
    private func serve(
        _ service: FakeService,
        _ request: Request,
        _ context: FakeRequestContext,
        answer: (ReceivedRequest, FakeFailure?) -> FakeReply
    ) async -> Response {
        let received = await ReceivedRequest.receive(request, context: context, service: service, control: control)
        let behavior = control.behavior(service)
        try? await behavior.sleepLatency()
        var reply: FakeReply
        if !Self.hasBearerKey(received) {
            reply = OpenAIError.missingKey
        } else {
            let failure = control.takeFailure(service)
            if let failure, let status = failure.httpStatus {
                reply = OpenAIError.failure(failure, status: status, behavior: behavior)
            } else {
                reply = answer(received, failure)
                if reply.status == 200 {
                    if failure == .malformedJSON { reply = reply.malformed() }
                    if failure == .truncatedBody { reply = reply.truncated() }
                }
            }
        }
        let remaining = reply.status == 429 || reply.status == 503 ? "0" : "4999"
        return
            reply
            .adding("x-request-id", "req_fake\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())")
            .adding("x-ratelimit-limit-requests", "5000")
            .adding("x-ratelimit-remaining-requests", remaining)
            .response
    }

    static func hasBearerKey(_ request: ReceivedRequest) -> Bool {
        guard let value = request.header("Authorization") else { return false }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return false }
        return !parts[1].trimmingCharacters(in: .whitespaces).isEmpty
    }
}

/// OpenAI's error bodies: `{"error": {"message", "type", "param", "code"}}`.
enum OpenAIError {
    static func reply(
        status: Int,
        message: String,
        type: String = "invalid_request_error",
        param: String? = nil,
        code: String? = nil,
        headers: [(String, String)] = []
    ) -> FakeReply {
        .json(
            ["error": ["message": .string(message), "type": .string(type), "param": param.json, "code": code.json]],
            status: status,
            headers: headers
        )
    }

    static func badRequest(_ message: String, param: String? = nil, code: String? = nil) -> FakeReply {
        reply(status: 400, message: message, param: param, code: code)
    }

    static let missingKey = reply(
        status: 401,
        message: "You didn't provide an API key. You need to provide your API key in an Authorization header "
            + "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        code: "invalid_api_key"
    )

    /// The answer for a configured failure with a status.
    static func failure(_ failure: FakeFailure, status: Int, behavior: FakeBehavior) -> FakeReply {
        let retry = FakeReply.retryHeaders(behavior)
        switch failure {
        case .insufficientQuota:
            return reply(
                status: 429,
                message: "You exceeded your current quota, please check your plan and billing details.",
                type: "insufficient_quota", code: "insufficient_quota", headers: retry)
        case .rateLimited:
            return reply(
                status: 429,
                message: "Rate limit reached for requests per min (RPM): Limit 3, Used 3, Requested 1. "
                    + "Please try again in \(behavior.retryAfterSeconds)s.",
                type: "requests", code: "rate_limit_exceeded", headers: retry)
        case .unavailable:
            return reply(
                status: 503, message: "The engine is currently overloaded, please try again later.",
                type: "server_error", headers: retry)
        case .serverError:
            return reply(
                status: 500, message: "The server had an error while processing your request. Sorry about that!",
                type: "server_error")
        case .unauthorized:
            return reply(
                status: 401, message: "Incorrect API key provided: sk-fake***. (fake failure)",
                code: "invalid_api_key")
        case .paymentRequired:
            return reply(
                status: 402, message: "Billing is not active for this account. (fake failure)",
                code: "billing_not_active")
        case .forbidden:
            return reply(
                status: 403, message: "Country, region, or territory not supported. (fake failure)",
                type: "request_forbidden", code: "unsupported_country_region_territory")
        case .notReady:
            return reply(
                status: 404, message: "The model does not exist or you do not have access to it. (fake failure)",
                code: "model_not_found")
        default:
            return reply(status: status, message: "Fake failure \(failure.rawValue).")
        }
    }
}
