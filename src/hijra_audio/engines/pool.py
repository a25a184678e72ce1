"""Run an engine in worker processes, each building its own engine once.

espeak-ng and onnxruntime keep per-process state, so every worker owns one engine instance; the
parent never loads them. Workers are started with `spawn`, and only when there is work.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

from hijra_audio.engines.base import Clip, Engine

_engine: Engine | None = None


def _init_worker(factory: Callable[[], Engine]) -> None:
    global _engine
    _engine = factory()


def _speak(index: int, text: str) -> tuple[int, bytes, int]:
    clip = _engine.synthesize(text)
    return index, clip.samples, clip.sample_rate


class SynthesisPool:
    """`synthesize(texts)` yields `(index, Clip)` as clips are ready, at most `jobs` at once."""

    def __init__(self, factory: Callable[[], Engine], jobs: int):
        self.factory = factory
        self.jobs = max(1, jobs)
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> "SynthesisPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def synthesize(self, texts: list[str]) -> Iterator[tuple[int, Clip]]:
        if not texts:
            return
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self.jobs, mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker, initargs=(self.factory,))
        # A bounded window of tasks in flight keeps memory flat however many texts there are.
        window = self.jobs * 4
        pending = set()
        queue = iter(enumerate(texts))
        try:
            while True:
                for index, text in queue:
                    pending.add(self._executor.submit(_speak, index, text))
                    if len(pending) >= window:
                        break
                if not pending:
                    return
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    index, samples, rate = future.result()
                    yield index, Clip(samples, rate)
        finally:
            for future in pending:
                future.cancel()
