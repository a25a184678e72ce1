"""A local stand-in for Google Translate's TTS endpoint, speaking the protocol gTTS uses.

gTTS POSTs `f.req=<json rpc>` to `/_/TranslateWebserverUi/data/batchexecute` and reads the MP3,
base64-encoded, out of the `jQ1olc` line of the answer. This server answers the same way with
real MP3 audio (LAME through lameenc, 24 kHz mono 32 kbps like the real service): a tone whose
length follows the text, with silence before and after as the real service leaves. It can be
told to answer 429, 500, garbage, or nothing, in order, per request; it records every request.
It listens on 127.0.0.1 only and stops by itself when the test ends.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np

RATE = 24000
SECONDS_PER_CHAR = 0.06
EDGE_SILENCE = 0.2
PATH = "/_/TranslateWebserverUi/data/batchexecute"
PROXY_VARIABLES = ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")
HANG_LIMIT = 30.0   # a hanging answer gives up after this long, whatever happens


def tone_mp3(text: str) -> bytes:
    import lameenc

    seconds = max(0.2, len(text) * SECONDS_PER_CHAR)
    t = np.arange(int(RATE * seconds)) / RATE
    tone = np.sin(2 * np.pi * 300 * t) * 8000
    edge = np.zeros(int(RATE * EDGE_SILENCE))
    samples = np.concatenate([edge, tone, edge]).astype("<i2")
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(32)
    encoder.set_in_sample_rate(RATE)
    encoder.set_channels(1)
    encoder.set_quality(7)
    return bytes(encoder.encode(samples.tobytes()) + encoder.flush())


def answer_body(mp3: bytes) -> bytes:
    payload = json.dumps([base64.b64encode(mp3).decode("ascii")])
    row = json.dumps([["wrb.fr", "jQ1olc", payload, None, None, None, "generic"],
                      ["di", 55], ["af.httprm", 54, "-1234567890", 7]], separators=(",", ":"))
    tail = '[["e",4,null,null,%d]]' % (len(row) + 40)
    return f")]}}'\n\n{len(row)}\n{row}\n{len(tail)}\n{tail}\n".encode("utf-8")


@dataclass
class Received:
    time: float
    text: str
    lang: str


class FakeGtts:
    """`with FakeGtts() as server:` ... `server.url`, `server.script([...])`, `server.received`."""

    def __init__(self):
        self.received: list[Received] = []
        self._script: list[str] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length).decode("utf-8")
                if self.path != PATH:
                    return self._send(404, b"not found")
                form = urllib.parse.parse_qs(body)
                rpc = json.loads(form["f.req"][0])
                text, lang = json.loads(rpc[0][0][1])[:2]
                with server._lock:
                    server.received.append(Received(time.monotonic(), text, lang))
                    action = server._script.pop(0) if server._script else "ok"
                if action == "hang":
                    server._stop.wait(HANG_LIMIT)
                    return
                if action in ("429", "500", "503"):
                    return self._send(int(action), b"error")
                if action == "garbage":
                    return self._send(200, b")]}'\n\n<html>not what you expected</html>\n")
                self._send(200, answer_body(tone_mp3(text)))

            def _send(self, status: int, data: bytes):
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def script(self, actions: list[str]) -> None:
        """Answers for the next requests, in order: "ok", "429", "500", "garbage", "hang"."""
        with self._lock:
            self._script = list(actions)

    def texts(self) -> list[str]:
        return [r.text for r in self.received]

    def __enter__(self) -> "FakeGtts":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
