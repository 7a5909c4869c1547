import CoachServer
import Foundation
import Logging
import Testing

@Suite struct SettingsTests {
    @Test func defaultsNeedNoEnvironment() throws {
        let settings = try Settings.load(environment: [:])
        #expect(settings.port == 3000)
        #expect(settings.databaseURL == "sqlite://coachline.sqlite")
        #expect(settings.questionsPerInterview == 5)
        #expect(settings.answerMaxSeconds == 60)
        #expect(settings.answerSilenceSeconds == 3)
        #expect(settings.twilioVoice == "Polly.Joanna")
        #expect(settings.logLevel == .info)
        #expect(settings.publicBaseURL == nil)
        #expect(settings.twilioAuthToken == nil)
        #expect(settings.questionTiming == .ahead)
    }

    @Test(arguments: [
        ("PORT", "eighty"), ("PORT", "70000"), ("QUESTIONS_PER_INTERVIEW", "0"), ("QUESTIONS_PER_INTERVIEW", "11"),
        ("ANSWER_MAX_SECONDS", "5"), ("ANSWER_SILENCE_SECONDS", "30"), ("LOG_LEVEL", "loud"),
        ("PUBLIC_BASE_URL", "coach.example.com"), ("PUBLIC_BASE_URL", "https://x.example/?a=1"),
        ("TWILIO_ACCOUNT_SID", "AC123"), ("HOLD_WAIT_SECONDS", "20"), ("QUESTION_TIMING", "later"),
    ])
    func invalidValuesNameTheSetting(name: String, value: String) {
        #expect {
            try Settings.load(environment: [name: value])
        } throws: { error in
            (error as? SettingsError)?.name == name && "\(error)".contains(value)
        }
    }

    @Test func valuesAreParsed() throws {
        let settings = try Settings.load(environment: [
            "PORT": "8080", "PUBLIC_BASE_URL": "https://coach.example.com/", "LOG_LEVEL": "DEBUG",
            "TWILIO_ACCOUNT_SID": "AC" + String(repeating: "a", count: 32), "QUESTIONS_PER_INTERVIEW": "3",
            "QUESTION_TIMING": "Inline",
        ])
        #expect(settings.questionTiming == .inline)
        #expect(settings.port == 8080)
        #expect(settings.publicBaseURL == "https://coach.example.com")
        #expect(settings.logLevel == .debug)
        #expect(settings.questionsPerInterview == 3)
    }

    @Test func envFileIsReadAndTheProcessEnvironmentWins() throws {
        let parsed = try EnvironmentFile.parse(
            """
            # comment
            export PORT=4000
            TWILIO_VOICE="Polly.Matthew"
            HOST='127.0.0.1'
            LOG_LEVEL=debug # trailing comment

            """)
        #expect(parsed == ["PORT": "4000", "TWILIO_VOICE": "Polly.Matthew", "HOST": "127.0.0.1", "LOG_LEVEL": "debug"])
        #expect(throws: SettingsError.self) { try EnvironmentFile.parse("NOT A SETTING") }

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID()).env").path
        try "PORT=4000\nTWILIO_VOICE=man\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let merged = try EnvironmentFile.merged(path: path, processEnvironment: ["PORT": "5000"])
        #expect(try Settings.load(environment: merged).port == 5000)
        #expect(try Settings.load(environment: merged).twilioVoice == "man")
    }

    /// The README's settings table is the user's manual: it must list every setting the code reads.
    @Test func readmeListsEverySetting() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        for spec in Settings.catalog {
            #expect(text.contains("`\(spec.name)`"), "README does not document \(spec.name)")
        }
    }
}
