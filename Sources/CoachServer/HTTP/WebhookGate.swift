import CoachCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TwilioSupport

/// The door every Twilio request passes: reads the form (or query) fields, checks the signature,
/// runs the handler, and turns any error into TwiML that apologises and recovers, because a 5xx
/// makes Twilio play its application-error message and drop the caller. Logs one line per request.
struct WebhookGate: Sendable {
    let authToken: String?
    let publicBaseURL: String?
    let renderer: TwiMLRenderer
    let flow: CallFlow
    let voice: VoiceOver
    let metrics: LineMetrics
    let logger: Logger

    static let maxBody = 64 * 1024
    /// Twilio gives up on a webhook after 15 s. An answer not ready by this time (the database
    /// unreachable, say) is replaced by the apology, in time for the caller to hear it. The wait
    /// endpoint's own bound (`HOLD_WAIT_SECONDS`, at most 8) fits inside it.
    static let answerDeadlineSeconds = 12.0

    /// A webhook whose answer is TwiML.
    func twiml(
        _ route: String, _ request: Request,
        _ handler: @escaping @Sendable (TwilioParameters) async throws -> TwiMLDocument
    ) async -> Response {
        await timed(route) { started in await answer(route, request, handler, started: started) }
    }

    /// Runs `respond` and records how long it took in the route's webhook histogram.
    private func timed(_ route: String, _ respond: (ContinuousClock.Instant) async -> Response) async -> Response {
        let started = ContinuousClock.now
        let response = await respond(started)
        metrics.webhook(route: route, seconds: Self.seconds(since: started))
        return response
    }

    private func answer(
        _ route: String, _ request: Request,
        _ handler: @escaping @Sendable (TwilioParameters) async throws -> TwiMLDocument,
        started: ContinuousClock.Instant
    ) async -> Response {
        var request = request
        let params: TwilioParameters
        do {
            params = try await parameters(&request)
        } catch {
            log(route, nil, "unreadable request: \(error)", started)
            return apology()
        }
        guard verify(request, params) else {
            log(route, params, "forbidden: bad signature", started)
            return Response(status: .forbidden)
        }
        do {
            let voice = self.voice
            let (document, resolved) = try await withDeadline(seconds: Self.answerDeadlineSeconds) {
                let document = try await handler(params)
                return (document, await voice.resolve(document))
            }
            log(route, params, Self.outcome(of: document), started)
            return xml(renderer.render(resolved))
        } catch {
            log(route, params, "error, apologised: \(error)", started, level: .error)
            return apology()
        }
    }

    /// The apology in the voice it was warmed up in, without asking the database: whatever went
    /// wrong may be the database.
    private func apology() -> Response {
        xml(renderer.render(voice.resolveKnown(flow.apology())))
    }

    /// A callback whose answer Twilio ignores: always 204 once the signature is good.
    func callback(
        _ route: String, _ request: Request, _ handler: @Sendable (TwilioParameters) async throws -> Void
    ) async -> Response {
        await timed(route) { started in await store(route, request, handler, started: started) }
    }

    private func store(
        _ route: String, _ request: Request, _ handler: @Sendable (TwilioParameters) async throws -> Void,
        started: ContinuousClock.Instant
    ) async -> Response {
        var request = request
        guard let params = try? await parameters(&request) else {
            log(route, nil, "unreadable request", started)
            return Response(status: .noContent)
        }
        guard verify(request, params) else {
            log(route, params, "forbidden: bad signature", started)
            return Response(status: .forbidden)
        }
        do {
            try await handler(params)
            log(route, params, "stored", started)
        } catch {
            // Twilio does not retry callbacks on errors, so a 5xx would only add noise; log loudly instead.
            log(route, params, "error: \(error)", started, level: .error)
        }
        return Response(status: .noContent)
    }

    private func parameters(_ request: inout Request) async throws -> TwilioParameters {
        let queryPairs = request.uri.query.map(FormEncoding.decode) ?? []
        let ours = Dictionary(queryPairs, uniquingKeysWith: { first, _ in first })
        if request.method == .post {
            let body = try await request.collectBody(upTo: Self.maxBody)
            return TwilioParameters(pairs: FormEncoding.decode(bytes: Array(body.readableBytesView)), query: ours)
        }
        return TwilioParameters(pairs: queryPairs, query: ours)
    }

    /// X-Twilio-Signature over the URL Twilio requested. Behind a proxy only PUBLIC_BASE_URL knows
    /// that URL; without it we rebuild it from the Host header.
    private func verify(_ request: Request, _ params: TwilioParameters) -> Bool {
        guard let authToken else { return true }
        guard let signature = request.headers[.twilioSignature] else { return false }
        let signedParams = request.method == .post ? params.pairs : []
        return candidateURLs(request).contains {
            TwilioSignature.isValid(signature: signature, url: $0, parameters: signedParams, authToken: authToken)
        }
    }

    private func candidateURLs(_ request: Request) -> [String] {
        let target = request.uri.string
        if let publicBaseURL {
            // The base may carry a path prefix that a proxy strips before we see the request.
            return [publicBaseURL + target]
        }
        guard let host = request.head.authority else { return [] }
        let forwarded = request.headers[.xForwardedProto]?.lowercased()
        let schemes = forwarded.map { [$0] } ?? ["http", "https"]
        return schemes.map { "\($0)://\(host)\(target)" }
    }

    private func xml(_ text: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/xml; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func seconds(since started: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    private func log(
        _ route: String, _ params: TwilioParameters?, _ outcome: String, _ started: ContinuousClock.Instant,
        level: Logger.Level = .info
    ) {
        let milliseconds = Self.seconds(since: started) * 1000
        logger.log(
            level: level, "webhook",
            metadata: [
                "route": "\(route)", "call_sid": "\(params?.callSid ?? "-")", "from": "\(params?.caller.masked ?? "-")",
                "outcome": "\(outcome)", "latency_ms": "\(String(format: "%.1f", milliseconds))",
            ])
    }

    /// A short description of what the caller gets next, for the log line.
    static func outcome(of document: TwiMLDocument) -> String {
        for verb in document.verbs {
            switch verb {
            case .gather: return "menu"
            case .record: return "question"
            case .redirect(let url) where url.contains(Route.continueInterview(question: 1, attempt: 1).path):
                return "hold"
            case .redirect: return "redirect"
            case .hangup: return "hangup"
            case .speak: continue
            }
        }
        return "twiml"
    }
}

extension HTTPField.Name {
    static let twilioSignature = Self("X-Twilio-Signature")!
    static let xForwardedProto = Self("X-Forwarded-Proto")!
}
