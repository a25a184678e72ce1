"""The real command line with the fake engine, in its own process (for signal and pipe tests):
python -m tests.run_cli LOG DELAY ARG...   (ARG...: what follows `hijra-audio`)"""

import functools
import sys

from hijra_audio.cli import main
from hijra_audio.console import Given
from tests.fakes import FakeEngine

if __name__ == "__main__":
    log, delay, *args = sys.argv[1:]
    main(args, prog_name="hijra-audio", obj=Given(engine_factory=functools.partial(FakeEngine, log, float(delay))))
