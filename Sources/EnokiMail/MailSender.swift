//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCore
public import EnokiSMTP
import Logging

/// What a worker gets from a ``Mailer``: sends mail and waits until the server has taken it.
///
/// Sending fails with an `SMTPError` that names the step, the server (its password hidden) and its reply;
/// nothing is retried. To send without waiting, call a mail service with `callAsync`, as the seed's `compute`
/// does, or send from a task of your own.
public struct MailSender: Sendable {
    let backend: MailBackend
    let defaultFrom: MailAddress?
    let fromKey: String
    let worker: WorkerContext

    /// Sends a text mail to one recipient or several, separated by commas.
    ///
    /// - Parameters:
    ///   - to: `name@example.com`, `Name <name@example.com>`, or several of them separated by commas.
    ///   - subject: The subject, any text.
    ///   - text: The body, any text.
    ///   - html: An HTML body to send beside the text, if any.
    ///   - from: The sender, when it is not `MAIL_FROM`.
    @discardableResult
    public func send(
        to: String,
        subject: String,
        text: String,
        html: String? = nil,
        from: String? = nil
    ) async throws -> SMTPReceipt? {
        let recipients = try Self.mailboxes(to)
        let sender = try from.map { try MailAddress(parsing: $0) } ?? self.sender()
        return try await self.send(MailMessage(from: sender, to: recipients, subject: subject, text: text, html: html))
    }

    /// Sends a mail.
    ///
    /// - Returns: The server's receipt, or `nil` when the mail was written to the log (no `SMTP_URI`).
    @discardableResult
    public func send(_ message: MailMessage) async throws -> SMTPReceipt? {
        switch self.backend {
        case .smtp(let client, var logger):
            var message = message
            message.headers.append((name: "X-Enoki-Call-Id", value: self.worker.callID))
            logger[metadataKey: "call_id"] = "\(self.worker.callID)"
            let receipt = try await client.send(message)
            for (address, reply) in receipt.refused.sorted(by: { $0.key < $1.key }) {
                logger.warning("the mail server refused the recipient <\(address)>: \(reply)")
            }
            logger.info(
                "mail sent to \(receipt.accepted.joined(separator: ", ")): \(message.subject.debugDescription) (\(receipt.reply))"
            )
            return receipt
        case .log(var logger):
            guard !message.recipients.isEmpty else { throw SMTPError(.invalidMessage, "the mail has no recipient") }
            logger[metadataKey: "call_id"] = "\(self.worker.callID)"
            let recipients = (message.to + message.cc + message.bcc).map(\.description).joined(separator: ", ")
            logger.info(
                """
                mail (not sent: no SMTP_URI)
                From: \(message.from)
                To: \(recipients)
                Subject: \(message.subject)

                \(message.text)
                """
            )
            return nil
        }
    }

    /// The sender of a mail that names none: `MAIL_FROM`.
    func sender() throws -> MailAddress {
        guard let defaultFrom else {
            throw SMTPError(.invalidMessage, "the mail has no sender: set \(self.fromKey) in the config")
        }
        return defaultFrom
    }

    /// The mailboxes of a comma-separated list (commas inside double quotes do not separate).
    static func mailboxes(_ text: String) throws -> [MailAddress] {
        var parts: [String] = []
        var current = ""
        var quoted = false
        for character in text {
            if character == "\"" { quoted.toggle() }
            if character == ",", !quoted {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        let mailboxes = try parts.filter { $0.contains { !$0.isWhitespace } }.map { try MailAddress(parsing: $0) }
        guard !mailboxes.isEmpty else { throw SMTPError(.invalidMessage, "the mail has no recipient") }
        return mailboxes
    }
}
