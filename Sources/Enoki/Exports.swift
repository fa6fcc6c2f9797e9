//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

// One import for service authors: the framework core, Nameko's wire over AMQP, the macros and the command line.
@_exported public import EnokiAMQP
@_exported public import EnokiAMQPClient
@_exported public import EnokiCLI
@_exported public import EnokiCore
@_exported public import EnokiMacros
