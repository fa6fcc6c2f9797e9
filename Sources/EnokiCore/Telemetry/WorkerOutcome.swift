//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// How a piece of work an entrypoint took ended, as the `outcome` label of ``ServiceMetrics/Name/workerCalls``
/// says it.
public enum WorkerOutcome: String, Sendable, CaseIterable {
    /// The method returned.
    case success
    /// The method threw an error its entrypoint expects (Nameko's `expected_exceptions`).
    case expectedError = "expected_error"
    /// The method threw any other error, or was cancelled.
    case error
    /// The entrypoint refused the message or request before any worker ran: it could not be read, its arguments did
    /// not fit the method, or the service was stopping.
    case refused
}
