import ArgumentParser
import CoachCore
import CoachFakes
import CoachProviders
import Foundation
import Logging

/// Times the real provider clients against the loopback fakes: what each client adds on top of a
/// vendor's own latency, and how Murf's two transports compare when the vendor answers at once.
struct MeasureProviders: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "measure-providers",
        abstract: "Time each provider client against the loopback fakes and print p50/p95/max.")

    @Option(help: "Operations per client.") var count: Int = 30
    @Option(help: "Fake vendor latency in seconds (e.g. 0.13 for Murf's published first-audio time).")
    var latency: Double = 0

    func run() async throws {
        let logger = Logger(label: "measure") { _ in SwiftLogNoOpLogHandler() }
        let control = FakeControl()
        control.setAll(FakeBehavior(minLatency: latency, maxLatency: latency))
        control.twilioCredentials = ("AC00000000000000000000000000000001", "token")
        let fakes = try await FakeServers.start(control: control, logger: logger)
        let murf = MurfConfiguration(
            apiKey: "fake", baseURL: fakes.murfBaseURL, streamURL: fakes.murfStreamURL, timeoutSeconds: 30)
        let openAI = OpenAIConfiguration(baseURL: fakes.openAIBaseURL, apiKey: "fake", timeoutSeconds: 30)
        let chat = OpenAIChatClient(configuration: openAI, logger: logger)
        let stream = MurfStreamSynthesizer(configuration: murf, logger: logger)
        let rest = MurfRESTSynthesizer(configuration: murf, logger: logger)
        let speech = OpenAISpeechSynthesizer(
            configuration: OpenAIConfiguration(
                baseURL: fakes.openAIBaseURL, apiKey: "fake", model: "tts-1", timeoutSeconds: 30), logger: logger)
        let transcriber = OpenAITranscriber(
            configuration: OpenAIConfiguration(
                baseURL: fakes.openAIBaseURL, apiKey: "fake", model: "whisper-1", timeoutSeconds: 30),
            fetcher: TwilioRecordingFetcher(
                configuration: TwilioConfiguration(
                    accountSid: "AC00000000000000000000000000000001", authToken: "token",
                    apiBaseURL: fakes.twilioAPIBaseURL), logger: logger),
            logger: logger)
        let text = "Tell me about a time you had to meet a deadline that looked impossible. What did you do?"
        let request = QuestionRequest(
            role: PracticeRole(key: "product_management", spoken: "product manager"), number: 2, total: 5,
            excludedIDs: [], covered: [.teamwork], seed: 1)
        for index in 0..<count {
            control.addRecording(sid: "RE\(index)", text: "Last year I led a launch.", seconds: 30)
        }

        print("Provider clients against loopback fakes (vendor latency \(latency) s, \(count) operations each)")
        print("operation                      p50 ms   p95 ms   max ms")
        try await report("Murf stream (WebSocket)") { _ in _ = try await stream.synthesize(text) }
        try await report("Murf REST /v1/speech/generate") { _ in _ = try await rest.synthesize(text) }
        try await report("OpenAI speech (pcm -> mu-law)") { _ in _ = try await speech.synthesize(text) }
        try await report("OpenAI question (json_schema)") { _ in
            _ = try await OpenAIQuestionSource(chat: chat).question(for: request)
        }
        try await report("Recording fetch + transcription") { index in
            _ = try await transcriber.transcribe(
                recordingURL: fakes.twilioAPIBaseURL
                    + "/2010-04-01/Accounts/AC00000000000000000000000000000001/Recordings/RE\(index)",
                recordingSid: "RE\(index)")
        }
        print("Murf stream connections opened: \(await stream.connectionsOpened)")
        await stream.close()
        try await fakes.stop()
    }

    private func report(_ name: String, _ operation: (Int) async throws -> Void) async throws {
        var samples: [Double] = []
        for index in 0..<count {
            let started = ContinuousClock.now
            try await operation(index)
            let elapsed = ContinuousClock.now - started
            samples.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
        }
        samples.sort()
        func percentile(_ p: Double) -> Double { samples[min(samples.count - 1, Int(Double(samples.count) * p))] }
        let columns = [percentile(0.5), percentile(0.95), samples.last ?? 0].map { String(format: "%8.1f", $0) }
        print(name.padding(toLength: 30, withPad: " ", startingAt: 0) + " " + columns.joined(separator: " "))
    }
}
