"""Run a build with the fake engine in its own process (for kill and lock tests):
python -m tests.run_build OUTPUT LOG DELAY JOBS [FILE...]"""

import functools
import sys
from pathlib import Path

from hijra_audio.errors import HijraAudioError
from hijra_audio.pipeline import BuildRequest, build
from hijra_audio.stopping import Stopped, stop_on_signals
from tests.fakes import FakeEngine

if __name__ == "__main__":
    output, log, delay, jobs, *files = sys.argv[1:]
    request = BuildRequest(inputs=tuple(Path(f) for f in files), output=Path(output), jobs=int(jobs),
                           engine_factory=functools.partial(FakeEngine, log, float(delay)))
    try:
        with stop_on_signals():
            report = build(request)
    except HijraAudioError as exc:
        print(exc, file=sys.stderr)
        sys.exit(1)
    except Stopped as stop:
        print(f"stopped by {stop.name}", file=sys.stderr)
        sys.exit(stop.exit_code)
    print(f"{len(report.episodes)} episodes, {report.clips_synthesized} spoken")
