import CoachCore
import CoachStore
import Foundation
import Hummingbird

/// URL -> handler. The seed system's paths stay so an existing Twilio number keeps working; each
/// webhook accepts POST (Twilio's default) and GET (a number can be configured either way).
struct Routes {
    let gate: WebhookGate
    let calls: CallService
    let store: SQLStore
    let library: AudioLibrary
    let metrics: LineMetrics

    func register(on router: Router<BasicRequestContext>) {
        let calls = self.calls
        let gate = self.gate
        twiml(router, Route.voice(resume: false).path) { try await calls.incomingCall($0) }
        twiml(router, Route.menu(attempt: 1).path) { try await calls.menu($0) }
        twiml(router, Route.role(attempt: 1).path) { try await calls.chooseRole($0) }
        twiml(router, Route.startInterview.path) { try await calls.startInterview($0) }
        twiml(router, Route.response(question: 1).path) { try await calls.answerRecorded($0) }
        twiml(router, Route.continueInterview(question: 1, attempt: 1).path) { try await calls.continueInterview($0) }
        twiml(router, Route.fallback.path) { calls.fallback($0) }
        for (path, handler) in [
            (Route.status.path, calls.callStatus),
            (Route.transcription.path, calls.transcription),
            (Route.recordingStatus.path, calls.recordingStatus),
        ] as [(String, @Sendable (TwilioParameters) async throws -> Void)] {
            for method in [HTTPRequest.Method.post, .get] {
                router.on(RouterPath(path), method: method) { request, _ in
                    await gate.callback(path, request, handler)
                }
            }
        }

        let library = self.library
        router.get("/audio/:file") { _, context in
            try await Self.audio(file: context.parameters.get("file") ?? "", library: library)
        }
        router.get("/health") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: .init(string: "ok\n")))
        }
        let metrics = self.metrics
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: .init(string: await metrics.scrape())))
        }
        router.get("/ready") { _, _ in
            do {
                // A database that stopped answering must not hold the probe for as long as the pool
                // keeps trying to reconnect.
                try await withDeadline(seconds: 5) { try await store.ping() }
                return Response(
                    status: .ok, headers: [.contentType: "text/plain"],
                    body: .init(byteBuffer: .init(string: "ready\n")))
            } catch {
                return Response(
                    status: .serviceUnavailable, headers: [.contentType: "text/plain"],
                    body: .init(byteBuffer: .init(string: "database unreachable\n")))
            }
        }
    }

    private func twiml(
        _ router: Router<BasicRequestContext>, _ path: String,
        _ handler: @escaping @Sendable (TwilioParameters) async throws -> TwiMLDocument
    ) {
        let gate = self.gate
        for method in [HTTPRequest.Method.post, .get] {
            router.on(RouterPath(path), method: method) { request, _ in
                await gate.twiml(path, request, handler)
            }
        }
    }

    /// Stored telephone audio by content key. Keys are hashes, so the bytes behind a URL never change:
    /// Twilio and every proxy may cache them for good.
    static func audio(file: String, library: AudioLibrary) async throws -> Response {
        guard file.hasSuffix(".wav"), AudioLibrary.isValidKey(String(file.dropLast(4))) else {
            return Response(status: .notFound)
        }
        guard let entry = try await library.audio(key: String(file.dropLast(4))) else {
            return Response(status: .notFound)
        }
        return Response(
            status: .ok,
            headers: [.contentType: entry.contentType, .cacheControl: "public, max-age=31536000, immutable"],
            body: .init(byteBuffer: entry.bytes))
    }
}
