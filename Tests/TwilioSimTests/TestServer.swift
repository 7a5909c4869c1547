import CoachAudio
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import TwilioSim
import TwilioSupport

/// What the test server saw of one request.
struct SeenRequest: Sendable {
    var method: String
    var path: String
    /// Path and query exactly as sent.
    var uri: String
    var headers: [(String, String)]
    /// Form body for POST, query for GET.
    var parameters: [(String, String)]
    /// nil when the server has no auth token.
    var signatureValid: Bool?

    func parameter(_ name: String) -> String? {
        parameters.first { $0.0 == name }?.1
    }

    var parameterNames: Set<String> { Set(parameters.map(\.0)) }
}

/// What the test server answers.
struct Reply: Sendable {
    var status: Int = 200
    var contentType: String? = "text/xml"
    var headers: [(String, String)] = []
    var body: [UInt8] = []
    var delay: Duration = .zero

    static func twiml(_ inner: String) -> Reply {
        Reply(body: Array(#"<?xml version="1.0" encoding="UTF-8"?><Response>\#(inner)</Response>"#.utf8))
    }

    static func raw(_ text: String, contentType: String? = "text/xml", status: Int = 200) -> Reply {
        Reply(status: status, contentType: contentType, body: Array(text.utf8))
    }

    static let empty = Reply(status: 204, contentType: nil)

    static func notFound() -> Reply { Reply(status: 404, contentType: "text/plain", body: Array("not found".utf8)) }

    /// 8 kHz mono mu-law WAV of a tone.
    static func wav(seconds: Double, headers: [(String, String)] = []) -> Reply {
        let samples = ToneGenerator.tone(frequency: 440, seconds: seconds)
        let audio = WAVAudio.telephony(muLawBytes: MuLaw.encode(samples))
        return Reply(contentType: "audio/wav", headers: headers, body: Array(audio.encoded()))
    }
}

/// Every request the server received, in order.
actor RequestLog {
    private(set) var requests: [SeenRequest] = []

    func append(_ request: SeenRequest) { requests.append(request) }

    func requests(to path: String) -> [SeenRequest] { requests.filter { $0.path == path } }
}

/// A loopback Hummingbird app on port 0 that answers with `handler` and checks every
/// request's `X-Twilio-Signature` with TwilioSupport, as a real Twilio app would.
func withTwiMLServer(
    authToken: String? = nil,
    _ handler: @escaping @Sendable (SeenRequest) async -> Reply,
    test: @Sendable (_ base: URL, _ log: RequestLog) async throws -> Void
) async throws {
    let log = RequestLog()
    let responder = CallbackResponder<BasicRequestContext> { request, _ in
        let body = try await request.body.collect(upTo: 1 << 20)
        let bodyText = String(buffer: body)
        let method = request.method.rawValue
        let query = request.uri.query ?? ""
        let parameters = FormEncoding.decode(method == "GET" ? query : bodyText)
        var headers: [(String, String)] = []
        for field in request.headers {
            headers.append((field.name.rawName, field.value))
        }
        var signatureValid: Bool?
        if let authToken {
            let url = "http://\(request.head.authority ?? "")\(request.uri.string)"
            let signature = headers.first { $0.0.lowercased() == "x-twilio-signature" }?.1 ?? ""
            signatureValid = TwilioSignature.isValid(
                signature: signature, url: url, parameters: method == "GET" ? [] : parameters, authToken: authToken)
        }
        let seen = SeenRequest(
            method: method, path: request.uri.path, uri: request.uri.string, headers: headers, parameters: parameters,
            signatureValid: signatureValid)
        await log.append(seen)
        let reply = await handler(seen)
        if reply.delay > .zero {
            try? await Task.sleep(for: reply.delay)
        }
        var fields = HTTPFields()
        if let contentType = reply.contentType {
            fields[.contentType] = contentType
        }
        for (name, value) in reply.headers {
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        return Response(
            status: HTTPResponse.Status(code: reply.status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.body)))
    }
    var logger = Logger(label: "twiml-test-server")
    logger.logLevel = .critical
    let app = Application(
        responder: responder, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
    try await app.test(.live) { client in
        let port = try #require(client.port)
        let base = try #require(URL(string: "http://127.0.0.1:\(port)"))
        try await test(base, log)
    }
}

extension URL {
    func path(_ path: String) -> URL {
        URL(string: absoluteString + path) ?? self
    }
}

/// A simulator configuration for tests: instant, against the given server.
func simConfiguration(_ base: URL, voice: String = "/voice", token: String? = nil) -> SimConfiguration {
    var configuration = SimConfiguration(voiceURL: base.path(voice))
    configuration.authToken = token
    configuration.accountSid = "AC" + String(repeating: "a", count: 32)
    return configuration
}

func placeCall(_ configuration: SimConfiguration, _ steps: [CallScript.Step]) async throws -> CallReport {
    var logger = Logger(label: "twilio-sim-test")
    logger.logLevel = .critical
    let sim = TwilioSim(configuration: configuration, logger: logger)
    return try await sim.placeCall(caller: ScriptedCaller(steps: steps))
}
