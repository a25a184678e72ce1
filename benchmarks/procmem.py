"""Run a command and sample the resident memory of its whole process tree (from /proc)."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path


def _tree_rss(root: int) -> tuple[int, int]:
    """(sum of RSS over the tree, RSS of the root) in bytes."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid, ppid = int(entry.name), int(fields.get("PPid", "0"))
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0]) * 1024
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total, rss.get(root, 0)


def run(command: list[str], interval: float = 0.2, **kw) -> dict:
    """Wall time, peak RSS of the whole tree and of the main process, exit code."""
    start = time.perf_counter()
    process = subprocess.Popen(command, **kw)
    peak = {"tree": 0, "main": 0}
    done = threading.Event()

    def sample():
        while not done.is_set():
            tree, main = _tree_rss(process.pid)
            peak["tree"], peak["main"] = max(peak["tree"], tree), max(peak["main"], main)
            done.wait(interval)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    code = process.wait()
    wall = time.perf_counter() - start
    done.set()
    thread.join()
    return {"wall": wall, "peak_tree": peak["tree"], "peak_main": peak["main"], "code": code}


if __name__ == "__main__":
    import sys

    print(run(sys.argv[1:]))
    os._exit(0)
