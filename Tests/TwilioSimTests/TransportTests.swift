import Foundation
import Testing
import TwilioSim

/// The real-socket transport: what it reads, where it stops, and how it times a response.
@Suite struct TransportTests {
    @Test func aResponseIsTimedFromSendingToItsLastByte() async throws {
        try await withTwiMLServer { _ in
            var reply = Reply.twiml("<Say>Hello.</Say>")
            reply.delay = .milliseconds(300)
            return reply
        } test: { base, _ in
            let response = try await HTTPClientTransport().send(
                SimRequest(method: "GET", url: base.path("/voice").absoluteString))
            #expect(response.status == 200 && response.text.contains("<Say>Hello.</Say>"))
            #expect(!response.bodyTruncated)
            let elapsed = try #require(response.elapsed)
            #expect(elapsed >= .milliseconds(300), "the server's delay is part of it: \(elapsed)")
        }
    }

    @Test func aBodyPastTheLimitIsCutAndMarked() async throws {
        let body = Array(repeating: UInt8(ascii: "x"), count: 200_000)
        try await withTwiMLServer { _ in
            Reply(contentType: "audio/wav", body: body)
        } test: { base, _ in
            let request = SimRequest(method: "GET", url: base.path("/audio").absoluteString, maxResponseBytes: 1_000)
            let response = try await HTTPClientTransport().send(request)
            #expect(response.status == 200)
            #expect(response.bodyTruncated && response.body == Array(body.prefix(1_000)))
            #expect(response.header("content-type") == "audio/wav")
            #expect(response.elapsed != nil)
            // At the limit exactly, nothing is cut.
            let exact = try await HTTPClientTransport().send(
                SimRequest(method: "GET", url: base.path("/audio").absoluteString, maxResponseBytes: body.count))
            #expect(!exact.bodyTruncated && exact.body == body)
        }
    }
}
