import CoachCore
import CoachProviders
import Logging

/// Builds the provider adapters the settings ask for. Each is optional: what is not configured
/// falls back to the built-in, keyless part (bank, Twilio voice, Twilio transcription, deterministic coaching).
public enum ProviderFactory {
    public static func make(_ settings: Settings, bank: QuestionBank, logger: Logger) -> Providers {
        let p = settings.providers
        let modelSeconds = Double(p.openAITimeoutMilliseconds) / 1000
        let speechSeconds = Double(p.speechTimeoutMilliseconds) / 1000
        var providers = Providers(
            questions: BankQuestionSource(planner: InterviewPlanner(bank: bank)),
            questionDeadlineSeconds: modelSeconds, speechDeadlineSeconds: speechSeconds)

        if let key = p.openAIAPIKey {
            let chat = OpenAIChatClient(
                configuration: OpenAIConfiguration(
                    baseURL: p.openAIBaseURL, apiKey: key, model: p.openAIModel, timeoutSeconds: modelSeconds),
                logger: logger)
            providers.questions = OpenAIQuestionSource(chat: chat)
            providers.coach = OpenAIAnswerCoach(chat: chat)
            providers.summaries = OpenAISummaryWriter(chat: chat)
        }

        if p.transcribeProvider == .openai, let key = p.transcribeAPIKey ?? p.openAIAPIKey,
            let sid = settings.twilioAccountSid, let token = settings.twilioAuthToken
        {
            let fetcher = TwilioRecordingFetcher(
                configuration: TwilioConfiguration(accountSid: sid, authToken: token, apiBaseURL: p.twilioAPIBaseURL),
                logger: logger)
            providers.transcriber = OpenAITranscriber(
                configuration: OpenAIConfiguration(
                    baseURL: p.transcribeBaseURL ?? p.openAIBaseURL, apiKey: key, model: p.transcribeModel,
                    timeoutSeconds: 30),
                fetcher: fetcher, logger: logger)
        }

        switch p.speechProvider {
        case .twilio:
            break
        case .openai:
            if let key = p.openAIAPIKey {
                providers.speech = OpenAISpeechSynthesizer(
                    configuration: OpenAIConfiguration(
                        baseURL: p.openAIBaseURL, apiKey: key, model: p.openAISpeechModel, timeoutSeconds: speechSeconds
                    ),
                    voice: p.openAISpeechVoice, logger: logger)
            }
        case .murf:
            if let key = p.murfAPIKey {
                let configuration = MurfConfiguration(
                    apiKey: key, baseURL: p.murfBaseURL, streamURL: streamURL(murfBaseURL: p.murfBaseURL),
                    voiceId: p.murfVoiceID, style: p.murfStyle, rate: p.murfRate, timeoutSeconds: speechSeconds)
                providers.speech =
                    p.murfTransport == .stream
                    ? MurfStreamSynthesizer(configuration: configuration, logger: logger)
                    : MurfRESTSynthesizer(configuration: configuration, logger: logger)
            }
        }
        return providers
    }

    /// Murf's streaming endpoint lives on the same host as its REST API.
    static func streamURL(murfBaseURL: String) -> String {
        let socketBase =
            murfBaseURL.hasPrefix("https://")
            ? "wss://" + murfBaseURL.dropFirst("https://".count)
            : "ws://" + murfBaseURL.dropFirst("http://".count)
        return socketBase + "/v1/speech/stream-input"
    }
}

extension OpenAISummaryWriter: SummaryWriter {}
