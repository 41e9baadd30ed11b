"""Headless Chromium driven over the Chrome DevTools protocol, with the standard library only.

``tests/report/test_chromium.py`` drives Chromium from its command line
(``--dump-dom``, ``--screenshot``), which cannot click or select. The review
page needs both, so this starts Chromium the same way (same binary lookup,
same flags, a fresh profile) plus ``--remote-debugging-port=0``, reads the
websocket address Chromium prints, and speaks the protocol over a minimal
websocket client (RFC 6455: the handshake, masked text frames out, text,
continuation, ping and close frames in). No browser driver package needed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest

#: The flags of tests/report/test_chromium.py, and the ones the review test needs.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
    "--window-size=1280,1600",
)
_WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def chromium() -> str:
    """The Chromium binary, or skip with the reason (as tests/report/test_chromium.py does)."""
    for name in (os.environ.get("HARNESS_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)  # type: ignore[return-value]
    pytest.skip("no Chromium found (install the Debian package 'chromium', or set HARNESS_CHROMIUM)")


class DevToolsError(RuntimeError):
    """The browser answered a command with an error, or did not answer in time."""


class _WebSocket:
    """A client websocket: enough of RFC 6455 for the DevTools protocol."""

    def __init__(self, url: str, timeout: float):
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
        self.reader = self.sock.makefile("rb")
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {parts.path} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        head = b""
        while not head.endswith(b"\r\n\r\n"):
            line = self.reader.readline()
            if not line:
                raise DevToolsError("the browser closed the connection during the websocket handshake")
            head += line
        status = head.split(b"\r\n", 1)[0]
        if b" 101 " not in status + b" ":
            raise DevToolsError(f"websocket handshake refused: {status.decode(errors='replace')}")
        accept = base64.b64encode(hashlib.sha1((key + _WS_GUID).encode()).digest()).decode()
        if accept.encode() not in head:
            raise DevToolsError("websocket handshake answered with a wrong Sec-WebSocket-Accept")

    def _read(self, n: int) -> bytes:
        data = self.reader.read(n)
        if data is None or len(data) != n:
            raise DevToolsError("the browser closed the DevTools connection")
        return data

    def _send_frame(self, opcode: int, payload: bytes) -> None:
        header = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 1 << 16:
            header += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def send_text(self, text: str) -> None:
        self._send_frame(0x1, text.encode("utf-8"))

    def receive_text(self) -> str:
        parts: list[bytes] = []
        while True:
            first, second = self._read(2)
            fin, opcode = first & 0x80, first & 0x0F
            n = second & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read(8))[0]
            mask = self._read(4) if second & 0x80 else None
            payload = self._read(n)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x9:
                self._send_frame(0xA, payload)
                continue
            if opcode == 0xA:
                continue
            if opcode == 0x8:
                raise DevToolsError("the browser closed the DevTools websocket")
            parts.append(payload)
            if fin:
                return b"".join(parts).decode("utf-8")

    def close(self) -> None:
        try:
            self._send_frame(0x8, b"")
        except OSError:
            pass
        self.reader.close()
        self.sock.close()


class Browser:
    """One headless Chromium process and its first page, driven over DevTools."""

    def __init__(self, binary: str, profile: Path, timeout: float = 30.0):
        self.timeout = timeout
        self.stderr_lines: list[str] = []
        self.process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        found = threading.Event()
        address: list[str] = []

        def drain() -> None:  # keeps reading, so Chromium never blocks on a full pipe
            for line in self.process.stderr:  # type: ignore[union-attr]
                self.stderr_lines.append(line)
                match = re.search(r"DevTools listening on (ws://\S+)", line)
                if match and not found.is_set():
                    address.append(match.group(1))
                    found.set()

        threading.Thread(target=drain, daemon=True).start()
        if not found.wait(timeout):
            self.close()
            raise DevToolsError("Chromium did not open its DevTools port: " + "".join(self.stderr_lines[-20:]))
        port = urlsplit(address[0]).port
        with urlopen(f"http://127.0.0.1:{port}/json/list", timeout=timeout) as answer:
            targets = json.loads(answer.read())
        page = next(t for t in targets if t.get("type") == "page")
        self.ws = _WebSocket(page["webSocketDebuggerUrl"], timeout)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []
        self.call("Page.enable")
        self.call("Runtime.enable")

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one command and return its result; events met meanwhile are kept in ``events``."""
        self.next_id += 1
        self.ws.send_text(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.receive_text())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise DevToolsError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def evaluate(self, expression: str, await_promise: bool = False) -> Any:
        """The value of a JavaScript expression in the page (JSON-serialisable values)."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=await_promise)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise DevToolsError(f"page script error: {details.get('exception', {}).get('description') or details.get('text')}")
        return result["result"].get("value")

    def wait_for(self, expression: str, what: str, timeout: float | None = None) -> Any:
        """Poll ``expression`` until it is truthy; fail naming ``what`` when it never is."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.05)
        raise DevToolsError(f"timed out waiting for {what} ({expression})")

    def navigate(self, url: str) -> None:
        self.call("Page.navigate", url=url)
        self.wait_for("document.readyState === 'complete'", f"{url} to load")

    def mouse(self, kind: str, x: float, y: float, buttons: int = 1, click_count: int = 1) -> None:
        self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", buttons=buttons, clickCount=click_count)

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the element ``selector`` (scrolled into view first)."""
        box = self.evaluate(
            f"""(() => {{ const e = document.querySelector({json.dumps(selector)}); if (!e) return null;
            e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect();
            return {{x: r.left + r.width / 2, y: r.top + r.height / 2, disabled: !!e.disabled}}; }})()"""
        )
        if box is None:
            raise DevToolsError(f"no element {selector} to click")
        if box["disabled"]:
            raise DevToolsError(f"{selector} is disabled")
        self.mouse("mousePressed", box["x"], box["y"])
        self.mouse("mouseReleased", box["x"], box["y"], buttons=0)

    def close(self) -> None:
        ws = getattr(self, "ws", None)
        if ws is not None:
            ws.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
