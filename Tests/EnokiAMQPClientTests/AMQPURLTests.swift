//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiAMQPClient
import NIOCore
import Testing

@Suite struct AMQPURLTests {
    /// The kombu parsing rules observed in nameko-wire §1.1.
    @Test(arguments: [
        ("amqp://guest:guest@127.0.0.1", "/", "amqp://guest:**@127.0.0.1:5672//"),
        ("amqp://guest:guest@127.0.0.1/", "/", "amqp://guest:**@127.0.0.1:5672//"),
        ("amqp://guest:guest@127.0.0.1//", "/", "amqp://guest:**@127.0.0.1:5672//"),
        ("amqp://guest:guest@127.0.0.1/%2F", "/", "amqp://guest:**@127.0.0.1:5672//"),
        ("amqp://guest:guest@127.0.0.1/nkspec", "nkspec", "amqp://guest:**@127.0.0.1:5672/nkspec"),
        ("pyamqp://guest:guest@localhost", "/", "amqp://guest:**@localhost:5672//"),
    ])
    func virtualHostRules(url: String, vhost: String, redacted: String) throws {
        let parsed = try AMQPURL(url)
        #expect(parsed.virtualHost == vhost)
        #expect(parsed.redacted == redacted)
    }

    @Test func percentDecodingAndPorts() throws {
        let url = try AMQPURL("amqp://u:p%40ss@h:5673/v%2Fx")
        #expect(url.username == "u")
        #expect(url.password == "p@ss")
        #expect(url.host == "h")
        #expect(url.port == 5673)
        #expect(url.virtualHost == "v/x")
        #expect(!url.redacted.contains("p@ss"))
        #expect(!url.redacted.contains("p%40ss"))
    }

    @Test func tlsDefaultsAndIPv6() throws {
        let tls = try AMQPURL("amqps://broker.example")
        #expect(tls.usesTLS)
        #expect(tls.port == 5671)
        #expect(tls.username == "guest")
        let v6 = try AMQPURL("amqp://[::1]:5680/")
        #expect(v6.host == "::1")
        #expect(v6.port == 5680)
        #expect(v6.redacted == "amqp://guest:**@[::1]:5680//")
    }

    @Test func queryParameters() throws {
        let configuration = try AMQPConnection.Configuration(
            url: "amqp://localhost/?heartbeat=10&login_method=AMQPLAIN"
        )
        #expect(configuration.heartbeat == 10)
        #expect(configuration.authentication == .amqplain)
    }

    @Test func badURLsAreClearErrorsThatHideThePassword() {
        for bad in ["http://guest:hunter2@h", "amqp://guest:hunter2@h:99999", "amqp://guest:hunter2@h/%zz", "nonsense"]
        {
            let error = #expect(throws: AMQPError.self) { try AMQPURL(bad) }
            #expect(error?.code == .invalidURL)
            #expect(!(error?.message.contains("hunter2") ?? true), "\(bad)")
        }
    }

    @Test func redactingFreeText() {
        #expect(AMQPURL.redact("amqp://user:secret@host/") == "amqp://user:**@host/")
        #expect(AMQPURL.redact("no uri here") == "no uri here")
    }

    @Test(arguments: [
        "s3%40cr", "s3/cr", "s3?cr", "s3@cr", "s3#cr", "s3:cr", "s3%zz", "s3%C3%28", "s3@c/r?w#o:r%d", "s3/5672",
    ])
    func aPasswordNeverShowsWhateverItHolds(password: String) {
        let uri = "amqp://guest:\(password)@broker:5672/vhost"
        let secret = password.replacing("%40", with: "@")
        #expect(!AMQPURL.redact(uri).contains(password))
        do {
            let url = try AMQPURL(uri)
            #expect(!url.redacted.contains(secret))
            #expect(!url.description.contains(secret))
            let configuration = try AMQPConnection.Configuration(url: uri)
            #expect(!configuration.redactedURL.contains(secret))
        } catch {
            #expect(!error.message.contains(password), "\(error.message)")
            #expect(!error.message.contains("s3"), "\(error.message)")
            #expect(!"\(error)".contains(password))
        }
    }

    @Test func urlOptionsOutOfRangeAreIgnoredRatherThanTrapping() throws {
        for value in ["nan", "inf", "-5", "0"] {
            let configuration = try AMQPConnection.Configuration(
                url: "amqp://h/?connection_timeout=\(value)&heartbeat=\(value)"
            )
            #expect(configuration.connectTimeout == .seconds(10), "\(value)")
        }
        for value in ["1e300", "99999999999999999999"] {
            let configuration = try AMQPConnection.Configuration(
                url: "amqp://h/?connection_timeout=\(value)&heartbeat=\(value)"
            )
            #expect(configuration.connectTimeout == .seconds(86_400), "\(value)")
            #expect(configuration.heartbeat == 60)
        }
    }
}
