//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Testing

@testable import EnokiSMTP

@Suite struct ConfigurationTests {
    @Test func aPlainURI() throws {
        let configuration = try SMTPConfiguration(uri: "smtp://mailer:p%40ss@smtp.example.com:587")
        #expect(configuration.host == "smtp.example.com")
        #expect(configuration.port == 587)
        #expect(configuration.username == "mailer")
        #expect(configuration.password == "p@ss")
        #expect(!configuration.implicitTLS)
        #expect(configuration.startTLS == .optional)
        #expect(configuration.timeout == .seconds(30))
        #expect(configuration.redactedURI == "smtp://mailer:**@smtp.example.com:587")
    }

    @Test func defaultPortsAndImplicitTLS() throws {
        #expect(try SMTPConfiguration(uri: "smtp://relay").port == 25)
        let tls = try SMTPConfiguration(uri: "smtps://u:p@mail.example.com")
        #expect(tls.port == 465)
        #expect(tls.implicitTLS)
        #expect(try SMTPConfiguration(uri: "smtp://[::1]:2525").host == "::1")
    }

    @Test func queryOptions() throws {
        let configuration = try SMTPConfiguration(
            uri: "smtp://127.0.0.1:8025?starttls=off&timeout=2.5&ca_certs=/tmp/ca.pem&helo=client.example"
        )
        #expect(configuration.startTLS == .off)
        #expect(configuration.timeout == .milliseconds(2500))
        #expect(configuration.caCertificatesFile == "/tmp/ca.pem")
        #expect(configuration.heloName == "client.example")
        #expect(try SMTPConfiguration(uri: "smtp://h?starttls=required").startTLS == .required)
    }

    @Test func badURIsSayWhatIsWrongWithoutThePassword() {
        let cases = [
            "http://u:secret@host": "the scheme must be smtp or smtps",
            "smtp://u:secret@host:99999": "the port must be a number from 1 to 65535",
            "smtp://u:secret@host?starttls=maybe": "starttls must be required, optional or off",
            "smtp://u:secret@host?timeout=-1": "timeout must be a positive number of seconds",
            "smtp://u:secret@host?colour=red": "unknown option 'colour'",
            "smtp://u:secret@": "no host",
            "smtps://u:secret@host?starttls=required": "starttls=required does not apply",
        ]
        for (uri, why) in cases {
            do {
                _ = try SMTPConfiguration(uri: uri)
                Issue.record("\(uri) was read")
            } catch let error as SMTPError {
                #expect(error.code == .configuration)
                #expect(error.message.contains(why), "\(error.message)")
                #expect(!error.description.contains("secret"), "\(error)")
                #expect(error.description.contains("u:**@"), "\(error)")
            } catch {
                Issue.record("\(error)")
            }
        }
    }
}
