//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki
import FoundationEssentials
import Synchronization

// The Swift side of the interoperability tests: services the Python peers call and that call them.

struct Boom: Error, RemoteErrorConvertible {
    var remoteError: RemoteError {
        RemoteError(excType: "Boom", excPath: "swift_services.Boom", excArgs: ["boom", 42], value: "('boom', 42)")
    }
}

@Service("swift_echo")
struct SwiftEcho {
    @Dependency(WorkerContextProvider()) var worker: WorkerContext
    @RPCProxy("py_echo") var python: ServiceProxy

    @RPC func echo(_ a: JSONValue, b: JSONValue = "default") -> [JSONValue] {
        [a, b]
    }

    @RPC func whoami() -> [String: JSONValue] {
        ["stack": .array(self.worker.callIDStack.map { .string($0) }), "data": .object(self.worker.data)]
    }

    @RPC func fail() throws -> String {
        throw Boom()
    }

    @RPC func slow(_ seconds: Double) async throws -> Double {
        try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        return seconds
    }

    @RPC func callPython() async throws -> JSONValue {
        try await self.python.whoami()
    }

    @RPC func pythonTypes() async throws -> [String: String] {
        struct Types: Decodable {
            var dt: Date
            var date: Date
            var dec: Decimal
            var uuid: UUID
            var text_bytes: Data
            var binary: Data
        }
        let types: Types = try await self.python.types()
        return [
            "dt": KombuEnvelope.formatDate(types.dt) ?? "",
            "date": KombuEnvelope.formatDate(types.date) ?? "",
            "dec": "\(types.dec)",
            "uuid": types.uuid.uuidString,
            "text_bytes": String(decoding: types.text_bytes, as: UTF8.self),
            "binary": types.binary.base64EncodedString(),
        ]
    }
}

@Service("shared_svc")
struct SharedSwift {
    @RPC func who() -> String {
        "swift"
    }
}

/// What the event handlers and consumers of this process received, in order.
let receivedLog = Mutex<[JSONValue]>([])

func record(_ worker: WorkerContext, _ handler: String, _ payload: JSONValue) {
    var data = worker.data
    data["call_id_stack"] = nil
    let entry: JSONValue = [
        "handler": .string(handler),
        "payload": payload,
        "stack": .array(worker.callIDStack.map { .string($0) }),
        "data": .object(data),
    ]
    receivedLog.withLock { $0.append(entry) }
}

/// Dispatches events and publishes messages for Python handlers and consumers.
@Service("sw_source")
struct SwiftSource {
    @Dependency(EventDispatcher()) var dispatch: EventDispatch
    @Dependency(Publisher(exchange: ExchangeSpec("sw_x", type: .topic))) var publish: Publish

    @RPC func emit(_ eventType: String, _ payload: JSONValue) async throws {
        try await self.dispatch.dispatch(eventType, payload)
    }

    @RPC func send(_ routingKey: String, _ body: JSONValue, headers: [String: String] = [:]) async throws {
        var extra = JSONObject()
        for (key, value) in headers { extra[key] = .string(value) }
        try await self.publish.publish(body, routingKey: routingKey, headers: extra)
    }
}

/// Handlers of every type for events Python services dispatch, and a consumer of what they publish.
@Service("sw_handlers")
struct SwiftHandlers {
    @Dependency(WorkerContextProvider()) var worker: WorkerContext

    @EventHandler("py_source", "thing")
    func onPool(_ payload: JSONValue) { record(self.worker, "pool", payload) }

    @EventHandler("py_source", "thing", handlerType: .singleton)
    func onSingleton(_ payload: JSONValue) { record(self.worker, "singleton", payload) }

    @EventHandler("py_source", "thing", handlerType: .broadcast, reliableDelivery: false)
    func onBroadcast(_ payload: JSONValue) { record(self.worker, "broadcast", payload) }

    @EventHandler("py_source", "thing", reliableDelivery: false)
    func onUnreliable(_ payload: JSONValue) { record(self.worker, "unreliable", payload) }

    @Consume(QueueSpec("sw_inbox", exchange: ExchangeSpec("py_x", type: .topic), routingKey: "to.swift"))
    func onMessage(_ body: JSONValue) { record(self.worker, "consume", body) }

    @RPC func received() -> [JSONValue] {
        receivedLog.withLock { $0 }
    }
}

/// The Swift twin of Python's `py_handlers`: the same service, methods and handler types, so that both declare
/// the same queues.
@Service("py_handlers")
struct TwinHandlers {
    @EventHandler("sw_source", "thing")
    func onPool(_ payload: JSONValue) {}

    @EventHandler("sw_source", "thing", handlerType: .singleton)
    func onSingleton(_ payload: JSONValue) {}

    @EventHandler("sw_source", "thing", handlerType: .broadcast, reliableDelivery: false)
    func onBroadcast(_ payload: JSONValue) {}

    @EventHandler("sw_source", "thing", reliableDelivery: false)
    func onUnreliable(_ payload: JSONValue) {}
}

await ServiceCommandLine.main(services: [
    SwiftEcho.self, SharedSwift.self, SwiftSource.self, SwiftHandlers.self, TwinHandlers.self,
])
