import CoachAudio
import Foundation
import Testing

@testable import CoachFakes

@Suite("Fake internals")
struct UnitTests {
    @Test func multipartKeepsQuotedSemicolonsAndRepeatedFields() throws {
        let body = multipartBody(
            boundary: "XyZ",
            fields: [("timestamp_granularities[]", "word"), ("timestamp_granularities[]", "segment")],
            file: ("a; b.wav", [1, 2, 13, 10, 3]))
        let parts = try MultipartParser.parse(body, boundary: "XyZ")
        #expect(parts.map(\.name) == ["timestamp_granularities[]", "timestamp_granularities[]", "file"])
        #expect(parts[1].text == "segment")
        #expect(parts[2].filename == "a; b.wav")
        #expect(parts[2].body == [1, 2, 13, 10, 3])
        #expect(MultipartParser.boundary(fromContentType: #"multipart/form-data; boundary="a b""#) == "a b")
        #expect(MultipartParser.boundary(fromContentType: "application/json") == nil)
    }

    @Test func multipartWithoutClosingBoundaryFails() {
        let body = Array("--b\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n".utf8)
        #expect(throws: MultipartError.self) { try MultipartParser.parse(body, boundary: "b") }
    }

    @Test func jsonKeepsBooleansNumbersAndNullsApart() throws {
        let value = try #require(
            JSONValue.parse(
                Array(
                    #"""
                    {"t":true,"f":false,"one":1,"zero":0,"half":0.5,"big":12345678901234,"n":null,"s":"1",
                     "a":[true,1,"x",{"k":[]}]}
                    """#.utf8)))
        #expect(value["t"] == .bool(true) && value["f"] == .bool(false))
        #expect(value["one"] == .int(1) && value["zero"] == .int(0) && value["big"] == .int(12_345_678_901_234))
        #expect(value["half"] == .double(0.5))
        #expect(value["n"] == .null && value["s"] == .string("1"))
        #expect(value["a"] == [true, 1, "x", ["k": []]])
        #expect(JSONValue.parse(Array("not json".utf8)) == nil)
        #expect(JSONValue.parse(Array("3".utf8)) == .int(3))
        // What the fakes write reads back the same, keys sorted, escapes as JSON needs them.
        #expect(JSONValue.parse(value.encoded) == value)
        let tricky: JSONValue = ["b": "q\"b\\s/n\nc\u{1}é", "a": [1.5, -2, nil, false], "c": [:]]
        #expect(tricky.encodedString == #"{"a":[1.5,-2,null,false],"b":"q\"b\\s/n\nc\u0001é","c":{}}"#)
        #expect(JSONValue.parse(tricky.encoded) == tricky)
    }

    @Test func schemaGeneratorFollowsReferencesAndBranches() throws {
        let schema = try #require(
            JSONValue.parse(
                Array(
                    #"""
                    {"type":"object","properties":{
                      "item":{"$ref":"#/$defs/item"},
                      "maybe":{"anyOf":[{"type":"null"},{"type":"integer","exclusiveMinimum":7,"maximum":9}]},
                      "fixed":{"const":"yes"},
                      "list":{"type":"array","minItems":2,"items":{"type":"number"}}},
                     "$defs":{"item":{"type":"object","properties":{"outline":{"type":"string","maxLength":10}}}}}
                    """#.utf8)))
        let value = SchemaValueGenerator(root: schema, text: FakeInterviewText(messages: ["Role: baker"])).value()
        #expect(value["item"]?["outline"]?.stringValue?.count == 10)
        #expect(value["maybe"] == .int(8))
        #expect(value["fixed"] == "yes")
        #expect(value["list"]?.arrayValue?.count == 2)
    }

    @Test func aLawMatchesTheReferenceTable() {
        // Values from the ITU-T G.711 reference implementation (linear2alaw).
        #expect(FakeAudio.aLaw(0) == 0xD5)
        #expect(FakeAudio.aLaw(-8) == 0x55)
        #expect(FakeAudio.aLaw(32767) == 0xAA)
        #expect(FakeAudio.aLaw(-32768) == 0x2A)
        #expect(FakeAudio.aLaw(1000) == 0xFA)
    }

    @Test func recordingsAreUniqueAndParse() throws {
        let (first, _) = FakeAudio.recordingWAV(sid: "RE1", seconds: 1)
        let (second, _) = FakeAudio.recordingWAV(sid: "RE2", seconds: 1)
        #expect(first != second)
        let audio = try WAVAudio.parse(first)
        #expect(audio.isTelephonyReady)
        #expect(audio.durationSeconds == 1)
    }

    @Test func aRecordingNamesItsSidAndIsRecognisedByIt() throws {
        let (wav, _) = FakeAudio.recordingWAV(sid: "RE-named", seconds: 3)
        #expect(FakeAudio.listName(in: wav) == "RE-named")
        #expect(FakeAudio.listName(in: wav.dropLast(3)) == nil, "a cut-off chunk names nothing")
        #expect(FakeAudio.listName(in: WAVAudio.telephony(muLawBytes: [0xFF, 0xFF]).encoded()) == nil)
        #expect(FakeAudio.listName(in: Data("not a riff file at all".utf8)) == nil)

        let control = FakeControl()
        control.addRecording(sid: "RE-a", text: "first", seconds: 2)
        control.addRecording(sid: "RE-b", text: "second", seconds: 2)
        // The bytes are made again on each use and are the same each time.
        let served = try #require(control.recordingAudio(sid: "RE-b"))
        #expect(control.recordingAudio(sid: "RE-b") == served)
        #expect(control.recording(matching: served)?.text == "second")
        // The same mu-law re-wrapped without the name is still recognised by its samples, and a name
        // put on another recording's samples does not make them that recording.
        let rewrapped = WAVAudio.telephony(muLawBytes: [UInt8](FakeAudio.recordingMuLaw(sid: "RE-a", seconds: 2)))
        #expect(control.recording(matching: rewrapped.encoded())?.text == "first")
        let misnamed = FakeAudio.appendingListChunk(to: rewrapped.encoded(), name: "RE-b")
        #expect(FakeAudio.listName(in: misnamed) == "RE-b")
        #expect(control.recording(matching: misnamed)?.text == "first")
    }

    @Test func theRequestLogKeepsTheLatestRequests() {
        let control = FakeControl()
        let limit = FakeControl.requestLogLimit
        for index in 0..<(limit + 5) {
            control.log(
                FakeRequestLog(
                    service: .openAIChat, method: "POST", path: "/v1/chat/completions", query: "\(index)",
                    headers: [], body: []))
        }
        let logged = control.requests(.openAIChat)
        #expect(logged.count == limit)
        #expect(logged.first?.query == "5" && logged.last?.query == "\(limit + 4)")
    }

    @Test func behaviorDecodesPartialJSON() throws {
        let behavior = try JSONDecoder().decode(FakeBehavior.self, from: Data(#"{"failure":"drop"}"#.utf8))
        #expect(behavior == .failing(.droppedStream))
        let latency = try JSONDecoder().decode(FakeBehavior.self, from: Data(#"{"minLatency":0.2}"#.utf8))
        #expect(latency.maxLatency == 0.2)
    }
}

@Suite("Fake server lifecycle")
struct LifecycleTests {
    @Test func takenPortFailsToStart() async throws {
        try await withFakes { fakes, _ in
            await #expect(throws: (any Error).self) {
                let second = try await FakeServers.start(control: FakeControl(), port: fakes.port, logger: testLogger)
                try await second.stop()
            }
        }
    }

    @Test func urlsPointAtTheBoundPort() async throws {
        try await withFakes { fakes, _ in
            #expect(fakes.port > 0)
            #expect(fakes.baseURL == "http://127.0.0.1:\(fakes.port)")
            #expect(fakes.openAIBaseURL == fakes.baseURL + "/v1")
            #expect(fakes.murfBaseURL == fakes.baseURL)
            #expect(fakes.twilioAPIBaseURL == fakes.baseURL)
            #expect(fakes.murfStreamURL == "ws://127.0.0.1:\(fakes.port)/v1/speech/stream-input")
        }
    }
}
