//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import Logging
public import NIOCore
public import NIOPosix
import NIOSSL

/// Sends mail to one SMTP server, a connection for each mail.
///
/// ```swift
/// let client = SMTPClient(configuration: try SMTPConfiguration(uri: "smtp://user:pw@smtp.example.com:587"))
/// let receipt = try await client.send(mail)
/// ```
///
/// Each step (connecting, the greeting, each reply, the TLS handshake, the message) has the configuration's
/// timeout. A failure is an ``SMTPError`` that names the step, the server and its reply.
public struct SMTPClient: Sendable {
    /// Where and how to send.
    public let configuration: SMTPConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger

    /// A client.
    public init(
        configuration: SMTPConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "enoki.smtp")
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Sends a mail.
    ///
    /// - Returns: What the server said: the recipients it took and refused (it refused some, not all) and its
    ///   reply to the message.
    /// - Throws: ``SMTPError``.
    @discardableResult
    public func send(_ message: MailMessage) async throws -> SMTPReceipt {
        let configuration = self.configuration
        let server = configuration.redactedURI
        let recipients = message.recipients
        guard !recipients.isEmpty else { throw SMTPError(.invalidMessage, "the mail has no recipient", server: server) }
        let from = message.envelopeFrom ?? message.from.address
        if message.envelopeFrom != nil { _ = try MailAddress(from) }
        let data = MessageRenderer.dataBytes(try MessageRenderer().render(message))
        let needsUTF8 = ([message.from] + message.to + message.cc + message.bcc).contains { !$0.isASCII }
        let credentials = configuration.username.map { (username: $0, password: configuration.password ?? "") }
        let settings = SMTPSessionStateMachine.Settings(
            heloName: configuration.heloName,
            startTLS: configuration.startTLS,
            implicitTLS: configuration.implicitTLS,
            credentials: credentials,
            timeout: configuration.timeout
        )
        let envelope = SMTPSessionStateMachine.Envelope(
            from: from,
            recipients: recipients,
            needsSMTPUTF8: needsUTF8,
            data: data
        )
        let tls: (context: NIOSSLContext, serverHostname: String?)?
        if configuration.implicitTLS || configuration.startTLS != .off {
            do {
                let context = try NIOSSLContext(configuration: configuration.tlsConfiguration())
                let isAddress = (try? SocketAddress(ipAddress: configuration.host, port: 0)) != nil
                tls = (context, isAddress ? nil : configuration.host)
            } catch {
                throw SMTPError(.configuration, "the TLS settings are not usable: \(error)", server: server)
            }
        } else {
            tls = nil
        }
        let eventLoop = self.eventLoopGroup.next()
        let promise = eventLoop.makePromise(of: SMTPReceipt.self)
        let timeout = TimeAmount(configuration.timeout)
        var logger = self.logger
        logger[metadataKey: "smtp.server"] = "\(server)"
        let machine = SMTPSessionStateMachine(settings: settings, envelope: envelope)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { [logger] channel in
                channel.eventLoop.makeCompletedFuture {
                    if configuration.implicitTLS, let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tls.context, serverHostname: tls.serverHostname)
                        )
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                    try channel.pipeline.syncOperations.addHandler(
                        SMTPChannelHandler(
                            machine: machine,
                            promise: promise,
                            timeout: timeout,
                            startTLS: configuration.implicitTLS ? nil : tls,
                            logger: logger
                        )
                    )
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch {
            promise.fail(error)
            throw SMTPError(.connect, "could not connect: \(Self.describe(error))", step: .connect, server: server)
        }
        do {
            let receipt = try await promise.futureResult.get()
            logger.debug("smtp mail accepted", metadata: ["smtp.reply": "\(receipt.reply)"])
            return receipt
        } catch let error as SMTPError {
            channel.close(promise: nil)
            throw error.at(server)
        } catch {
            channel.close(promise: nil)
            throw SMTPError(.connectionClosed, "\(error)", server: server)
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? IOError { return error.description }
        if case ChannelError.connectTimeout(let amount) = error {
            return "no connection within \(amount.nanoseconds / 1_000_000) ms"
        }
        return "\(error)"
    }
}
