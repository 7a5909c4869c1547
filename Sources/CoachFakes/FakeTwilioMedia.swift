import Foundation
import Hummingbird

/// Twilio's recording media: `GET /2010-04-01/Accounts/{AccountSid}/Recordings/{RecordingSid}.wav`, answered with a
/// 302 to an unauthenticated storage URL, as Twilio redirects to signed storage.
///
/// Only WAV is served: `.mp3` (and any other extension) answers 404, since the fake has no MP3 encoder.
struct FakeTwilioMedia: Sendable {
    let control: FakeControl
    let baseURL: BaseURL

    func register(on router: Router<FakeRequestContext>) {
        router.get("/2010-04-01/Accounts/:accountSid/Recordings/:file") { request, context in
            await recording(request, context)
        }
        router.get("/_fake/media/:file") { request, context in
            _ = await ReceivedRequest.receive(request, context: context, service: .twilioMedia, control: control)
            let sid = Self.sid(from: context.parameters.get("file") ?? "")
            guard let sid, let recording = control.recording(sid: sid) else {
                return TwilioError.notFound.response
            }
            return FakeReply(contentType: "audio/x-wav", body: [UInt8](recording.wav)).response
        }
    }

    private func recording(_ request: Request, _ context: FakeRequestContext) async -> Response {
        let received = await ReceivedRequest.receive(request, context: context, service: .twilioMedia, control: control)
        let behavior = control.behavior(.twilioMedia)
        try? await behavior.sleepLatency()
        let accountSid = context.parameters.get("accountSid") ?? ""
        if let credentials = control.twilioCredentials {
            guard let given = Self.basicCredentials(received), given == (credentials.accountSid, credentials.authToken)
            else {
                return TwilioError.unauthorized.response
            }
            // Credentials only open their own account's recordings.
            guard accountSid == credentials.accountSid else { return TwilioError.notFound.response }
        }
        guard let sid = Self.sid(from: context.parameters.get("file") ?? ""),
            let recording = control.recording(sid: sid)
        else {
            return TwilioError.notFound.response
        }
        // notReady counts per recording: "404 until the file is written" is about one recording.
        let failure = control.takeFailure(.twilioMedia, key: behavior.failure == .notReady ? sid : "")
        switch failure {
        case .notReady?:
            return TwilioError.notFound.response
        case let failure? where failure.httpStatus != nil:
            return TwilioError.failure(failure, behavior: behavior).response
        case .malformedJSON?:
            return FakeReply(contentType: "audio/x-wav", body: []).malformed().response
        case .truncatedBody?:
            // Served directly: a WAV whose data chunk promises more than arrives.
            return FakeReply(contentType: "audio/x-wav", body: [UInt8](recording.wav)).truncated().response
        default:
            return FakeReply.empty(status: 302, headers: [("Location", "\(baseURL.value)/_fake/media/\(sid).wav")])
                .response
        }
    }

    /// `RE123.wav` or `RE123` (Twilio's default is WAV) to `RE123`; other extensions to nil.
    static func sid(from file: String) -> String? {
        if file.hasSuffix(".wav") { return String(file.dropLast(4)) }
        return file.contains(".") || file.isEmpty ? nil : file
    }

    static func basicCredentials(_ request: ReceivedRequest) -> (String, String)? {
        guard let header = request.header("Authorization") else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
            let decoded = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
            let text = String(data: decoded, encoding: .utf8)
        else { return nil }
        let pair = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        return pair.count == 2 ? (pair[0], pair[1]) : nil
    }
}

/// Twilio REST error bodies: `{"code", "message", "more_info", "status"}`.
enum TwilioError {
    static func reply(status: Int, code: Int, message: String, headers: [(String, String)] = []) -> FakeReply {
        .json(
            [
                "code": .int(code), "message": .string(message),
                "more_info": .string("https://www.twilio.com/docs/errors/\(code)"), "status": .int(status),
            ], status: status, headers: headers)
    }

    static let notFound = reply(status: 404, code: 20404, message: "The requested resource was not found")
    static let unauthorized = reply(
        status: 401, code: 20003, message: "Authenticate", headers: [("WWW-Authenticate", "Basic realm=\"Twilio API\"")]
    )

    static func failure(_ failure: FakeFailure, behavior: FakeBehavior) -> FakeReply {
        let status = failure == .insufficientQuota ? 429 : failure.httpStatus ?? 500
        switch status {
        case 401: return unauthorized
        case 429:
            return reply(
                status: 429, code: 20429, message: "Too Many Requests", headers: FakeReply.retryHeaders(behavior))
        case 503:
            return reply(
                status: 503, code: 20503, message: "Service unavailable", headers: FakeReply.retryHeaders(behavior))
        case 500: return reply(status: 500, code: 20500, message: "Internal Server Error")
        default: return reply(status: status, code: 20000 + status, message: "Fake failure \(failure.rawValue)")
        }
    }
}
