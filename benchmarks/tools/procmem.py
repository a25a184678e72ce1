"""Run a command and sample the memory of its whole process tree (from /proc).

Two sums over the tree: RSS counts the pages each process has in memory, so the shared libraries
every worker maps (numpy, onnxruntime, ...) are counted once per process; PSS (proportional set
size, from /proc/PID/smaps_rollup) splits each shared page among the processes that map it, so
its sum is what the tree takes from the machine. Both are reported. speed/regen.py measures its
builds with `run`; from the command line it prints that for any command (a whole-Sira build, say).

Data: none (Linux's /proc).

    .venv/bin/python -m benchmarks.tools.procmem COMMAND [ARG ...]
    .venv/bin/python -m benchmarks.tools.procmem \\
        .venv/bin/hijra-audio build -q ../shared/data/sira/ibnhisham-full.txt -o /tmp/sira -j 2
"""

from __future__ import annotations

import argparse
import os
import subprocess
import threading
import time
from pathlib import Path

from benchmarks.common import argument_parser


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("PPid:"):
                children.setdefault(int(line.split()[1]), []).append(int(entry.name))
                break
    return children


def _memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in bytes; zeros when it is gone."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0, 0
    fields = {line.split(":")[0]: int(line.split()[1]) * 1024 for line in rollup.splitlines()[1:] if ":" in line}
    return fields.get("Rss", 0), fields.get("Pss", 0)


def _tree(root: int) -> dict[int, tuple[int, int]]:
    children, out, stack = _children(), {}, [root]
    while stack:
        pid = stack.pop()
        out[pid] = _memory(pid)
        stack.extend(children.get(pid, []))
    return out


def run(command: list[str], interval: float = 0.2, **kw) -> dict:
    """Wall time, exit code, and peaks: RSS and PSS summed over the tree, the main process's RSS,
    and the largest RSS of any other process in the tree."""
    start = time.perf_counter()
    process = subprocess.Popen(command, **kw)
    peak = {"tree": 0, "tree_pss": 0, "main": 0, "child": 0}
    done = threading.Event()

    def sample():
        while not done.is_set():
            tree = _tree(process.pid)
            peak["tree"] = max(peak["tree"], sum(r for r, _ in tree.values()))
            peak["tree_pss"] = max(peak["tree_pss"], sum(p for _, p in tree.values()))
            peak["main"] = max(peak["main"], tree.get(process.pid, (0, 0))[0])
            peak["child"] = max([peak["child"]] + [r for pid, (r, _) in tree.items() if pid != process.pid])
            done.wait(interval)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    code = process.wait()
    wall = time.perf_counter() - start
    done.set()
    thread.join()
    return {"wall": wall, "peak_tree": peak["tree"], "peak_tree_pss": peak["tree_pss"],
            "peak_main": peak["main"], "peak_child": peak["child"], "code": code}


def main(argv: list[str] | None = None) -> None:
    parser = argument_parser(__doc__, __file__)
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command run and sampled, with its arguments")
    args = parser.parse_args(argv)
    if not args.command:
        parser.error("give the command to run")
    print(run(args.command))


if __name__ == "__main__":
    main()
    os._exit(0)
