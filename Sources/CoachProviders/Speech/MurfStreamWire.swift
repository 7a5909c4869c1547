import Foundation

/// The JSON messages of Murf's `stream-input` WebSocket, and what to do with its audio chunks.
enum MurfStreamWire {
    /// Murf puts a 44-byte WAV header in the first chunk when asked for WAV; ULAW should have none, but a
    /// header read as audio would be an audible click, so drop one if present.
    static func strippingWAVHeader(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)) else { return bytes }
        var offset = 12
        while offset + 8 <= bytes.count {
            let id = bytes[offset..<offset + 4]
            let size =
                Int(bytes[offset + 4]) | Int(bytes[offset + 5]) << 8 | Int(bytes[offset + 6]) << 16
                | Int(bytes[offset + 7]) << 24
            if id.elementsEqual("data".utf8) { return Array(bytes[(offset + 8)...]) }
            offset += 8 + size + (size % 2)
        }
        return []
    }
}

struct MurfVoiceConfigMessage: Encodable {
    struct VoiceConfig: Encodable {
        var voiceID: String
        var style: String?
        var rate: Int?
        var pitch: Int?

        enum CodingKeys: String, CodingKey {
            case voiceID = "voice_id"
            case style, rate, pitch
        }
    }

    var voiceConfig: VoiceConfig
    var contextID: String

    enum CodingKeys: String, CodingKey {
        case voiceConfig = "voice_config"
        case contextID = "context_id"
    }
}

struct MurfTextMessage: Encodable {
    var text: String
    var contextID: String
    var end: Bool

    enum CodingKeys: String, CodingKey {
        case text, end
        case contextID = "context_id"
    }
}

struct MurfEndMessage: Encodable {
    var contextID: String
    var end: Bool

    enum CodingKeys: String, CodingKey {
        case end
        case contextID = "context_id"
    }
}

struct MurfClearMessage: Encodable {
    var clear = true
    var contextID: String

    enum CodingKeys: String, CodingKey {
        case clear
        case contextID = "context_id"
    }
}

/// Everything Murf may send, in both spellings seen in its documentation (`final` / `isFinalAudio`,
/// `context_id` / `contextId`).
struct MurfIncomingMessage: Decodable {
    /// `error` may be a string or an object with a message.
    struct ErrorText: Decodable {
        var text: String

        init(from decoder: any Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self) {
                self.text = text
            } else {
                let value = try decoder.singleValueContainer().decode(JSONValue.self)
                if case .object(let object) = value, case .string(let message)? = object["message"] {
                    text = message
                } else {
                    text = "\(value)"
                }
            }
        }
    }

    var audio: String?
    var contextID: String?
    var isFinal: Bool
    var error: ErrorText?

    enum CodingKeys: String, CodingKey {
        case audio, error, final, isFinalAudio
        case contextID = "context_id"
        case contextIdCamel = "contextId"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        audio = try? container.decodeIfPresent(String.self, forKey: .audio)
        contextID =
            (try? container.decodeIfPresent(String.self, forKey: .contextID))
            ?? (try? container.decodeIfPresent(String.self, forKey: .contextIdCamel))
        let final = (try? container.decodeIfPresent(Bool.self, forKey: .final)) ?? nil
        let finalAudio = (try? container.decodeIfPresent(Bool.self, forKey: .isFinalAudio)) ?? nil
        isFinal = final == true || finalAudio == true
        error = try? container.decodeIfPresent(ErrorText.self, forKey: .error)
    }
}
