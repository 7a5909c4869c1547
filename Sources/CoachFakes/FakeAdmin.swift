import Foundation
import Hummingbird

/// HTTP knobs for a simulator in another process: the same operations as `FakeControl`. Not logged.
struct FakeAdmin: Sendable {
    let control: FakeControl

    func register(on router: Router<FakeRequestContext>) {
        // Form fields sid, text, seconds; optional speech_start (seconds) and pauses ("3:4.5,10:2").
        router.post("/_fake/recordings") { request, context in
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            let fields = Dictionary(FormBody.pairs(Array(body.readableBytesView))) { first, _ in first }
            guard let sid = fields["sid"], !sid.isEmpty, let seconds = fields["seconds"].flatMap(Double.init),
                let layout = FakeSpeechLayout(speechStart: fields["speech_start"], pauses: fields["pauses"])
            else {
                return FakeReply(
                    status: 400, contentType: "text/plain",
                    body: Array(
                        "need form fields sid, text, seconds; optional speech_start (seconds), pauses (3:4.5,10:2)"
                            .utf8)
                ).response
            }
            control.addRecording(sid: sid, text: fields["text"] ?? "", seconds: seconds, layout: layout)
            return FakeReply.empty(status: 204).response
        }
        // JSON FakeBehavior; missing keys take their defaults.
        router.post("/_fake/behavior/:service") { request, context in
            guard let service = context.parameters.get("service").flatMap(FakeService.init(rawValue:)) else {
                return FakeReply.empty(status: 404).response
            }
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            guard let behavior = try? JSONDecoder().decode(FakeBehavior.self, from: Data(body.readableBytesView)) else {
                return FakeReply(status: 400, contentType: "text/plain", body: Array("expected FakeBehavior JSON".utf8))
                    .response
            }
            control.set(service, behavior)
            return FakeReply.empty(status: 204).response
        }
        router.get("/_fake/requests/:service") { _, context in
            guard let service = context.parameters.get("service").flatMap(FakeService.init(rawValue:)) else {
                return FakeReply.empty(status: 404).response
            }
            return FakeReply.json(["count": .int(control.requests(service).count)]).response
        }
        router.post("/_fake/reset") { _, _ in
            control.reset()
            return FakeReply.empty(status: 204).response
        }
    }
}
