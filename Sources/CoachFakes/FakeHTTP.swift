import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import NIOCore
import Synchronization

/// The request context of every fake route: WebSocket-capable (Murf streams), with room for a 25 MB+ upload so the
/// transcriber fake can answer 413 itself, and a note the WebSocket upgrade leaves for its handler.
struct FakeRequestContext: RequestContext, WebSocketRequestContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<FakeRequestContext>
    let upgradeNote: UpgradeNote

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        upgradeNote = UpgradeNote(channel: source.channel)
    }

    /// Above OpenAI's 25 MB so an oversize file reaches the fake and gets OpenAI's 413, not Hummingbird's.
    var maxUploadSize: Int { 40 * 1024 * 1024 }
}

/// What the WebSocket upgrade decided (the failure for this connection) and the channel, so a dropped stream can
/// close the socket itself. A class because the context is copied between the upgrade check and the handler.
final class UpgradeNote: Sendable {
    let channel: any Channel
    private let decided = Mutex<FakeFailure?>(nil)

    init(channel: any Channel) {
        self.channel = channel
    }

    var failure: FakeFailure? {
        get { decided.withLock { $0 } }
        set { decided.withLock { $0 = newValue } }
    }
}

/// An HTTP request with its body read, as the fakes see it.
struct ReceivedRequest: Sendable {
    var method: String
    var path: String
    var query: String?
    var headers: [(String, String)]
    var body: [UInt8]
    /// The body was larger than the context allows; `body` is empty then.
    var bodyTooLarge = false

    func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }

    /// Reads the body and logs the request under `service` before anything else happens.
    static func receive(
        _ request: Request,
        context: FakeRequestContext,
        service: FakeService,
        control: FakeControl
    ) async -> ReceivedRequest {
        var received = ReceivedRequest(
            method: request.method.rawValue,
            path: request.uri.path,
            query: request.uri.query,
            headers: request.headers.map { ($0.name.rawName, $0.value) },
            body: []
        )
        do {
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            received.body = Array(buffer.readableBytesView)
        } catch {
            received.bodyTooLarge = true
        }
        control.log(received.log(service))
        return received
    }

    func log(_ service: FakeService) -> FakeRequestLog {
        FakeRequestLog(service: service, method: method, path: path, query: query, headers: headers, body: body)
    }
}

/// A complete answer held as bytes, so a failure can cut it in half before it is sent.
struct FakeReply: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    init(status: Int = 200, contentType: String?, body: [UInt8], headers: [(String, String)] = []) {
        self.status = status
        self.headers = (contentType.map { [("Content-Type", $0)] } ?? []) + headers
        self.body = body
    }

    static func json(_ value: JSONValue, status: Int = 200, headers: [(String, String)] = []) -> FakeReply {
        FakeReply(status: status, contentType: "application/json", body: value.encoded, headers: headers)
    }

    static func empty(status: Int, headers: [(String, String)] = []) -> FakeReply {
        FakeReply(status: status, contentType: nil, body: [], headers: headers)
    }

    /// The first half of the body, sent with a Content-Length that matches, so the transfer itself is complete.
    func truncated() -> FakeReply {
        var reply = self
        reply.body = Array(body.prefix(body.count / 2))
        return reply
    }

    /// A gateway's HTML page where JSON (or audio) was promised; the Content-Type still claims the real type.
    func malformed() -> FakeReply {
        var reply = self
        reply.status = 200
        reply.body = Array("<html><body><h1>502 Bad Gateway</h1>upstream sent garbage</body></html>".utf8)
        return reply
    }

    func adding(_ name: String, _ value: String) -> FakeReply {
        var reply = self
        reply.headers.append((name, value))
        return reply
    }

    var response: Response {
        var fields = HTTPFields()
        for (name, value) in headers {
            if let fieldName = HTTPField.Name(name) {
                fields.append(HTTPField(name: fieldName, value: value))
            }
        }
        return Response(
            status: HTTPResponse.Status(code: status),
            headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
        )
    }

    /// Retry-After in whole seconds (the header has no fractions) plus the exact wait in `retry-after-ms`.
    static func retryHeaders(_ behavior: FakeBehavior) -> [(String, String)] {
        let seconds = max(0, behavior.retryAfterSeconds)
        return [
            ("Retry-After", String(Int(seconds.rounded(.up)))),
            ("retry-after-ms", String(Int((seconds * 1000).rounded()))),
        ]
    }
}

/// `application/x-www-form-urlencoded` pairs, in order.
enum FormBody {
    static func pairs(_ body: [UInt8]) -> [(String, String)] {
        String(decoding: body, as: UTF8.self).split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    private static func decode(_ text: String) -> String {
        // Most values need neither step; Foundation's replacing is slow enough to show in a benchmark's fakes.
        let spaced = text.contains("+") ? String(text.map { $0 == "+" ? " " : $0 }) : text
        return spaced.contains("%") ? spaced.removingPercentEncoding ?? spaced : spaced
    }
}
