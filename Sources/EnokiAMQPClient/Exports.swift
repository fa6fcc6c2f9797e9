//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

// The client's API speaks in the codec's types (BasicProperties, FieldTable, ReplyCode, …): one import is enough.
@_exported public import EnokiAMQPProtocol
