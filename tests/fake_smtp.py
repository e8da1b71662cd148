"""A local stand-in for the city's mail relay: an SMTP server on 127.0.0.1 that speaks
enough of RFC 5321 for Django's SMTP backend (smtplib) and records every message it
accepted, by its Message-ID (the outbox's idempotency key).

A server takes responsibility for a message only when it answers 250 to the end of
DATA. `hold_after(n)` makes it keep that answer back once n messages were accepted:
the senders wait, as on a slow relay, until `release()`. A sender that dies meanwhile
has handed nothing over: its message is dropped, as a real server drops an unfinished
transaction, and recorded in `dropped`.
"""

from __future__ import annotations

import email
import select
import socket
import socketserver
import threading
import time
from collections import Counter
from types import TracebackType
from typing import Self

MAX_LINE = 64 * 1024


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def reply(self, *lines: str) -> None:
        self.wfile.write("".join(line + "\r\n" for line in lines).encode("ascii"))
        self.wfile.flush()

    def handle(self) -> None:
        fake = self.server.fake
        try:
            self.reply("220 fake-relay ESMTP")
            while line := self.rfile.readline(MAX_LINE):
                verb = line[:4].decode("ascii", "replace").upper()
                if verb == "EHLO":
                    self.reply("250-fake-relay", "250-8BITMIME", "250 SMTPUTF8")
                elif verb in {"HELO", "MAIL", "RCPT", "RSET", "NOOP"}:
                    self.reply("250 OK")
                elif verb == "DATA":
                    self.reply("354 End data with <CR><LF>.<CR><LF>")
                    message_id = self._read_message()
                    if message_id is None:
                        return
                    if not fake.wait_for_release(self.connection):
                        fake.record(message_id, accepted=False)
                        return
                    fake.record(message_id, accepted=True)
                    self.reply("250 OK queued")
                elif verb == "QUIT":
                    if fake.answers_quit:
                        self.reply("221 Bye")
                    else:  # silent until the sender gives up and hangs up
                        self.connection.settimeout(30)
                        self.connection.recv(1)
                    return
                else:
                    self.reply("502 Command not implemented")
        except OSError:
            return  # the sender went away

    def _read_message(self) -> str | None:
        lines = []
        while True:
            line = self.rfile.readline(MAX_LINE)
            if not line:
                return None
            if line == b".\r\n":
                break
            lines.append(line[1:] if line.startswith(b"..") else line)
        message_id = email.message_from_bytes(b"".join(lines)).get("Message-ID", "")
        return "".join(str(message_id).split())  # unfolded


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    fake: FakeSmtpServer

    def handle_error(self, request: object, client_address: object) -> None:
        pass


class FakeSmtpServer:
    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self.port = int(self._server.server_address[1])
        self._lock = threading.Lock()
        self.accepted: list[str] = []
        self.dropped: list[str] = []
        self.waiting = 0  # senders kept waiting for the answer to their DATA
        self.answers_quit = True  # False: a relay that takes messages, then hangs
        self._hold_after: int | None = None
        self._released = threading.Event()
        self._released.set()

    def __enter__(self) -> Self:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def hold_after(self, count: int) -> None:
        """Keep back the answer to every DATA once `count` messages were accepted."""
        with self._lock:
            self._hold_after = count

    def release(self) -> None:
        with self._lock:
            self._hold_after = None
        self._released.set()

    def received(self) -> Counter[str]:
        """How many times each Message-ID was accepted."""
        with self._lock:
            return Counter(self.accepted)

    def wait_for_release(self, connection: socket.socket) -> bool:
        """False when the sender disconnected while its answer was held back."""
        with self._lock:
            if self._hold_after is None or len(self.accepted) < self._hold_after:
                return True
            self._released.clear()
            self.waiting += 1
        try:
            while not self._released.wait(0.02):
                readable, _w, _x = select.select([connection], [], [], 0)
                if readable:  # a waiting smtplib sends nothing: this is its end
                    try:
                        if connection.recv(1, socket.MSG_PEEK) == b"":
                            return False
                    except OSError:
                        return False
            return True
        finally:
            with self._lock:
                self.waiting -= 1

    def record(self, message_id: str, *, accepted: bool) -> None:
        with self._lock:
            (self.accepted if accepted else self.dropped).append(message_id)

    def wait_until_waiting(self, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.waiting < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.waiting} senders waiting, not {count}")
            time.sleep(0.02)
