#!/usr/bin/env python3
"""Generates the AMQP 0-9-1 method types of EnokiAMQPProtocol.

The table below is the method list of the AMQP 0-9-1 specification (amqp0-9-1.xml, with RabbitMQ's errata and
extensions: exchange.bind/unbind, basic.nack, confirm.*, connection.blocked/unblocked/update-secret).
Run it from the package root; it rewrites the files under Sources/EnokiAMQPProtocol/Methods/:

    python3 dev/generate-amqp-methods.py

The output is committed, so building the package never needs Python.
"""

import os
import re
import subprocess

# (class name, class id, [(method name, method id, synchronous, has content, [(field, type)])])
# A field named "reserved" is written as zero/empty and skipped when read; it does not appear in the Swift API.
SPEC = [
    ("connection", 10, [
        ("start", 10, True, False, [("version-major", "octet"), ("version-minor", "octet"),
                                    ("server-properties", "table"), ("mechanisms", "longstr"),
                                    ("locales", "longstr")]),
        ("start-ok", 11, False, False, [("client-properties", "table"), ("mechanism", "shortstr"),
                                        ("response", "longbytes"), ("locale", "shortstr")]),
        ("secure", 20, True, False, [("challenge", "longbytes")]),
        ("secure-ok", 21, False, False, [("response", "longbytes")]),
        ("tune", 30, True, False, [("channel-max", "short"), ("frame-max", "long"), ("heartbeat", "short")]),
        ("tune-ok", 31, False, False, [("channel-max", "short"), ("frame-max", "long"), ("heartbeat", "short")]),
        ("open", 40, True, False, [("virtual-host", "shortstr"), ("reserved", "shortstr"), ("reserved", "bit")]),
        ("open-ok", 41, False, False, [("reserved", "shortstr")]),
        ("close", 50, True, False, [("reply-code", "short"), ("reply-text", "shortstr"), ("class-id", "short"),
                                    ("method-id", "short")]),
        ("close-ok", 51, False, False, []),
        ("blocked", 60, False, False, [("reason", "shortstr")]),
        ("unblocked", 61, False, False, []),
        ("update-secret", 70, True, False, [("new-secret", "longbytes"), ("reason", "shortstr")]),
        ("update-secret-ok", 71, False, False, []),
    ]),
    ("channel", 20, [
        ("open", 10, True, False, [("reserved", "shortstr")]),
        ("open-ok", 11, False, False, [("reserved", "longstr")]),
        ("flow", 20, True, False, [("active", "bit")]),
        ("flow-ok", 21, False, False, [("active", "bit")]),
        ("close", 40, True, False, [("reply-code", "short"), ("reply-text", "shortstr"), ("class-id", "short"),
                                    ("method-id", "short")]),
        ("close-ok", 41, False, False, []),
    ]),
    ("exchange", 40, [
        ("declare", 10, True, False, [("reserved", "short"), ("exchange", "shortstr"), ("type", "shortstr"),
                                      ("passive", "bit"), ("durable", "bit"), ("auto-delete", "bit"),
                                      ("internal", "bit"), ("no-wait", "bit"), ("arguments", "table")]),
        ("declare-ok", 11, False, False, []),
        ("delete", 20, True, False, [("reserved", "short"), ("exchange", "shortstr"), ("if-unused", "bit"),
                                     ("no-wait", "bit")]),
        ("delete-ok", 21, False, False, []),
        ("bind", 30, True, False, [("reserved", "short"), ("destination", "shortstr"), ("source", "shortstr"),
                                   ("routing-key", "shortstr"), ("no-wait", "bit"), ("arguments", "table")]),
        ("bind-ok", 31, False, False, []),
        ("unbind", 40, True, False, [("reserved", "short"), ("destination", "shortstr"), ("source", "shortstr"),
                                     ("routing-key", "shortstr"), ("no-wait", "bit"), ("arguments", "table")]),
        ("unbind-ok", 51, False, False, []),
    ]),
    ("queue", 50, [
        ("declare", 10, True, False, [("reserved", "short"), ("queue", "shortstr"), ("passive", "bit"),
                                      ("durable", "bit"), ("exclusive", "bit"), ("auto-delete", "bit"),
                                      ("no-wait", "bit"), ("arguments", "table")]),
        ("declare-ok", 11, False, False, [("queue", "shortstr"), ("message-count", "long"),
                                          ("consumer-count", "long")]),
        ("bind", 20, True, False, [("reserved", "short"), ("queue", "shortstr"), ("exchange", "shortstr"),
                                   ("routing-key", "shortstr"), ("no-wait", "bit"), ("arguments", "table")]),
        ("bind-ok", 21, False, False, []),
        ("purge", 30, True, False, [("reserved", "short"), ("queue", "shortstr"), ("no-wait", "bit")]),
        ("purge-ok", 31, False, False, [("message-count", "long")]),
        ("delete", 40, True, False, [("reserved", "short"), ("queue", "shortstr"), ("if-unused", "bit"),
                                     ("if-empty", "bit"), ("no-wait", "bit")]),
        ("delete-ok", 41, False, False, [("message-count", "long")]),
        ("unbind", 50, True, False, [("reserved", "short"), ("queue", "shortstr"), ("exchange", "shortstr"),
                                     ("routing-key", "shortstr"), ("arguments", "table")]),
        ("unbind-ok", 51, False, False, []),
    ]),
    ("basic", 60, [
        ("qos", 10, True, False, [("prefetch-size", "long"), ("prefetch-count", "short"), ("global", "bit")]),
        ("qos-ok", 11, False, False, []),
        ("consume", 20, True, False, [("reserved", "short"), ("queue", "shortstr"), ("consumer-tag", "shortstr"),
                                      ("no-local", "bit"), ("no-ack", "bit"), ("exclusive", "bit"),
                                      ("no-wait", "bit"), ("arguments", "table")]),
        ("consume-ok", 21, False, False, [("consumer-tag", "shortstr")]),
        ("cancel", 30, True, False, [("consumer-tag", "shortstr"), ("no-wait", "bit")]),
        ("cancel-ok", 31, False, False, [("consumer-tag", "shortstr")]),
        ("publish", 40, False, True, [("reserved", "short"), ("exchange", "shortstr"), ("routing-key", "shortstr"),
                                      ("mandatory", "bit"), ("immediate", "bit")]),
        ("return", 50, False, True, [("reply-code", "short"), ("reply-text", "shortstr"), ("exchange", "shortstr"),
                                     ("routing-key", "shortstr")]),
        ("deliver", 60, False, True, [("consumer-tag", "shortstr"), ("delivery-tag", "longlong"),
                                      ("redelivered", "bit"), ("exchange", "shortstr"), ("routing-key", "shortstr")]),
        ("get", 70, True, False, [("reserved", "short"), ("queue", "shortstr"), ("no-ack", "bit")]),
        ("get-ok", 71, False, True, [("delivery-tag", "longlong"), ("redelivered", "bit"), ("exchange", "shortstr"),
                                     ("routing-key", "shortstr"), ("message-count", "long")]),
        ("get-empty", 72, False, False, [("reserved", "shortstr")]),
        ("ack", 80, False, False, [("delivery-tag", "longlong"), ("multiple", "bit")]),
        ("reject", 90, False, False, [("delivery-tag", "longlong"), ("requeue", "bit")]),
        ("recover-async", 100, False, False, [("requeue", "bit")]),
        ("recover", 110, True, False, [("requeue", "bit")]),
        ("recover-ok", 111, False, False, []),
        ("nack", 120, False, False, [("delivery-tag", "longlong"), ("multiple", "bit"), ("requeue", "bit")]),
    ]),
    ("confirm", 85, [
        ("select", 10, True, False, [("no-wait", "bit")]),
        ("select-ok", 11, False, False, []),
    ]),
    ("tx", 90, [
        ("select", 10, True, False, []),
        ("select-ok", 11, False, False, []),
        ("commit", 20, True, False, []),
        ("commit-ok", 21, False, False, []),
        ("rollback", 30, True, False, []),
        ("rollback-ok", 31, False, False, []),
    ]),
]

SWIFT_TYPES = {
    "octet": "UInt8",
    "short": "UInt16",
    "long": "UInt32",
    "longlong": "UInt64",
    "shortstr": "String",
    "longstr": "String",
    "longbytes": "[UInt8]",
    "bit": "Bool",
    "table": "FieldTable",
    "timestamp": "UInt64",
}

DEFAULTS = {"bit": "false", "table": "[:]"}

HEADER = """//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//
// Generated by dev/generate-amqp-methods.py. Do not edit by hand.
"""


def camel(name, upper=False):
    parts = name.split("-")
    out = parts[0] + "".join(p.capitalize() for p in parts[1:])
    out = re.sub(r"Id$", "ID", out)
    if upper:
        out = out[0].upper() + out[1:]
    return out


def public_fields(fields):
    return [(n, t) for (n, t) in fields if n != "reserved"]


def case_name(cls, method):
    return camel(cls) + camel(method, upper=True)


RENAMED = {"internal": "isInternal"}  # `internal` is a keyword


def field_var(name):
    return RENAMED.get(name, camel(name))


def emit_encode(fields):
    lines = []
    bits = []

    def flush_bits():
        if not bits:
            return
        if all(b is None for b in bits):
            lines.append("        buffer.writeInteger(UInt8(0))")
            bits.clear()
            return
        lines.append("        var bits: UInt8 = 0")
        for i, b in enumerate(bits):
            if b is None:
                continue
            lines.append(f"        if self.{b} {{ bits |= {1 << i} }}")
        lines.append("        buffer.writeInteger(bits)")
        bits.clear()

    for (n, t) in fields:
        if t == "bit":
            bits.append(None if n == "reserved" else field_var(n))
            continue
        flush_bits()
        if n == "reserved":
            if t == "short":
                lines.append("        buffer.writeInteger(UInt16(0))")
            elif t == "shortstr":
                lines.append("        buffer.writeInteger(UInt8(0))")
            elif t == "longstr":
                lines.append("        buffer.writeInteger(UInt32(0))")
            else:
                raise ValueError(t)
            continue
        v = f"self.{field_var(n)}"
        if t in ("octet", "short", "long", "longlong", "timestamp"):
            lines.append(f"        buffer.writeInteger({v})")
        elif t == "shortstr":
            lines.append(f"        try buffer.writeAMQPShortString({v})")
        elif t == "longstr":
            lines.append(f"        buffer.writeAMQPLongString({v})")
        elif t == "longbytes":
            lines.append(f"        buffer.writeAMQPLongBytes({v})")
        elif t == "table":
            lines.append(f"        try buffer.writeAMQPFieldTable({v})")
        else:
            raise ValueError(t)
    flush_bits()
    return lines


def emit_decode(fields, lenient=False):
    """The lines that read `fields`. With `lenient`, short strings that are not UTF-8 are read with U+FFFD and
    reported in `problem` instead of throwing: the text of content-carrying methods is chosen by publishers."""
    lines = []
    bit_index = 0
    in_bits = False
    for (n, t) in fields:
        if t == "bit":
            if not in_bits:
                group = []
                for (n2, t2) in fields[fields.index((n, t)):]:
                    if t2 != "bit":
                        break
                    group.append(n2)
                if all(g == "reserved" for g in group):
                    lines.append("        _ = try buffer.readAMQPInteger(as: UInt8.self)")
                else:
                    lines.append("        let bits = try buffer.readAMQPInteger(as: UInt8.self)")
                in_bits = True
                bit_index = 0
            if n != "reserved":
                lines.append(f"        let {field_var(n)} = bits & {1 << bit_index} != 0")
            bit_index += 1
            continue
        in_bits = False
        if n == "reserved":
            if t == "short":
                lines.append("        _ = try buffer.readAMQPInteger(as: UInt16.self)")
            elif t == "shortstr":
                lines.append("        _ = try buffer.readAMQPShortString()")
            elif t == "longstr":
                lines.append("        _ = try buffer.readAMQPLongBytes()")
            continue
        v = field_var(n)
        if t in ("octet", "short", "long", "longlong", "timestamp"):
            lines.append(f"        let {v} = try buffer.readAMQPInteger(as: {SWIFT_TYPES[t]}.self)")
        elif t == "shortstr" and lenient:
            lines.append(f"        let {v} = try buffer.readAMQPShortString(field: \"{n}\", problem: &problem)")
        elif t == "shortstr":
            lines.append(f"        let {v} = try buffer.readAMQPShortString()")
        elif t == "longstr":
            lines.append(f"        let {v} = try buffer.readAMQPLongString()")
        elif t == "longbytes":
            lines.append(f"        let {v} = try buffer.readAMQPLongBytes()")
        elif t == "table":
            lines.append(f"        let {v} = try buffer.readAMQPFieldTable()")
    return lines


def gen_class_file(cls, class_id, methods):
    ns = camel(cls, upper=True)
    out = [HEADER, "import NIOCore", ""]
    out.append("extension AMQPMethod {")
    out.append(f"    /// The payloads of the methods of the AMQP class `{cls}` (class id {class_id}).")
    out.append(f"    public enum {ns}: Sendable {{}}")
    out.append("}")
    out.append("")
    for (m, mid, sync, content, fields) in methods:
        pf = public_fields(fields)
        if not pf:
            continue
        sname = camel(m, upper=True)
        out.append(f"extension AMQPMethod.{ns} {{")
        out.append(f"    /// The arguments of `{cls}.{m}` (class {class_id}, method {mid}).")
        out.append(f"    public struct {sname}: Sendable, Hashable {{")
        for (n, t) in pf:
            out.append(f"        /// The `{n}` field of `{cls}.{m}`.")
            out.append(f"        public var {field_var(n)}: {SWIFT_TYPES[t]}")
        out.append("")
        params = []
        for (n, t) in pf:
            d = DEFAULTS.get(t)
            params.append(f"{field_var(n)}: {SWIFT_TYPES[t]}" + (f" = {d}" if d else ""))
        out.append(f"        /// Creates the arguments of `{cls}.{m}`.")
        out.append("        public init(")
        for i, p in enumerate(params):
            out.append(f"            {p}" + ("," if i < len(params) - 1 else ""))
        out.append("        ) {")
        for (n, t) in pf:
            out.append(f"            self.{field_var(n)} = {field_var(n)}")
        out.append("        }")
        out.append("    }")
        out.append("}")
        out.append("")
        out.append(f"extension AMQPMethod.{ns}.{sname} {{")
        out.append("    func encode(into buffer: inout ByteBuffer) throws(AMQPProtocolError) {")
        out.extend(emit_encode(fields))
        out.append("    }")
        out.append("")
        if content:
            out.append("    static func decode(")
            out.append("        from buffer: inout ByteBuffer,")
            out.append("        problem: inout AMQPProtocolError?")
            out.append("    ) throws(AMQPProtocolError) -> Self {")
        else:
            out.append("    static func decode(from buffer: inout ByteBuffer) throws(AMQPProtocolError) -> Self {")
        out.extend(emit_decode(fields, lenient=content))
        args = ", ".join(f"{field_var(n)}: {field_var(n)}" for (n, t) in pf)
        out.append(f"        return Self({args})")
        out.append("    }")
        out.append("}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


KEYWORDS = {"return"}


def member(name):
    return f"`{name}`" if name in KEYWORDS else name


def gen_ids_file():
    out = [HEADER]
    out.append("/// The class ids of AMQP 0-9-1, as the specification numbers them: the first two bytes of a method frame's")
    out.append("/// payload, and of a content header's (always ``AMQPClassID/basic``).")
    out.append("public enum AMQPClassID {")
    for (cls, cid, methods) in SPEC:
        out.append(f"    /// `{cls}` ({cid}).")
        out.append(f"    public static let {member(camel(cls))}: UInt16 = {cid}")
    out.append("}")
    out.append("")
    out.append("/// The method ids of AMQP 0-9-1 within their classes, as the specification numbers them: the two bytes of a")
    out.append("/// method frame's payload after the class id.")
    out.append("public enum AMQPMethodID {")
    for (cls, cid, methods) in SPEC:
        out.append(f"    /// The methods of `{cls}` (class {cid}).")
        out.append(f"    public enum {camel(cls, upper=True)} {{")
        for (m, mid, *_rest) in methods:
            out.append(f"        /// `{cls}.{m}` ({cid}, {mid}).")
            out.append(f"        public static let {member(camel(m))}: UInt16 = {mid}")
        out.append("    }")
    out.append("}")
    return "\n".join(out).rstrip() + "\n"


def gen_method_file():
    out = [HEADER, "public import NIOCore", ""]
    out.append("/// A method frame's payload: every method of the AMQP 0-9-1 classes connection, channel, exchange, queue,")
    out.append("/// basic, confirm and tx, in both directions.")
    out.append("///")
    out.append("/// The protocol is frozen, so this is a closed enum: a `switch` over it is exhaustive. Methods with")
    out.append("/// arguments carry a payload struct from the class namespaces (``AMQPMethod/Queue/Declare``); methods")
    out.append("/// without arguments (or with reserved ones only) are bare cases.")
    out.append("public enum AMQPMethod: Sendable, Hashable {")
    for (cls, cid, methods) in SPEC:
        for (m, mid, sync, content, fields) in methods:
            cn = case_name(cls, m)
            doc = f"    /// `{cls}.{m}` ({cid}, {mid})."
            out.append(doc)
            if public_fields(fields):
                out.append(f"    case {cn}({camel(cls, upper=True)}.{camel(m, upper=True)})")
            else:
                out.append(f"    case {cn}")
    out.append("}")
    out.append("")
    # ids
    out.append("extension AMQPMethod {")
    out.append("    /// The class id of the method (10 for connection, 20 for channel, …).")
    out.append("    public var classID: UInt16 {")
    out.append("        switch self {")
    for (cls, cid, methods) in SPEC:
        cases = ", ".join("." + case_name(cls, m) for (m, *_rest) in methods)
        out.append(f"        case {cases}:")
        out.append(f"            return AMQPClassID.{member(camel(cls))}")
    out.append("        }")
    out.append("    }")
    out.append("")
    out.append("    /// The method id of the method within its class.")
    out.append("    public var methodID: UInt16 {")
    out.append("        switch self {")
    for (cls, cid, methods) in SPEC:
        for (m, mid, *_rest) in methods:
            out.append(f"        case .{case_name(cls, m)}: return AMQPMethodID.{camel(cls, upper=True)}.{member(camel(m))}")
    out.append("        }")
    out.append("    }")
    out.append("")
    out.append("    /// The method's name as the specification spells it, for example `queue.declare`.")
    out.append("    public var name: String {")
    out.append("        switch self {")
    for (cls, cid, methods) in SPEC:
        for (m, mid, *_rest) in methods:
            out.append(f"        case .{case_name(cls, m)}: return \"{cls}.{m}\"")
    out.append("        }")
    out.append("    }")
    out.append("")
    out.append("    /// The name of the method with the given ids, for example `queue.declare` for 50 and 10, or `nil`.")
    out.append("    public static func name(classID: UInt16, methodID: UInt16) -> String? {")
    out.append("        switch (UInt32(classID) << 16) | UInt32(methodID) {")
    for (cls, cid, methods) in SPEC:
        for (m, mid, *_rest) in methods:
            out.append(f"        case {(cid << 16) | mid}: return \"{cls}.{m}\"")
    out.append("        default: return nil")
    out.append("        }")
    out.append("    }")
    out.append("")
    out.append("    /// Whether a content header and body frames follow the method on its channel.")
    out.append("    public var hasContent: Bool {")
    out.append("        switch self {")
    content_cases = [case_name(cls, m) for (cls, cid, methods) in SPEC for (m, mid, sync, content, f) in methods if content]
    other_cases = [case_name(cls, m) for (cls, cid, methods) in SPEC for (m, mid, sync, content, f) in methods if not content]
    out.append("        case " + ", ".join("." + c for c in content_cases) + ":")
    out.append("            return true")
    for i in range(0, len(other_cases), 6):
        chunk = other_cases[i:i + 6]
        out.append("        case " + ", ".join("." + c for c in chunk) + ":")
        out.append("            return false")
    out.append("        }")
    out.append("    }")
    out.append("}")
    out.append("")
    # encode
    out.append("extension AMQPMethod {")
    out.append("    /// Writes the method's class id, method id and arguments.")
    out.append("    ///")
    out.append("    /// - Throws: ``AMQPProtocolError`` when an argument cannot be encoded (a short string over 255 bytes).")
    out.append("    public func encode(into buffer: inout ByteBuffer) throws(AMQPProtocolError) {")
    out.append("        buffer.writeInteger(self.classID)")
    out.append("        buffer.writeInteger(self.methodID)")
    out.append("        switch self {")
    for (cls, cid, methods) in SPEC:
        for (m, mid, sync, content, fields) in methods:
            cn = case_name(cls, m)
            pf = public_fields(fields)
            if pf:
                out.append(f"        case .{cn}(let arguments):")
                out.append("            try arguments.encode(into: &buffer)")
            else:
                out.append(f"        case .{cn}:")
                enc = emit_encode(fields)
                if enc:
                    out.extend("    " + l for l in enc)
                else:
                    out.append("            break")
    out.append("        }")
    out.append("    }")
    out.append("")
    out.append("    /// Reads a method's class id, method id and arguments from a method frame's payload.")
    out.append("    ///")
    out.append("    /// - Throws: ``AMQPProtocolError`` for an unknown method, a truncated argument list or text that is not")
    out.append("    ///   UTF-8.")
    out.append("    public static func decode(from buffer: inout ByteBuffer) throws(AMQPProtocolError) -> AMQPMethod {")
    out.append("        var problem: AMQPProtocolError?")
    out.append("        let method = try self.decode(from: &buffer, problem: &problem)")
    out.append("        if let problem { throw problem }")
    out.append("        return method")
    out.append("    }")
    out.append("")
    out.append("    /// Reads a method's class id, method id and arguments from a method frame's payload, reading the text of a")
    out.append("    /// content-carrying method (`basic.publish`, `basic.return`, `basic.deliver`, `basic.get-ok`) leniently: its")
    out.append("    /// exchange and routing key are chosen by a publisher, so text that is not UTF-8 there is read with U+FFFD")
    out.append("    /// and reported in `problem`, a problem of that one message rather than of the connection.")
    out.append("    ///")
    out.append("    /// - Throws: ``AMQPProtocolError`` for an unknown method, a truncated argument list, or text that is not")
    out.append("    ///   UTF-8 in a method without content.")
    out.append("    public static func decode(")
    out.append("        from buffer: inout ByteBuffer,")
    out.append("        problem: inout AMQPProtocolError?")
    out.append("    ) throws(AMQPProtocolError) -> AMQPMethod {")
    out.append("        let classID = try buffer.readAMQPInteger(as: UInt16.self)")
    out.append("        let methodID = try buffer.readAMQPInteger(as: UInt16.self)")
    out.append("        switch (UInt32(classID) << 16) | UInt32(methodID) {")
    for (cls, cid, methods) in SPEC:
        for (m, mid, sync, content, fields) in methods:
            cn = case_name(cls, m)
            key = (cid << 16) | mid
            pf = public_fields(fields)
            out.append(f"        case {key}:  // {cls}.{m}")
            if pf and content:
                out.append(f"            return .{cn}(try .decode(from: &buffer, problem: &problem))")
            elif pf:
                out.append(f"            return .{cn}(try .decode(from: &buffer))")
            else:
                dec = emit_decode(fields)
                out.extend("    " + l for l in dec)
                out.append(f"            return .{cn}")
    out.append("        default:")
    out.append("            throw AMQPProtocolError(.unknownMethod, \"unknown method \\(classID).\\(methodID)\")")
    out.append("        }")
    out.append("    }")
    out.append("}")
    out.append("")
    # test support: every method with sample values
    return "\n".join(out).rstrip() + "\n"


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    target = os.path.join(root, "Sources", "EnokiAMQPProtocol", "Methods")
    os.makedirs(target, exist_ok=True)
    with open(os.path.join(target, "AMQPMethod.swift"), "w") as f:
        f.write(gen_method_file())
    with open(os.path.join(target, "AMQPMethodIDs.swift"), "w") as f:
        f.write(gen_ids_file())
    for (cls, cid, methods) in SPEC:
        with open(os.path.join(target, f"AMQPMethod+{camel(cls, upper=True)}.swift"), "w") as f:
            f.write(gen_class_file(cls, cid, methods))
    # A list of every method, for the round-trip tests.
    tests = os.path.join(root, "Tests", "EnokiAMQPProtocolTests", "Generated")
    os.makedirs(tests, exist_ok=True)
    with open(os.path.join(tests, "AllMethods.swift"), "w") as f:
        f.write(gen_test_samples())
    # Keep the output in the project's format, so that regenerating changes nothing.
    subprocess.run(["swift", "format", "format", "-i", "-r", target, tests], check=True)


SAMPLES = {
    "octet": ["7", "255"],
    "short": ["513", "65535"],
    "long": ["70000", "4294967295"],
    "longlong": ["1", "18446744073709551615"],
    "shortstr": ['"hellø"', '""'],
    "longstr": ['"a longer string ✓"', '""'],
    "longbytes": ["[0, 1, 2, 255]", "[]"],
    "bit": ["true", "false"],
    "table": ['["k": .string("v"), "n": .int32(-5)]', "[:]"],
    "timestamp": ["1700000000", "0"],
}


def gen_test_samples():
    out = [HEADER, "import EnokiAMQPProtocol", ""]
    out.append("/// Two instances of every method: one with every argument set to a non-default value, one with the")
    out.append("/// opposite bits and empty values, so that every bit position and every field is exercised.")
    out.append("let allMethodSamples: [AMQPMethod] = [")
    for (cls, cid, methods) in SPEC:
        for (m, mid, sync, content, fields) in methods:
            cn = case_name(cls, m)
            pf = public_fields(fields)
            if not pf:
                out.append(f"    .{cn},")
                continue
            for variant in (0, 1):
                args = []
                for i, (n, t) in enumerate(pf):
                    vals = SAMPLES[t]
                    # alternate bits so that each bit is seen set alone
                    if t == "bit":
                        v = "true" if (i % 2 == variant) else "false"
                    else:
                        v = vals[variant]
                    args.append(f"{field_var(n)}: {v}")
                out.append(f"    .{cn}(.init({', '.join(args)})),")
    out.append("]")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
