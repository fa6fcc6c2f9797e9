//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Foundation

/// A real SMTP server on 127.0.0.1 for the tests (aiosmtpd, run by `Python/smtp_server.py` as a process of its
/// own): it records every mail it takes, and can ask for STARTTLS or implicit TLS with a certificate the test makes,
/// check a user and password, or stop answering.
public final class MailServer: Sendable {
    /// One mail the server took, as it read it.
    public struct Mail: Decodable, Sendable, Equatable {
        public var mail_from: String
        public var rcpt_tos: [String]
        public var from: String
        public var to: String
        /// The subject, RFC 2047 words decoded.
        public var subject: String
        /// The text body, decoded from its transfer encoding.
        public var body: String
        /// Whether the mail came over TLS.
        public var tls: Bool
        /// Whether the client logged in.
        public var auth: Bool
        /// The user it logged in as.
        public var login: String?
    }

    /// How the server is set up.
    public struct Options: Sendable {
        /// `none`, `starttls` (offered), `requireStartTLS`, or `implicit`.
        public var tls: TLSMode = .none
        /// The user and password it checks, if any.
        public var auth: (user: String, password: String)?
        /// Where it stops answering: `data` (after `DATA`, mid-mail) or `greeting` (never says a word); or how it
        /// misbehaves from the start: `garbage` (a line that is not SMTP), `longline` (a line that never ends).
        public var hangAt: String?
        /// The name the server's certificate gives (`localhost`).
        public var certificateName = "localhost"

        public init(
            tls: TLSMode = .none,
            auth: (user: String, password: String)? = nil,
            hangAt: String? = nil,
            certificateName: String = "localhost"
        ) {
            self.tls = tls
            self.auth = auth
            self.hangAt = hangAt
            self.certificateName = certificateName
        }
    }

    /// The server's TLS.
    public enum TLSMode: Sendable {
        case none, startTLS, requireStartTLS, implicit
    }

    /// The server's port.
    public let port: Int
    /// The PEM file of the CA that signed its certificate, when it has one.
    public let caFile: String?
    private let process: Subprocess
    private let outFile: URL

    /// Starts a server and waits until it listens.
    public init(_ options: Options = Options()) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("enoki-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.outFile = directory.appendingPathComponent("mails.jsonl")
        let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Python")
        var arguments = [scripts.appendingPathComponent("smtp_server.py").path, "--out", self.outFile.path]
        if options.tls != .none {
            let make = Process()
            make.executableURL = URL(fileURLWithPath: "/bin/bash")
            make.arguments = [
                scripts.appendingPathComponent("make_certs.sh").path, directory.path, options.certificateName,
            ]
            try make.run()
            make.waitUntilExit()
            guard make.terminationStatus == 0 else { throw MailServerError(description: "make_certs.sh failed") }
            arguments += [
                "--cert", directory.appendingPathComponent("server.pem").path,
                "--key", directory.appendingPathComponent("server.key").path,
            ]
            self.caFile = directory.appendingPathComponent("ca.pem").path
        } else {
            self.caFile = nil
        }
        switch options.tls {
        case .implicit: arguments.append("--implicit-tls")
        case .requireStartTLS: arguments.append("--require-starttls")
        case .none, .startTLS: break
        }
        if let auth = options.auth { arguments += ["--auth", "\(auth.user):\(auth.password)"] }
        if let hangAt = options.hangAt { arguments += ["--hang-at", hangAt] }
        var lastError: (any Error)?
        // The port is picked here and taken there: try again should something else take it first.
        for _ in 0..<3 {
            let port = try FreePort.pick()
            let process = try Subprocess(
                name: "smtp",
                executable: PythonPeer.python,
                arguments: arguments + ["--port", String(port)]
            )
            do {
                try await process.waitFor("READY \(port)", timeout: .seconds(30))
                self.port = port
                self.process = process
                return
            } catch {
                lastError = MailServerError(description: "the mail server did not start:\n\(process.log)")
                await process.stop()
            }
        }
        throw lastError ?? MailServerError(description: "the mail server did not start")
    }

    /// The mails taken so far.
    public var mails: [Mail] {
        guard let text = try? String(contentsOf: self.outFile, encoding: .utf8) else { return [] }
        let decoder = JSONDecoder()
        return text.split(separator: "\n").compactMap { try? decoder.decode(Mail.self, from: Data($0.utf8)) }
    }

    /// Waits until the server has taken `count` mails (or more), and returns them.
    public func waitForMails(_ count: Int, timeout: Duration = .seconds(30)) async throws -> [Mail] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let mails = self.mails
            if mails.count >= count { return mails }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw MailServerError(description: "\(self.mails.count) mails came, not \(count):\n\(self.process.log)")
    }

    /// What the server wrote.
    public var log: String { self.process.log }

    /// Stops the server.
    public func stop() async {
        await self.process.stop()
    }
}

/// The Python test peer.
public enum PythonPeer {
    /// The venv's python (`ENOKI_PYTHON`, or `.venv/bin/python`).
    public static var python: String {
        ProcessInfo.processInfo.environment["ENOKI_PYTHON"]
            ?? Broker.repositoryRoot.appendingPathComponent(".venv/bin/python").path
    }
}

/// A mail server that did not start or did not get the mails.
public struct MailServerError: Error, CustomStringConvertible {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}
