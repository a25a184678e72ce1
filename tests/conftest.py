from __future__ import annotations

import functools
from pathlib import Path

import pytest

from tests.fakes import FakeEngine

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture
def shared() -> Path:
    """The read-only shared folder beside the repository (data for tests); skip where it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is not here: it holds the shared narration and data these tests read")
    return SHARED


@pytest.fixture
def fake_engine(tmp_path):
    """A factory for a fast fake engine whose calls are logged to a file (one line per call),
    so calls made in worker processes are counted too."""
    log = tmp_path / "engine-calls.log"

    def calls() -> list[str]:
        return log.read_text(encoding="utf-8").splitlines() if log.exists() else []

    factory = functools.partial(FakeEngine, str(log))
    factory.calls = calls
    return factory


@pytest.fixture
def lecture() -> Path:
    from importlib import resources

    return Path(str(resources.files("hijra_audio") / "data" / "hijra-lecture.txt"))


@pytest.fixture
def tree_snapshot():
    def snap(folder: Path) -> dict[str, tuple[bytes, int]]:
        return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
                for p in sorted(folder.rglob("*")) if p.is_file()}
    return snap
