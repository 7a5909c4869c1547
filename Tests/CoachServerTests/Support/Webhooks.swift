import Foundation
import TwilioSim
import TwilioSupport

/// Raw webhook requests, for the cases a well-behaved simulator never produces.
struct Webhooks {
    let baseURL: String
    let transport = HTTPClientTransport()

    func post(
        _ path: String, _ params: [(String, String)], signature: String? = nil, headers: [(String, String)] = []
    ) async throws -> SimResponse {
        var allHeaders = [("Content-Type", "application/x-www-form-urlencoded")] + headers
        if let signature { allHeaders.append(("X-Twilio-Signature", signature)) }
        return try await transport.send(
            SimRequest(
                method: "POST", url: baseURL + path, headers: allHeaders,
                body: Array(FormEncoding.encode(params).utf8)))
    }

    func get(_ path: String) async throws -> SimResponse {
        try await transport.send(SimRequest(method: "GET", url: baseURL + path, headers: [], body: []))
    }

    static func standard(callSid: String, from: String = "+14155550123") -> [(String, String)] {
        [
            ("CallSid", callSid), ("AccountSid", "AC" + String(repeating: "0", count: 32)), ("From", from),
            ("To", "+18005551212"), ("CallStatus", "in-progress"), ("ApiVersion", "2010-04-01"),
            ("Direction", "inbound"),
        ]
    }

    static func newCallSid() -> String {
        "CA" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }
}
