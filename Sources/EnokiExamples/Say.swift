//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Prints a line and flushes it at once, so that it shows while the services run (as Python's unbuffered
/// `print` in Nameko's examples).
func say(_ line: String) {
    print(line)
    fflush(nil)
}
