//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// A mail to send: who from and to, a subject, a text body and, if wanted, an HTML alternative.
///
/// ```swift
/// let mail = MailMessage(
///     from: try MailAddress(parsing: "Compute <compute@example.com>"),
///     to: [try MailAddress("name@email.com")],
///     subject: "Your operation is complete!",
///     text: "The result is: 40"
/// )
/// ```
///
/// Subjects, names and bodies may hold any Unicode text: ``MessageRenderer`` encodes them as RFC 2047 and MIME say.
/// Line breaks in a subject, name or header value are turned into spaces, so that no caller can add headers.
public struct MailMessage: Sendable {
    /// The sender, in the `From` header and, unless ``envelopeFrom`` says otherwise, in `MAIL FROM`.
    public var from: MailAddress
    /// The recipients in the `To` header.
    public var to: [MailAddress]
    /// The recipients in the `Cc` header.
    public var cc: [MailAddress]
    /// Recipients that no header names.
    public var bcc: [MailAddress]
    /// The subject.
    public var subject: String
    /// The plain-text body.
    public var text: String
    /// An HTML body, sent beside the text as `multipart/alternative`.
    public var html: String?
    /// Where replies go (`Reply-To`).
    public var replyTo: MailAddress?
    /// Further headers, in order (`X-Request-Id: …`).
    public var headers: [(name: String, value: String)]
    /// The address of `MAIL FROM` (bounces go there), when it is not that of ``from``.
    public var envelopeFrom: String?

    /// A mail.
    public init(
        from: MailAddress,
        to: [MailAddress],
        cc: [MailAddress] = [],
        bcc: [MailAddress] = [],
        subject: String,
        text: String,
        html: String? = nil,
        replyTo: MailAddress? = nil,
        headers: [(name: String, value: String)] = [],
        envelopeFrom: String? = nil
    ) {
        self.from = from
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.subject = subject
        self.text = text
        self.html = html
        self.replyTo = replyTo
        self.headers = headers
        self.envelopeFrom = envelopeFrom
    }

    /// Every recipient of the envelope: `to`, `cc` and `bcc`, each address once.
    public var recipients: [String] {
        var seen = Set<String>()
        return (self.to + self.cc + self.bcc).map(\.address).filter { seen.insert($0.lowercased()).inserted }
    }
}
