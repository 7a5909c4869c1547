import Logging
import TwilioSupport

/// Sends one request the way Twilio does: form body or query, signature, time limit.
struct WebhookClient: Sendable {
    let transport: any SimTransport
    let authToken: String?
    let timeLimit: Duration
    let logger: Logger

    enum Failure: Sendable {
        case transport(String)
        case timeLimitExceeded(Duration)

        /// Twilio's error code for it.
        var code: Int {
            switch self {
            case .transport: 11200
            case .timeLimitExceeded: 11205
            }
        }

        var message: String {
            switch self {
            case .transport(let reason): "HTTP retrieval failure: \(reason)"
            case .timeLimitExceeded(let limit): "no complete answer within \(limit)"
            }
        }
    }

    struct Outcome: Sendable {
        var request: SimRequest
        var signature: String?
        var response: SimResponse?
        var failure: Failure?
        var latency: Duration
    }

    func send(method: String, url: String, parameters: [(String, String)], maxResponseBytes: Int = 1 << 20) async
        -> Outcome
    {
        let target = RequestTarget(url)
        let limit = target.totalTimeout ?? timeLimit
        var request = SimRequest(
            method: method,
            url: target.url,
            headers: [("User-Agent", "TwilioProxy/1.1"), ("Accept", "*/*")],
            // The transport's own deadline is a backstop; the race below is what enforces the limit.
            timeout: limit + .seconds(1),
            maxResponseBytes: maxResponseBytes
        )
        if method == "GET" {
            if !parameters.isEmpty {
                let separator = target.url.contains("?") ? (target.url.hasSuffix("?") ? "" : "&") : "?"
                request.url = target.url + separator + FormEncoding.encode(parameters)
            }
        } else {
            request.headers.append(("Content-Type", "application/x-www-form-urlencoded"))
            request.body = Array(FormEncoding.encode(parameters).utf8)
        }
        var signature: String?
        if let authToken {
            let signed = method == "GET" ? [] : parameters
            let value = TwilioSignature.compute(url: request.url, parameters: signed, authToken: authToken)
            request.headers.append((TwilioSignature.headerName, value))
            signature = value
        }
        let started = ContinuousClock.now
        let sendable = request
        do {
            let response = try await Self.withTimeLimit(limit) { [transport] in
                try await transport.send(sendable)
            }
            return Outcome(
                request: request, signature: signature, response: response,
                latency: response.elapsed ?? ContinuousClock.now - started)
        } catch is TimeLimitExceeded {
            logger.debug("webhook time limit exceeded", metadata: ["url": "\(request.url)"])
            return Outcome(
                request: request, signature: signature, failure: .timeLimitExceeded(limit),
                latency: ContinuousClock.now - started)
        } catch {
            return Outcome(
                request: request, signature: signature, failure: .transport(String(describing: error)),
                latency: ContinuousClock.now - started)
        }
    }

    private struct TimeLimitExceeded: Error {}

    /// Runs `operation`, cancelling it when `limit` passes first.
    static func withTimeLimit<T: Sendable>(
        _ limit: Duration,
        operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw TimeLimitExceeded()
            }
            return value
        }
    }
}

/// A webhook URL as configured: Twilio never sends the fragment, which may carry
/// connection overrides (`#ct=..&rt=..&tt=..`).
struct RequestTarget {
    var url: String
    /// `tt`: total time allowed, in milliseconds.
    var totalTimeout: Duration?

    init(_ raw: String) {
        guard let hash = raw.firstIndex(of: "#") else {
            url = raw
            return
        }
        url = String(raw[..<hash])
        let overrides = FormEncoding.decode(String(raw[raw.index(after: hash)...]))
        if let tt = overrides.first(where: { $0.0 == "tt" }).flatMap({ Int($0.1) }), tt > 0 {
            totalTimeout = .milliseconds(min(tt, 15_000))
        }
    }
}
