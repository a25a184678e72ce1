"""A build as a user runs it, in the folder they work in: `--only` keeps the feed honest, the
caches stay out of the folder that is published, and progress shows wherever the output goes."""

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from hijra_audio.cli import main
from hijra_audio.config import bundled_config_path
from hijra_audio.console import Given
from hijra_audio.rebuild.cache import ClipCache
from hijra_audio.rebuild.location import CACHE_HOME
from tests.fakes import whole_text_config

REPO = Path(__file__).resolve().parent.parent

BUNDLED = str(bundled_config_path())
EDIT = ("الى ان وصلوا الى المدينة", "الى ان وصلوا الى المدينة الطيبة")   # in the last episode


@pytest.fixture
def here(tmp_path, monkeypatch, fake_engine, lecture):
    """A working folder with the lecture as lecture.txt; builds in it use the fake engine."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lecture.txt").write_text(lecture.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "_GIVEN", Given(engine_factory=fake_engine))
    return tmp_path


_GIVEN = Given()     # what the command line is handed (`here`: the fake engine)


def _run(*args, code=0):
    result = CliRunner(mix_stderr=False).invoke(main, list(args), obj=_GIVEN)
    assert result.exit_code == code, result.output + result.stderr
    return result


def _feed_text(path: Path) -> list[str]:
    return [entry.description for entry in feedparser.parse(str(path)).entries]


# 5. --only is honest

@pytest.mark.slow
def test_only_leaves_other_episodes_as_they_were_built_and_says_so(here, fake_engine):
    config = whole_text_config(here)    # the bundled show, its whole text in the feed
    _run("build", "lecture.txt", "-c", config, "-j", "1", "-q")
    old_feed = (here / "output" / "feed.xml").read_text(encoding="utf-8")
    assert "الطيبة" not in old_feed
    old_mp3 = (here / "output" / "episode-003.mp3").read_bytes()
    narration = here / "lecture.txt"
    narration.write_text(narration.read_text(encoding="utf-8").replace(*EDIT), encoding="utf-8")

    dry = _run("build", "lecture.txt", "-c", config, "--only", "1", "--dry-run").output
    assert re.search(r"^skipped\s+episode-003\.mp3\s+not selected: text changed", dry, re.M), dry
    assert re.search(r"^keep\s+episode-002\.mp3\s+unchanged", dry, re.M), dry

    done = _run("build", "lecture.txt", "-c", config, "--only", "1", "-j", "1", "-q").output
    assert re.search(r"^skipped\s+\S*episode-003\.mp3 .*\(not selected: text changed\)$", done, re.M), done
    assert not re.search(r"^kept\s+\S*episode-003", done, re.M)
    assert "1 skipped (not selected)" in done
    # its audio is the old one: so are its text in the feed, the page and the transcript beside it
    assert (here / "output" / "episode-003.mp3").read_bytes() == old_mp3
    descriptions = _feed_text(here / "output" / "feed.xml")
    assert len(descriptions) == 3 and not any("الطيبة" in d for d in descriptions)
    assert "الطيبة" not in (here / "output" / "index.html").read_text(encoding="utf-8")

    rebuilt = _run("build", "lecture.txt", "-c", config, "-j", "1", "-q").output
    assert re.search(r"^built\s+\S*episode-003\.mp3 .*\(text changed\)$", rebuilt, re.M), rebuilt
    assert "الطيبة" in _feed_text(here / "output" / "feed.xml")[2]
    assert "الطيبة" in (here / "output" / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_only_keeps_the_old_text_of_an_episode_built_before_the_manifest_kept_it(here):
    _run("build", "lecture.txt", "-c", BUNDLED, "-j", "1", "-q")
    out = here / "output"
    old_description = _feed_text(out / "feed.xml")[2]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["episodes"].values():
        del entry["paragraphs"]                      # as a manifest of an earlier version
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    narration = here / "lecture.txt"
    narration.write_text(narration.read_text(encoding="utf-8").replace(*EDIT), encoding="utf-8")
    _run("build", "lecture.txt", "-c", BUNDLED, "--only", "1", "-j", "1", "-q")
    description = _feed_text(out / "feed.xml")[2]
    assert "الطيبة" not in description and "الطيبة" not in (out / "index.html").read_text(encoding="utf-8")
    assert description.split() == old_description.split()     # the transcript's words, as built


# 8. The cache outside what is published

def _clips(folder: Path) -> set[str]:
    return ClipCache(folder).keys()


@pytest.mark.slow
def test_the_cache_is_beside_the_output_folder_not_in_it_and_cache_info_says_where(here):
    _run("build", "-o", "output", "-j", "1", "-q")
    out = here / "output"
    hidden = [p.name for p in out.rglob(".*")]
    assert hidden == [".lock"], hidden                  # no cache inside what is published
    assert not list(out.rglob("*.clip")) and not list(out.rglob("*.pickle"))
    (part,) = (here / CACHE_HOME).iterdir()
    assert part.name.startswith("output-") and _clips(part / "clips")
    info = _run("cache", "info", "-o", "output").output
    folder, counts = info.split(": ", 1)
    assert Path(folder).resolve() == (part / "clips").resolve()
    assert counts.startswith(f"{len(_clips(part / 'clips'))} clips") and " 0 unused" in counts


@pytest.mark.slow
def test_the_cache_is_beside_the_show_config_and_a_config_key_moves_it(here, lecture):
    show = here / "show"
    show.mkdir()
    config = show / "podcast.toml"
    config.write_text(f'title = "عرض"\nnarration = ["{here / "lecture.txt"}"]\nepisode_minutes = 1.5\n',
                      encoding="utf-8")
    _run("build", "-c", str(config), "-o", "site", "-j", "1", "-q")
    (part,) = (show / CACHE_HOME).iterdir()
    assert _clips(part / "clips") and not (here / CACHE_HOME).exists()
    # cache info finds it without -c: the manifest records where the build kept it
    info = _run("cache", "info", "-o", "site", "-v")
    assert Path(info.output.split(": ", 1)[0]).resolve() == (part / "clips").resolve()
    assert "recorded in site/manifest.json" in info.stderr

    config.write_text(config.read_text(encoding="utf-8") + 'cache_dir = "../elsewhere"\n', encoding="utf-8")
    _run("build", "-c", str(config), "-o", "site2", "-j", "1", "-q")
    (moved,) = (here / "elsewhere").iterdir()
    assert _clips(moved / "clips")


@pytest.mark.slow
def test_outputs_sharing_a_cache_folder_never_mix_and_prune_keeps_the_others_clips(here, fake_engine):
    _run("build", "-o", "a", "--cache-dir", "shared", "-j", "1", "-q")
    narration = here / "lecture.txt"
    narration.write_text(narration.read_text(encoding="utf-8").replace(*EDIT), encoding="utf-8")
    _run("build", "lecture.txt", "-c", BUNDLED, "-o", "b", "--cache-dir", "shared", "-j", "1", "-q")
    parts = sorted((here / "shared").iterdir())
    assert [p.name.split("-")[0] for p in parts] == ["a", "b"]
    before = {p.name: _clips(p / "clips") for p in parts}
    # a's episodes use none of b's own clips: pruning a leaves b's part untouched
    (here / "a" / "manifest.json").write_text(json.dumps({"version": 2, "episodes": {},
                                                          "cache": json.loads((here / "a" / "manifest.json")
                                                                              .read_text())["cache"]}))
    pruned = _run("cache", "prune", "-o", "a").output
    assert pruned.startswith(f"removed {len(before[parts[0].name])} clips")
    assert _clips(parts[1] / "clips") == before[parts[1].name]
    calls = len(fake_engine.calls())
    _run("build", "lecture.txt", "-c", BUNDLED, "-o", "b", "--cache-dir", "shared", "--force", "-j", "1", "-q")
    assert len(fake_engine.calls()) == calls, "b's clips were lost"


@pytest.mark.slow
def test_a_build_with_the_old_layout_moves_its_clips_instead_of_speaking_them_again(here, fake_engine):
    _run("build", "-j", "1", "-q")
    out = here / "output"
    (part,) = (here / CACHE_HOME).iterdir()
    made = _clips(part / "clips")
    # the layout of earlier versions: the clips in OUTPUT/.cache/clips, a manifest that says nothing of them
    (out / ".cache").mkdir()
    os.rename(part / "clips", out / ".cache" / "clips")
    (part / "plan").rename(out / ".cache" / "plan")
    manifest = json.loads((out / "manifest.json").read_text())
    del manifest["cache"]
    (out / "manifest.json").write_text(json.dumps(manifest))
    calls = len(fake_engine.calls())
    result = _run("build", "--force", "-j", "1")
    assert len(fake_engine.calls()) == calls, "a clip of the old cache was spoken again"
    assert f"moved {len(made)} clips" in result.stderr
    assert not (out / ".cache").exists()
    assert _clips(part / "clips") == made


def test_cache_info_of_a_missing_folder_and_a_cache_inside_the_output_are_errors(here):
    missing = _run("cache", "info", "-o", "nowhere", code=1).stderr
    assert "nowhere: no such folder" in missing
    inside = _run("build", "-o", "output", "--cache-dir", "output/cache", code=1).stderr
    assert "inside the output folder" in inside
    assert not (here / "output").exists()


# 6. Progress everywhere

def _start(args, log: Path, cwd: Path, **popen) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen([sys.executable, "-m", "tests.run_cli", str(log), "0", *args], cwd=cwd, env=env,
                            **popen)


EPISODE_LINE = re.compile(r"^\[(\d+)/3\] (episode-00\d\.mp3) \d+:\d\d built \(new\)$")


@pytest.mark.slow
def test_a_build_through_a_pipe_prints_one_line_per_episode(tmp_path):
    process = _start(["build", "-j", "1"], tmp_path / "calls.log", tmp_path, stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE, text=True)
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr
    lines = [EPISODE_LINE.match(line) for line in stderr.splitlines()]
    assert sorted(m.group(2) for m in lines if m) == ["episode-001.mp3", "episode-002.mp3", "episode-003.mp3"]
    assert sorted(int(m.group(1)) for m in lines if m) == [1, 2, 3]
    assert "\r" not in stderr and "\x1b" not in stderr
    assert "3 episodes," in stdout

    quiet = _start(["build", "-j", "1", "--force", "-q"], tmp_path / "calls.log", tmp_path,
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, stderr = quiet.communicate(timeout=300)
    assert quiet.returncode == 0 and stderr == ""

    verbose = _start(["build", "-j", "1", "-v"], tmp_path / "calls.log", tmp_path,
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, stderr = verbose.communicate(timeout=300)
    timing = next(line for line in stderr.splitlines() if line.startswith("time: "))
    assert re.fullmatch(r"time: plan [\d.]+ s, decide [\d.]+ s, schedule [\d.]+ s, publish [\d.]+ s", timing)


@pytest.mark.slow
def test_on_a_terminal_the_status_line_is_cleared_before_each_redraw(tmp_path):
    leader, follower = pty.openpty()
    process = _start(["build", "-j", "1"], tmp_path / "calls.log", tmp_path, stdout=subprocess.PIPE,
                     stderr=follower)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:          # the terminal closed: the build is done
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert process.wait(timeout=300) == 0
    text = seen.decode("utf-8").replace("\r\n", "\n")     # the terminal's own line ends
    redraws = text.split("\r")[1:]
    assert redraws, "no progress on a terminal"
    assert all(part.startswith("\x1b[2K") for part in redraws), text
    last = redraws[-1].splitlines()[0]
    assert re.search(r"speaking segments (\d+)/\1", last) and "writing episodes 3/3" in last, last
    assert not EPISODE_LINE.search(text)


@pytest.mark.parametrize("command", [["build"], ["serve"], ["clean", "x.txt"], ["say", "x"], ["engines"],
                                     ["init"], ["cache", "info"], ["cache", "prune"]])
def test_every_command_takes_quiet_and_verbose(command):
    help_text = _run(*command[:2] if command[0] == "cache" else command[:1], "--help").output
    assert "-q, --quiet" in help_text and "-v, --verbose" in help_text
    both = CliRunner().invoke(main, [*command, "-q", "-v"])
    assert both.exit_code == 2 and "give one of them" in both.output
