"""Real SMTP servers on 127.0.0.1 for the mail tests (aiosmtpd), and misbehaving ones."""

from __future__ import annotations

import asyncio
import socket
import ssl
import subprocess
import threading
from email import policy
from email.parser import BytesParser
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "xzzf@hsb.example.gov.cn", "Correct-Horse-42"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """Keeps every message the server accepted; refuses recipients at refuse.example for good
    (550), and those at busy.example for now (451) while `busy` is set."""

    def __init__(self):
        self.messages = []
        self.busy = True

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refuse.example"):
            return "550 no such user"
        if address.endswith("@busy.example") and self.busy:
            return "451 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, BytesParser(policy=policy.default).parsebytes(envelope.content)))
        return "250 OK"


class StallsOnQuit(Inbox):
    """An Inbox whose server, having accepted the message, does not answer QUIT while
    `stalling` is set; `quitting` is set when a client says QUIT."""

    def __init__(self):
        super().__init__()
        self.stalling = True
        self.quitting = threading.Event()

    async def handle_QUIT(self, server, session, envelope):
        self.quitting.set()
        while self.stalling:
            await asyncio.sleep(0.1)
        return "221 Bye"


def self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login.decode(), auth_data.password.decode()) == (
        USER, PASSWORD)
    return AuthResult(success=ok, handled=False)  # let aiosmtpd answer 535 on failure


class Server:
    def __init__(self, tls_folder: Path | None = None, port: int | None = None, inbox: Inbox | None = None):
        self.inbox = inbox or Inbox()
        self.port = port or free_port()
        options = {}
        if tls_folder:
            self.cert, key = self_signed(tls_folder)
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(self.cert, key)
            options = {"tls_context": context, "require_starttls": True, "authenticator": authenticate,
                       "auth_required": True}
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **options)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


class Misbehaving:
    """A TCP server that is silent, or greets and then drops the line when DATA is sent."""

    def __init__(self, mode: str):
        self.mode, self.port = mode, free_port()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", self.port))
        self.sock.listen()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.sock.close()

    def _serve(self):
        try:
            connection, _ = self.sock.accept()
        except OSError:
            return
        with connection:
            if self.mode == "silent":
                connection.recv(1)  # never answers; the client must time out
                return
            reader = connection.makefile("rb")
            connection.sendall(b"220 localhost ESMTP\r\n")
            for line in reader:
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    connection.sendall(b"250 localhost\r\n")
                elif verb == b"DATA":
                    return  # the line drops during DATA
                else:
                    connection.sendall(b"250 OK\r\n")
