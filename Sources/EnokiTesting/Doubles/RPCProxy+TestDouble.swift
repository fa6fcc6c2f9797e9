//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

public import EnokiAMQP
public import EnokiCore
import Synchronization

/// What an RPC proxy double records, and what it answers.
///
/// ```swift
/// let y = doubles.rpc("y")
/// y.reply("append_identifier") { call in .string("\(call.args[0].stringValue!)-y") }
/// …
/// #expect(y.calls.map(\.method) == ["append_identifier"])
/// ```
public final class RPCProxyRecorder: Sendable {
    private struct State {
        var calls: [ServiceProxy.Call] = []
        var answers: [String: @Sendable (ServiceProxy.Call) async throws -> JSONValue] = [:]
    }

    private let state = Mutex(State())

    /// The calls made so far, in order.
    public var calls: [ServiceProxy.Call] { self.state.withLock { $0.calls } }

    /// Answers calls of `method` with `answer`.
    public func reply(_ method: String, with answer: @escaping @Sendable (ServiceProxy.Call) async throws -> JSONValue)
    {
        self.state.withLock { $0.answers[method] = answer }
    }

    /// Answers calls of `method` with a value.
    public func reply(_ method: String, value: JSONValue) {
        self.reply(method, with: { _ in value })
    }

    /// Answers calls of `method` with an error, as the remote service would.
    public func fail(_ method: String, with error: any Error) {
        self.reply(method, with: { _ in throw error })
    }

    func perform(_ call: ServiceProxy.Call) async throws -> JSONValue {
        let answer = self.state.withLock { state in
            state.calls.append(call)
            return state.answers[call.method]
        }
        return try await answer?(call) ?? .null
    }
}

extension RPCProxy: TestDoubleProviding {
    /// A proxy that records its calls and answers `null`, or what the test configured with
    /// ``RPCProxyRecorder/reply(_:with:)``.
    public func makeTestDouble(named name: String, doubles: TestDoubles) -> ServiceProxy {
        let recorder = RPCProxyRecorder()
        doubles.register(recorder, for: name)
        return ServiceProxy(
            serviceName: self.targetService,
            contextData: doubles.context.data,
            callIDStack: doubles.context.callIDStack
        ) { call in
            try await recorder.perform(call)
        }
    }
}

extension TestDoubles {
    /// The recorder of the RPC proxy double named `name`.
    public func rpc(_ name: String) -> RPCProxyRecorder {
        guard let recorder = self.recorder(name, as: RPCProxyRecorder.self) else {
            preconditionFailure("no RPC proxy double named '\(name)'")
        }
        return recorder
    }
}
