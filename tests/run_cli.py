"""The real command line with the fake engine, in its own process (for signal and pipe tests):
python -m tests.run_cli LOG DELAY ARG...   (ARG...: what follows `hijra-audio`)"""

import functools
import sys

from hijra_audio import pipeline
from hijra_audio.cli import main
from tests.fakes import FakeEngine

if __name__ == "__main__":
    log, delay, *args = sys.argv[1:]
    real = pipeline.BuildRequest

    def with_fake(**kwargs):
        return real(**{**kwargs, "engine_factory": functools.partial(FakeEngine, log, float(delay))})

    pipeline.BuildRequest = with_fake
    main(args, prog_name="hijra-audio")
