//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

/// Enoki's version, as `--version` prints it.
public enum EnokiVersion {
    /// The version of this build.
    public static let current = "0.19.0"
}
