"""Stopping a build by a signal as cleanly as by Ctrl-C.

`kill` (SIGTERM), a closed terminal (SIGHUP) and Ctrl-C (SIGINT) all end a build the same way:
the signal becomes a `Stopped` exception (a KeyboardInterrupt, so every `except BaseException`
clean-up path that handles Ctrl-C handles it too) raised in the main thread; the workers are
stopped, finished work is kept and recorded, and the process exits with 128 + the signal's
number (143, 129, 130). A signal that is ignored when the build starts (SIGHUP under `nohup`)
stays ignored.
"""

from __future__ import annotations

import signal
from contextlib import contextmanager


class Stopped(KeyboardInterrupt):
    """The build was asked to stop by a signal."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


@contextmanager
def stop_on_signals(signals=STOP_SIGNALS):
    """Within the block, each of `signals` raises `Stopped` in the main thread (once: while the
    build cleans up, further ones are ignored). Handlers are restored afterwards."""
    previous = {}

    def handler(signum, _frame):
        for other in previous:
            signal.signal(other, signal.SIG_IGN)    # a second signal does not cut the clean-up short
        raise Stopped(signum)

    for signum in signals:
        current = signal.getsignal(signum)
        if current is signal.SIG_IGN:
            continue                                # nohup: hangups stay ignored
        previous[signum] = current
        signal.signal(signum, handler)
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)
