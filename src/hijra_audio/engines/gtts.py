"""Google Translate's text-to-speech through the gTTS library (online), used with care.

gTTS alone cuts a text at 100 characters wherever that falls, waits forever on a silent network,
and turns any 429 into an exception. This adapter:

- cuts each segment itself, at sentence and clause boundaries (Arabic and Latin punctuation,
  then the clause openers of `text.sentences`), into pieces under gTTS's 100-character limit,
  and packs neighbouring clauses into as few requests as fit, cutting at the strongest
  boundaries;
- sends each piece through gTTS with a timeout, retries 429, 5xx and connection errors a bounded
  number of times with exponential backoff and jitter (honouring Retry-After), and spaces
  requests by a rate limit shared by every process of this user on the machine;
- decodes each MP3 (miniaudio), trims the silence gTTS puts around every piece and joins the
  pieces without gaps (a short pause only where the text has punctuation), then resamples to
  the episode rate.

`base_url` (or the HIJRA_AUDIO_GTTS_URL environment variable) sends the requests to another
host speaking the same protocol: the tests' local fake server, or a mirror.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import random
import socket
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from hijra_audio.engines.base import Clip, configured, options, resample, setting
from hijra_audio.errors import ConfigError, EngineError, EngineUnavailable
from hijra_audio.text.sentences import split_pieces
from hijra_audio.text.tokens import CLAUSE_END, COMMA, SENTENCE_END

MAX_CHARS = 100            # gTTS sends a text of up to this many characters in one request
SPLIT_RULES_VERSION = "1"  # part of the identity: a change in cutting or joining re-synthesizes
URL_ENV = "HIJRA_AUDIO_GTTS_URL"
OFFLINE_ENGINE = "espeak"

# Pause kept between two pieces, by the punctuation ending the first (ms).
PAUSE_AFTER_SENTENCE_MS = 250
PAUSE_AFTER_CLAUSE_MS = 150
EDGE_MARGIN_MS = 20        # silence kept at a trimmed edge so no sound is cut
SILENCE_DBFS = -45.0       # below this a 10 ms window counts as silence
FADE_MS = 5



# ---- cutting ----------------------------------------------------------------------------------

def split_text(text: str, max_chars: int = MAX_CHARS) -> list[str]:
    """`text` as the pieces sent, one request each (`text.sentences.split_pieces`)."""
    return split_pieces(text, max_chars)


def _pause_after(piece: str) -> int:
    last = piece.rstrip()[-1:]
    if last in SENTENCE_END:
        return PAUSE_AFTER_SENTENCE_MS
    if last in CLAUSE_END or last in COMMA:
        return PAUSE_AFTER_CLAUSE_MS
    return 0


# ---- audio ------------------------------------------------------------------------------------

def decode_mp3(data: bytes) -> tuple[np.ndarray, int]:
    """MP3 bytes -> mono int16 samples and their rate (miniaudio)."""
    import miniaudio

    decoded = miniaudio.mp3_read_s16(data)
    samples = np.frombuffer(decoded.samples, dtype="<i2")
    if decoded.nchannels > 1:
        samples = samples.reshape(-1, decoded.nchannels).mean(axis=1).astype("<i2")
    return samples, decoded.sample_rate


def trim_silence(samples: np.ndarray, rate: int) -> np.ndarray:
    """Drop the silence at both ends, keeping EDGE_MARGIN_MS, with a short fade at each cut."""
    window = max(1, rate // 100)
    frames = samples.size // window
    if frames == 0:
        return samples
    blocks = samples[:frames * window].astype(np.float64).reshape(frames, window)
    rms = np.sqrt(np.mean(blocks ** 2, axis=1))
    loud = np.nonzero(rms > 32768 * 10 ** (SILENCE_DBFS / 20))[0]
    if loud.size == 0:
        return samples[:0]
    margin = rate * EDGE_MARGIN_MS // 1000
    start = max(0, loud[0] * window - margin)
    end = min(samples.size, (loud[-1] + 1) * window + margin)
    out = samples[start:end].astype(np.float64)
    fade = min(out.size // 2, rate * FADE_MS // 1000)
    if fade:
        ramp = np.linspace(0.0, 1.0, fade)
        out[:fade] *= ramp
        out[-fade:] *= ramp[::-1]
    return out.astype("<i2")


# ---- requests ---------------------------------------------------------------------------------

class RateLimiter:
    """At most `per_second` requests per second across every process that uses the same file:
    each caller reserves the next free slot under a file lock, then sleeps until it."""

    def __init__(self, per_second: float, path: Path):
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self.path = Path(path)

    def wait(self) -> float:
        """Sleep until this caller's slot; returns the slot (time.time() seconds)."""
        if not self.interval:
            return time.time()
        with open(self.path, "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.seek(0)
            try:
                last = float(handle.read() or b"0")
            except ValueError:
                last = 0.0
            now = time.time()
            slot = max(now, last + self.interval)
            handle.seek(0)
            handle.truncate()
            handle.write(repr(slot).encode())
        while (delay := slot - time.time()) > 0:
            time.sleep(delay)
        return slot


def _limiter_path(host: str) -> Path:
    digest = hashlib.sha256(host.encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"hijra-audio-gtts-{os.getuid()}-{digest}.rate"


class _Transient(Exception):
    """A failure worth retrying: 429, 5xx, or no connection."""

    def __init__(self, reason: str, retry_after: float | None = None, offline: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.offline = offline


def _short(text: str, limit: int = 50) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass(frozen=True)
class GttsEngine:
    """gTTS (online). Its settings are the fields declared with `setting` (see OPTIONS)."""

    voice: str = setting("ar", "language code gTTS speaks (default ar)")
    tld: str = setting("com", "Google host: translate.google.<tld> (default com)")
    timeout: float = setting(10.0, "seconds to wait for each request (default 10)")
    retries: int = setting(3, "retries of a piece after 429, 5xx or a connection error (default 3)")
    requests_per_second: float = setting(2.0, "most requests per second, shared by all workers "
                                              "(default 2; 0: no limit)")
    sample_rate: int = 44100
    base_url: str = ""            # another host speaking the protocol (tests, mirrors)
    backoff: float = 1.0          # first retry waits up to this many seconds, doubling each time
    max_backoff: float = 30.0
    name: str = "gtts"

    @classmethod
    def from_config(cls, table, sample_rate: int | None = None) -> "GttsEngine":
        """The engine `table` (the [engine] table) sets up, at the episode rate."""
        engine = cls(**configured(cls, table), sample_rate=sample_rate or 44100,
                     base_url=os.environ.get(URL_ENV, ""))
        engine.validate()
        return engine

    def validate(self) -> None:
        if self.timeout <= 0:
            raise ConfigError(f"[engine] timeout must be above 0 seconds for gtts (it is {self.timeout}).")
        if self.retries < 0:
            raise ConfigError(f"[engine] retries must be 0 or more for gtts (it is {self.retries}).")
        if self.requests_per_second < 0:
            raise ConfigError("[engine] requests_per_second must be 0 (no limit) or more for gtts.")

    # -- where requests go

    @property
    def host_url(self) -> str:
        return (self.base_url or f"https://translate.google.{self.tld}").rstrip("/")

    def identity(self) -> dict[str, str]:
        ident = {"engine": self.name, "voice": self.voice, "tld": self.tld,
                 "sample_rate": str(self.sample_rate), "split-rules": SPLIT_RULES_VERSION}
        if self.base_url:
            ident["url"] = self.host_url
        return ident

    def check(self) -> None:
        """gTTS is installed, knows the language, and the host answers a connection within the
        timeout (no request is sent)."""
        try:
            from gtts.lang import tts_langs
        except ImportError:
            raise EngineUnavailable("the gtts engine needs the gTTS package: pip install gTTS") from None
        if self.voice not in tts_langs():
            raise EngineUnavailable(f"gtts has no language {self.voice!r}; use 'ar' for Arabic.")
        self._probe()

    def _probe(self) -> None:
        parts = urllib.parse.urlsplit(self.host_url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        outcome: list[BaseException | None] = []

        def connect():
            try:
                socket.create_connection((host, port), timeout=self.timeout).close()
                outcome.append(None)
            except OSError as exc:
                outcome.append(exc)

        # getaddrinfo has no timeout of its own: run the whole probe in a thread and stop waiting.
        thread = threading.Thread(target=connect, daemon=True)
        thread.start()
        thread.join(self.timeout)
        if not outcome:
            raise EngineUnavailable(self._offline_message(f"no answer from {host} within {self.timeout:g} s"))
        if outcome[0] is not None:
            raise EngineUnavailable(self._offline_message(f"cannot reach {host}: {outcome[0]}"))

    def _offline_message(self, why: str, where: str = "") -> str:
        return (f"gtts needs internet access{where}: {why}. Clips already made are kept; build again "
                f"when online, or use the offline engine: --engine {OFFLINE_ENGINE}.")

    # -- text

    def prepare(self, text: str) -> str:
        return " ".join(text.split())

    def pieces(self, text: str) -> list[str]:
        """The texts sent, one request each."""
        return split_text(self.prepare(text))

    # -- synthesis

    def synthesize(self, text: str) -> Clip:
        pieces = self.pieces(text)
        if not pieces:
            return Clip(b"", self.sample_rate)
        parts: list[np.ndarray] = []
        for index, piece in enumerate(pieces):
            samples, rate = decode_mp3(self._fetch(piece, text))
            samples = resample(trim_silence(samples, rate), rate, self.sample_rate)
            parts.append(samples)
            if index + 1 < len(pieces):
                pause = _pause_after(piece) * self.sample_rate // 1000
                if pause:
                    parts.append(np.zeros(pause, dtype="<i2"))
        return Clip(np.concatenate(parts).astype("<i2").tobytes(), self.sample_rate)

    def _fetch(self, piece: str, segment: str) -> bytes:
        """One piece's MP3, retried on transient failures (at most `retries` times)."""
        limiter = RateLimiter(self.requests_per_second, _limiter_path(self.host_url))
        where = f" (segment «{_short(segment)}»)"
        attempt = 0
        while True:
            limiter.wait()
            try:
                return self._request(piece, where)
            except _Transient as exc:
                if attempt >= self.retries:
                    raise self._given_up(exc, attempt + 1, where) from None
                delay = random.uniform(0, min(self.max_backoff, self.backoff * 2 ** attempt))
                if exc.retry_after is not None:
                    delay = max(delay, min(exc.retry_after, self.max_backoff))
                time.sleep(delay)
                attempt += 1

    def _given_up(self, exc: _Transient, attempts: int, where: str) -> EngineError:
        tries = f"{attempts} attempt{'s' if attempts > 1 else ''}"
        if exc.offline:
            return EngineError(self._offline_message(f"{exc.reason} after {tries}", where))
        return EngineError(f"gtts failed{where}: {exc.reason} after {tries}. The service is refusing or "
                           f"failing; wait and build again (clips already made are kept), lower "
                           f"requests_per_second in [engine], or use the offline engine: --engine {OFFLINE_ENGINE}.")

    def _request(self, piece: str, where: str) -> bytes:
        import requests
        from gtts.tts import gTTSError

        tts = _gtts_class()(piece, tld=self.tld, lang=self.voice, lang_check=False, pre_processor_funcs=[],
                    timeout=self.timeout, base_url=self.base_url)
        try:
            data = b"".join(tts.stream())
        except gTTSError as exc:
            response = exc.rsp
            if response is None:
                cause = exc.__context__
                if isinstance(cause, requests.exceptions.Timeout):
                    raise _Transient(f"no answer from {self.host_url} within {self.timeout:g} s",
                                     offline=True) from None
                raise _Transient(f"cannot reach {self.host_url} ({type(cause).__name__ if cause else 'error'})",
                                 offline=True) from None
            status = response.status_code
            if status == 429 or status >= 500:
                retry_after = response.headers.get("Retry-After", "")
                raise _Transient(f"HTTP {status} from {self.host_url}",
                                 retry_after=float(retry_after) if retry_after.isdigit() else None) from None
            if status == 200:
                raise EngineError(self._garbage(where)) from None
            raise EngineError(f"gtts failed{where}: HTTP {status} from {self.host_url} ({exc}). "
                              f"Upgrade gTTS (pip install -U gTTS) or use --engine {OFFLINE_ENGINE}.") from None
        except requests.exceptions.RequestException as exc:  # raised while reading the body
            raise _Transient(f"connection to {self.host_url} broken ({type(exc).__name__})", offline=True) from None
        if not data or not _looks_like_mp3(data):
            raise EngineError(self._garbage(where))
        return data

    def _garbage(self, where: str) -> str:
        return (f"gtts failed{where}: {self.host_url} answered without audio; the service may have "
                f"changed. Upgrade gTTS (pip install -U gTTS) or use --engine {OFFLINE_ENGINE}.")


OPTIONS = options(GttsEngine)


def _looks_like_mp3(data: bytes) -> bool:
    return data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


@lru_cache(maxsize=1)
def _gtts_class():
    from gtts import gTTS

    class Gtts(gTTS):
        """gTTS whose requests go to `base_url` when one is given (the same path and body)."""

        def __init__(self, *args, base_url: str = "", **kwargs):
            super().__init__(*args, **kwargs)
            self.base_url = base_url

        def _prepare_requests(self):
            prepared = super()._prepare_requests()
            if self.base_url:
                for request in prepared:
                    path = urllib.parse.urlsplit(request.url).path
                    request.prepare_url(self.base_url.rstrip("/") + path, None)
            return prepared

    return Gtts
