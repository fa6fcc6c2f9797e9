"""A mail server for the tests, on aiosmtpd: it records every mail it takes as a JSON line in a file.

    smtp_server.py --port P --out FILE [--cert C --key K] [--implicit-tls] [--require-starttls]
                   [--auth USER:PASSWORD] [--hang-at data|greeting|garbage|longline]

It prints "READY <port>" once it listens on 127.0.0.1.
"""
import argparse
import asyncio
import email
import email.policy
import json
import logging
import os
import signal
import socket
import ssl
import sys
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Recorder:
    def __init__(self, out, hang_at):
        self.out = out
        self.hang_at = hang_at

    async def handle_DATA(self, server, session, envelope):
        if self.hang_at == "data":
            # A server that stops answering in the middle of a mail.
            await asyncio.sleep(3600)
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(message["From"]),
            "to": str(message["To"]),
            "subject": str(message["Subject"]),
            # Line ends as a mail reader shows them.
            "body": body.get_content().replace("\r\n", "\n") if body is not None else "",
            # STARTTLS sets session.ssl; implicit TLS shows on the transport.
            "tls": session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None,
            "auth": bool(session.authenticated),
            "login": (session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None),
            "mime_version": message["MIME-Version"],
        }
        with open(self.out, "a") as f:
            f.write(json.dumps(record) + "\n")
        return "250 OK queued"


def end_with_the_test():
    """Exits on SIGTERM (which a process started by the test runner inherits blocked), and when the test runner
    that started it is gone, so that no server outlives its test."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def main():
    end_with_the_test()
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--require-starttls", action="store_true")
    parser.add_argument("--auth")
    parser.add_argument("--hang-at")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)

    context = None
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)

    options = {}
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (
                isinstance(auth_data, LoginPassword)
                and auth_data.login.decode() == user
                and auth_data.password.decode() == password
            )
            # handled=False: aiosmtpd then answers a failure with 535 (its default, True, answers nothing).
            return AuthResult(success=ok, handled=False, auth_data=auth_data)

        options.update(
            authenticator=authenticator,
            auth_required=True,
            auth_require_tls=context is not None and not args.implicit_tls,
        )
    if context is not None and not args.implicit_tls:
        options.update(tls_context=context, require_starttls=args.require_starttls)
    if args.implicit_tls:
        options.update(ssl_context=context)

    handler = Recorder(args.out, args.hang_at)
    if args.hang_at in ("greeting", "garbage", "longline"):
        # Accepts connections and never says a word, says what is not SMTP, or sends a line that never ends.
        greeting = {"greeting": b"", "garbage": b"HTTP/1.1 400 Bad Request\r\n", "longline": b"220 " + b"A" * 100000}
        listener = socket.socket()
        listener.bind(("127.0.0.1", args.port))
        listener.listen(16)
        # Short waits: a signal's Python handler runs in the main thread, once it is back from a blocking call.
        listener.settimeout(0.2)
        print("READY %d" % args.port, flush=True)
        held = []
        while True:
            try:
                connection, _ = listener.accept()
            except socket.timeout:
                continue
            connection.sendall(greeting[args.hang_at])
            held.append(connection)

    controller = Controller(handler, hostname="127.0.0.1", port=args.port, server_hostname="localhost", **options)
    controller.start()
    print("READY %d" % args.port, flush=True)
    try:
        while True:
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    sys.exit(main())
