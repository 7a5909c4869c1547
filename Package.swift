// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "coachline",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "coachline", targets: ["coachline"]),
        .library(name: "TwilioSim", targets: ["TwilioSim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // Domain: call flow decisions, interview planning, question bank, coaching, TwiML, ports.
        .target(
            name: "CoachCore",
            resources: [.copy("Resources/questions.json")]
        ),
        // WAV and G.711 mu-law: the phone network's audio.
        .target(name: "CoachAudio"),
        // Twilio's wire rules shared by the server and the simulator: request signing, form bodies.
        .target(
            name: "TwilioSupport",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        // SQL storage: SQLite embedded, PostgreSQL for many instances; one portable SQL through SQLKit.
        .target(
            name: "CoachStore",
            dependencies: [
                "CoachCore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Adapters for the AI vendors: OpenAI-compatible chat, transcription and speech; Murf REST and
        // WebSocket; Twilio recording downloads. Each implements a CoachCore port.
        .target(
            name: "CoachProviders",
            dependencies: [
                "CoachCore", "CoachAudio",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // Loopback fakes of the vendors' wire formats, with latency and failure knobs (tests, `coachline fakes`).
        .target(
            name: "CoachFakes",
            dependencies: [
                "CoachAudio",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        // The Hummingbird app: routes, signature check, services, the job worker, metrics, settings.
        .target(
            name: "CoachServer",
            dependencies: [
                "CoachCore", "CoachAudio", "CoachStore", "TwilioSupport", "CoachProviders",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // A TwiML interpreter that behaves like Twilio against any base URL.
        .target(
            name: "TwilioSim",
            dependencies: [
                "CoachAudio", "TwilioSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "CoachBench",
            dependencies: [
                "TwilioSim", "CoachFakes",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "coachline",
            dependencies: [
                "CoachCore", "CoachServer", "CoachStore", "TwilioSim", "CoachFakes", "CoachProviders", "CoachBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(name: "CoachCoreTests", dependencies: ["CoachCore"]),
        .testTarget(
            name: "CoachBenchTests",
            dependencies: [
                "CoachBench", "CoachServer", "CoachStore", "CoachFakes", "CoachTestSupport", "TwilioSim",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "CoachAudioTests", dependencies: ["CoachAudio"]),
        .testTarget(name: "TwilioSupportTests", dependencies: ["TwilioSupport"]),
        // Test helpers shared by the test targets: per-test databases on SQLite and PostgreSQL, fakes.
        .target(
            name: "CoachTestSupport",
            dependencies: ["CoachStore", "CoachFakes", .product(name: "Logging", package: "swift-log")],
            path: "Tests/CoachTestSupport"
        ),
        .testTarget(
            name: "CoachStoreTests",
            dependencies: [
                "CoachStore", "CoachCore", "CoachTestSupport", .product(name: "SQLKit", package: "sql-kit"),
            ]
        ),
        .testTarget(
            name: "CoachProvidersTests",
            dependencies: [
                "CoachProviders", "CoachCore", "CoachAudio", "CoachFakes", "CoachTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "CoachFakesTests",
            dependencies: [
                "CoachFakes", "CoachAudio", "CoachTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .testTarget(
            name: "TwilioSimTests",
            dependencies: [
                "TwilioSim", "TwilioSupport", "CoachAudio",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "CoachServerTests",
            dependencies: [
                "CoachServer", "CoachStore", "TwilioSim", "CoachAudio", "CoachFakes", "CoachTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ]
)
