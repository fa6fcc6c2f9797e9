//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import Logging

/// What a worker knows about the call it serves: who it is, the chain of calls that led to it, and the context
/// data that travels with every call and event (Nameko's `WorkerContext`).
///
/// The call id is `{service}.{method}.{uuid}`. The call-id stack is the caller's stack with this call's id added,
/// cut to `parent_calls_tracked + 1` entries by dropping the oldest. Context data (language, user id, auth
/// token, user agent, and whatever else the caller sent) comes from the incoming message and is passed on with
/// every call, event and message the worker sends.
///
/// Inside a worker, ``current`` is the worker's context.
public struct WorkerContext: Sendable {
    /// The service the worker belongs to.
    public let serviceName: String
    /// The entrypoint's method name on the wire (`append_identifier`).
    public let methodName: String
    /// This worker's call id: `{service}.{method}.{uuid}`.
    public let callID: String
    /// The call-id stack, oldest first, ending with ``callID``.
    public let callIDStack: [String]
    /// The context data, without the call-id stack.
    public var data: JSONObject
    /// The logger the worker's lines go to, before the worker's own metadata is added.
    private let baseLogger: Logger

    /// Where the worker logs: its container's logger, with the worker's `service`, `entrypoint` (the method's wire
    /// name) and `call_id` as metadata, so that every line a worker writes ties back to its call.
    ///
    /// ```swift
    /// @Dependency(WorkerLoggerProvider()) var logger: Logger
    ///
    /// @RPC func place(_ item: String) {
    ///     self.logger.info("placing an order", metadata: ["item": "\(item)"])
    /// }
    /// ```
    public var logger: Logger {
        var logger = self.baseLogger
        logger[metadataKey: "service"] = .string(self.serviceName)
        logger[metadataKey: "entrypoint"] = .string(self.methodName)
        logger[metadataKey: "call_id"] = .string(self.callID)
        return logger
    }

    /// Where the lines of workers made without a logger go: swift-log's default handler, label `enoki.worker`.
    public static let defaultLogger = Logger(label: "enoki.worker")

    /// The worker's context while it runs; `nil` outside workers.
    @TaskLocal public static var current: WorkerContext?

    /// The default number of parent calls kept in the stack (`parent_calls_tracked`).
    public static let defaultParentCallsTracked = 10

    /// Makes a worker's context.
    ///
    /// - Parameters:
    ///   - serviceName: The service.
    ///   - methodName: The entrypoint's method name.
    ///   - parentStack: The stack that came with the message (empty when there is none).
    ///   - data: The context data that came with the message.
    ///   - parentCallsTracked: How many parent calls to keep (`parent_calls_tracked`, default 10).
    ///   - id: The unique part of the call id; a new UUID by default.
    ///   - logger: The logger of the worker's container; ``logger`` adds the worker's metadata to it.
    public init(
        serviceName: String,
        methodName: String,
        parentStack: [String] = [],
        data: JSONObject = [:],
        parentCallsTracked: Int = WorkerContext.defaultParentCallsTracked,
        id: String = RandomUUID.make(),
        logger: Logger = WorkerContext.defaultLogger
    ) {
        self.baseLogger = logger
        self.serviceName = serviceName
        self.methodName = methodName
        self.callID = "\(serviceName).\(methodName).\(id)"
        var stack = parentStack
        stack.append(self.callID)
        let limit = max(parentCallsTracked, 0) + 1
        if stack.count > limit {
            stack.removeFirst(stack.count - limit)
        }
        self.callIDStack = stack
        self.data = data
    }

    /// The context of a client that is not a service (Nameko's standalone proxy): service `standalone_rpc_proxy`,
    /// method `call`. Every call made with one such context carries the same stack.
    public static func standalone(data: JSONObject = [:], parentStack: [String] = []) -> WorkerContext {
        WorkerContext(serviceName: "standalone_rpc_proxy", methodName: "call", parentStack: parentStack, data: data)
    }

    /// The first call of the chain, if this call has parents.
    public var originCallID: String? { self.callIDStack.count > 1 ? self.callIDStack.first : nil }

    /// The call that led directly to this one, if any.
    public var immediateParentCallID: String? {
        self.callIDStack.count > 1 ? self.callIDStack[self.callIDStack.count - 2] : nil
    }

    /// `language` from the context data.
    public var language: String? { self.data["language"]?.stringValue }
    /// `user_id` from the context data (a string or a number, as the caller sent it).
    public var userID: JSONValue? { self.data["user_id"] }
    /// `user_agent` from the context data.
    public var userAgent: String? { self.data["user_agent"]?.stringValue }
    /// `auth_token` from the context data.
    public var authToken: String? { self.data["auth_token"]?.stringValue }
}
