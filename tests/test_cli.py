"""The command line: results, help, and every bad input with a clear message that loses nothing."""

import subprocess
import sys

import pytest
from click.testing import CliRunner

from hijra_audio import pipeline
from hijra_audio.cli import main
from hijra_audio.console import Given
from hijra_audio.pipeline import BuildRequest


@pytest.fixture
def previous_output(tmp_path, fake_engine, tree_snapshot):
    """An output folder from a good build, and its snapshot."""
    out = tmp_path / "out"
    pipeline.build(BuildRequest(output=out, jobs=1, engine_factory=fake_engine))
    return out, tree_snapshot(out)


def _runner() -> CliRunner:
    """A runner that keeps stderr (which config is used, warnings) apart from the results."""
    try:
        return CliRunner(mix_stderr=False)
    except TypeError:                       # click 8.2 keeps stderr apart by itself
        return CliRunner()


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


BAD_INPUTS = [
    ("missing", None, "no such file"),
    ("empty", b"   \n", "the file is empty"),
    ("latin1", "الهجرة".encode("cp1256"), "not UTF-8 text"),
    ("english", b"The Prophet left Mecca at night.", "no Arabic letters"),
    ("only-tatweel-and-marks", "\u200f\u200b ــــ".encode(), "no Arabic letters"),
]


@pytest.mark.slow
@pytest.mark.parametrize("name, data, message", BAD_INPUTS)
def test_bad_input_is_one_line_exit_1_and_output_untouched(tmp_path, previous_output, tree_snapshot,
                                                           name, data, message):
    out, before = previous_output
    path = tmp_path / f"{name}.txt"
    if data is not None:
        _write(path, data)
    result = CliRunner().invoke(main, ["build", str(path), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert message in result.output and str(path) in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert tree_snapshot(out) == before


def test_unknown_engine_is_a_usage_error_listing_known_ones():
    result = CliRunner().invoke(main, ["build", "--engine", "nope"])
    assert result.exit_code == 2
    assert "espeak" in result.output


@pytest.mark.slow
def test_bad_config_is_exit_1_naming_the_file(tmp_path, previous_output, tree_snapshot):
    out, before = previous_output
    config = tmp_path / "podcast.toml"
    config.write_text("title = \n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "-c", str(config), "-o", str(out)])
    assert result.exit_code == 1 and str(config) in result.output
    assert tree_snapshot(out) == before


@pytest.mark.slow
def test_module_entry_point_prints_help():
    result = subprocess.run([sys.executable, "-m", "hijra_audio", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "build" in result.stdout


@pytest.mark.slow
def test_build_prints_what_it_wrote(tmp_path, monkeypatch, fake_engine):
    result = CliRunner().invoke(main, ["build", "-o", str(tmp_path / "o"), "-j", "1"],
                                obj=Given(engine_factory=fake_engine))
    assert result.exit_code == 0, result.output
    assert "episode-001.mp3" in result.output and "feed:" in result.output
    assert "episodes," in result.output


@pytest.mark.slow
def test_dry_run_prints_the_plan_and_writes_nothing(tmp_path, previous_output, tree_snapshot):
    out, before = previous_output
    result = _runner().invoke(main, ["build", "--dry-run", "-o", str(out), "--engine", "espeak"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()    # the results; which config is used goes to stderr
    # the fake engine made the previous output: with espeak every episode is to be rebuilt, and why
    assert all(line.startswith("build  episode-") and "engine changed" in line for line in lines[:-1])
    assert "dry run: nothing written" in lines[-1]
    assert tree_snapshot(out) == before
    fresh = CliRunner().invoke(main, ["build", "--dry-run", "-o", str(tmp_path / "new")])
    assert "new" in fresh.output and not (tmp_path / "new").exists()


@pytest.mark.slow
def test_cache_info_and_prune(previous_output):
    out, _ = previous_output
    info = CliRunner(mix_stderr=False).invoke(main, ["cache", "info", "-o", str(out)])
    assert info.exit_code == 0 and " 0 unused" in info.stdout
    assert info.stderr.startswith("config: ")       # which show's settings it went by, on stderr
    pruned = CliRunner(mix_stderr=False).invoke(main, ["cache", "prune", "-o", str(out)])
    assert pruned.exit_code == 0 and pruned.stdout.startswith("removed 0 clips")
