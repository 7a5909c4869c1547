import ArgumentParser
import CoachFakes
import Foundation
import Logging

struct Fakes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run loopback fakes of OpenAI, Murf and Twilio's media host, for a full local stack.",
        discussion: """
            The fakes speak the vendors' wire formats (JSON, multipart, WebSocket) on one port. Start them,
            export the printed settings in another terminal, then run `coachline serve`, and place calls with
            `coachline call --url http://127.0.0.1:3000 --recordings <fakes>/_fake/recordings`.
            Knobs: --latency 2-6 adds 2 to 6 s to every answer; --fail SERVICE=FAILURE makes one fail
            (services: \(FakeService.allCases.map(\.rawValue).joined(separator: ", ")); failures:
            \(FakeFailure.allCases.map(\.rawValue).joined(separator: ", "))). POST JSON to
            /_fake/behavior/SERVICE to change a service while running.
            """)

    @Option(help: "Port to listen on.") var port: Int = 4010
    @Option(help: "Address to bind.") var host: String = "127.0.0.1"
    @Option(help: "Latency of every fake, in seconds: one number or a range like 0.3-2.") var latency: String?
    @Option(help: "Make a service fail: SERVICE=FAILURE, e.g. openAIChat=429 (repeatable).") var fail: [String] = []

    func run() async throws {
        let control = FakeControl()
        if let latency {
            let bounds = try Self.range(latency)
            control.setAll(FakeBehavior(minLatency: bounds.lowerBound, maxLatency: bounds.upperBound))
        }
        for rule in fail {
            let parts = rule.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let service = FakeService(rawValue: parts[0]),
                let failure = FakeFailure(rawValue: parts[1])
            else { throw ValidationError("--fail wants SERVICE=FAILURE, got '\(rule)'") }
            var behavior = control.behavior(service)
            behavior.failure = failure
            control.set(service, behavior)
        }
        let logger = Logs.bootstrap(level: .info)
        let fakes = try await FakeServers.start(control: control, host: host, port: port, logger: logger)
        let instructions =
            """
            Fakes listening on \(fakes.baseURL). For `coachline serve`:
              export OPENAI_API_KEY=fake OPENAI_BASE_URL=\(fakes.openAIBaseURL)
              export TRANSCRIBE_PROVIDER=openai TWILIO_API_BASE_URL=\(fakes.twilioAPIBaseURL)
              export TWILIO_ACCOUNT_SID=AC00000000000000000000000000000001 TWILIO_AUTH_TOKEN=fake-token
              export TTS_PROVIDER=murf MURF_API_KEY=fake MURF_BASE_URL=\(fakes.murfBaseURL)
            Calls (same exports): coachline call --url http://127.0.0.1:3000 --auth-token fake-token \\
                     --recordings \(fakes.baseURL)/_fake/recordings --account-sid AC00000000000000000000000000000001
            Ctrl-C stops.

            """
        // Unbuffered: the instructions must show while the fakes keep running.
        FileHandle.standardOutput.write(Data(instructions.utf8))
        // Serve until interrupted.
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(3600))
        }
        try await fakes.stop()
    }

    static func range(_ text: String) throws -> ClosedRange<Double> {
        let parts = text.split(separator: "-").compactMap { Double($0) }
        guard (1...2).contains(parts.count), let low = parts.first, let high = parts.last, low >= 0, low <= high else {
            throw ValidationError("--latency wants seconds or a range like 0.3-2, got '\(text)'")
        }
        return low...high
    }
}
