//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiCore
import EnokiSMTP
import Logging
import Synchronization

/// The dependency that lets workers send mail, over SMTP to the server the config names.
///
/// ```swift
/// @Service("mail")
/// struct Mail {
///     @Dependency(Mailer()) var mailer: MailSender
///
///     @RPC func send(_ to: String, _ subject: String, _ contents: String) async throws {
///         try await mailer.send(to: to, subject: subject, text: contents)
///     }
/// }
/// ```
///
/// It reads two settings of the config:
/// - `SMTP_URI`: the server, as `SMTPConfiguration.init(uri:)` reads it (`smtp://user:password@host:587`,
///   `smtps://…`, `?starttls=required|optional|off&ca_certs=FILE&timeout=SECONDS`). Write the password as
///   `${SMTP_PASSWORD}` to take it from the environment; no log line shows it.
/// - `MAIL_FROM`: the sender, `name@example.com` or `Name <name@example.com>`, unless a mail says otherwise.
///
/// With no `SMTP_URI`, each mail is written to the log instead of being sent (a development default, as web
/// frameworks' console mail backends do); the provider says so once when it starts. `MAIL_FROM` is then
/// `enoki@localhost` unless set; with `SMTP_URI` it must be set.
public final class Mailer: DependencyProvider {
    private struct State: Sendable {
        var backend: MailBackend?
        var from: MailAddress?
    }

    private let state = Mutex(State())
    private let uriKey: String
    private let fromKey: String

    /// A provider that reads `SMTP_URI` and `MAIL_FROM`, or the keys given.
    public init(uriKey: String = "SMTP_URI", fromKey: String = "MAIL_FROM") {
        self.uriKey = uriKey
        self.fromKey = fromKey
    }

    public func setup(_ container: ContainerContext) async throws {
        let config = container.config
        var logger = container.logger
        logger[metadataKey: "service"] = "\(container.serviceName)"
        var from: MailAddress?
        if let text = config[self.fromKey]?.stringValue, !text.isEmpty {
            do {
                from = try MailAddress(parsing: text)
            } catch let error as SMTPError {
                throw EnokiError(.configuration, "\(self.fromKey): \(error.message)")
            }
        } else {
            from = nil
        }
        let backend: MailBackend
        switch config[self.uriKey] {
        case .string(let uri) where !uri.isEmpty:
            guard from != nil else {
                throw EnokiError(.configuration, "\(self.fromKey) is not set: mail sent over SMTP needs a sender")
            }
            do {
                let configuration = try SMTPConfiguration(uri: uri)
                backend = .smtp(SMTPClient(configuration: configuration, logger: logger), logger)
                logger.info("mail goes to \(configuration.redactedURI)")
            } catch let error as SMTPError {
                throw EnokiError(.configuration, error.message)
            }
        case nil, .null, .string:
            backend = .log(logger)
            from = from ?? (try? MailAddress("enoki@localhost"))
            logger.notice(
                "no \(self.uriKey) in the config: mail is written to the log, not sent (set \(self.uriKey) to send it)"
            )
        case let value?:
            throw EnokiError(.configuration, "\(self.uriKey) must be a URI (smtp://host:port), not \(value)")
        }
        self.state.withLock { $0 = State(backend: backend, from: from) }
    }

    public func dependency(for worker: WorkerContext) async throws -> MailSender {
        let state = self.state.withLock { $0 }
        guard let backend = state.backend else { throw EnokiError(.dependency, "Mailer was not set up") }
        return MailSender(backend: backend, defaultFrom: state.from, fromKey: self.fromKey, worker: worker)
    }
}

/// Where a ``Mailer``'s mail goes.
enum MailBackend: Sendable {
    case smtp(SMTPClient, Logger)
    case log(Logger)
}
