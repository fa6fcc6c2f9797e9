//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import EnokiCLI

// `enoki`: the command tree with no services of its own (`shell`, `call`, `dispatch`, `request`, `describe`,
// `services`, `show-config`); the commands live in EnokiCLI, where they are tested.
await ServiceCommandLine.main(services: [])
