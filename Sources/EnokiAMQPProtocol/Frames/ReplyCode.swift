//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// A reply code in `connection.close`, `channel.close` and `basic.return`.
///
/// Soft errors close a channel; hard errors close the connection. Codes the specification does not list keep
/// their number.
public struct ReplyCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The code's number.
    public var rawValue: UInt16

    /// Wraps a code number.
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// 200: the close was asked for and nothing is wrong.
    public static let replySuccess = ReplyCode(rawValue: 200)
    /// 311: the message was too large (soft).
    public static let contentTooLarge = ReplyCode(rawValue: 311)
    /// 312: a mandatory message could not be routed to any queue (soft, in `basic.return`).
    public static let noRoute = ReplyCode(rawValue: 312)
    /// 313: an immediate message had no consumer (soft).
    public static let noConsumers = ReplyCode(rawValue: 313)
    /// 320: an operator closed the connection (hard).
    public static let connectionForced = ReplyCode(rawValue: 320)
    /// 402: an invalid path, such as an unknown virtual host (hard).
    public static let invalidPath = ReplyCode(rawValue: 402)
    /// 403: access refused, for example a login failure or a forbidden resource (soft).
    public static let accessRefused = ReplyCode(rawValue: 403)
    /// 404: the entity does not exist (soft).
    public static let notFound = ReplyCode(rawValue: 404)
    /// 405: the resource is locked, for example an exclusive queue of another connection (soft).
    public static let resourceLocked = ReplyCode(rawValue: 405)
    /// 406: a precondition failed, such as redeclaring a queue with other arguments (soft).
    public static let preconditionFailed = ReplyCode(rawValue: 406)
    /// 501: a malformed frame (hard).
    public static let frameError = ReplyCode(rawValue: 501)
    /// 502: a malformed field (hard).
    public static let syntaxError = ReplyCode(rawValue: 502)
    /// 503: a method that is not allowed now (hard).
    public static let commandInvalid = ReplyCode(rawValue: 503)
    /// 504: a channel that is not open, or a second open (hard).
    public static let channelError = ReplyCode(rawValue: 504)
    /// 505: a frame that was not expected (hard).
    public static let unexpectedFrame = ReplyCode(rawValue: 505)
    /// 506: the server ran out of a resource (hard).
    public static let resourceError = ReplyCode(rawValue: 506)
    /// 530: the operation is not allowed, for example an unknown or forbidden virtual host (hard).
    public static let notAllowed = ReplyCode(rawValue: 530)
    /// 540: the server does not implement the method (hard).
    public static let notImplemented = ReplyCode(rawValue: 540)
    /// 541: the server failed internally (hard).
    public static let internalError = ReplyCode(rawValue: 541)

    /// Whether the code closes the connection rather than a channel.
    public var isHardError: Bool {
        switch self.rawValue {
        case 320, 402, 501, 502, 503, 504, 505, 506, 530, 540, 541: return true
        default: return false
        }
    }

    /// The specification's name for the code, such as `PRECONDITION_FAILED`.
    public var name: String {
        switch self.rawValue {
        case 200: return "REPLY_SUCCESS"
        case 311: return "CONTENT_TOO_LARGE"
        case 312: return "NO_ROUTE"
        case 313: return "NO_CONSUMERS"
        case 320: return "CONNECTION_FORCED"
        case 402: return "INVALID_PATH"
        case 403: return "ACCESS_REFUSED"
        case 404: return "NOT_FOUND"
        case 405: return "RESOURCE_LOCKED"
        case 406: return "PRECONDITION_FAILED"
        case 501: return "FRAME_ERROR"
        case 502: return "SYNTAX_ERROR"
        case 503: return "COMMAND_INVALID"
        case 504: return "CHANNEL_ERROR"
        case 505: return "UNEXPECTED_FRAME"
        case 506: return "RESOURCE_ERROR"
        case 530: return "NOT_ALLOWED"
        case 540: return "NOT_IMPLEMENTED"
        case 541: return "INTERNAL_ERROR"
        default: return "UNKNOWN"
        }
    }

    public var description: String { "\(self.rawValue) \(self.name)" }
}
