"""Planning: narration values in, episodes out; the plan cache's key follows the planning code."""

import subprocess
import sys
import types
from pathlib import Path

import pytest

from hijra_audio import plan as planning
from hijra_audio.config import load_config
from hijra_audio.sources import Narration


def test_a_narration_value_is_planned_like_a_file(lecture):
    config = load_config()
    from_file = planning.plan_files(config, (lecture,))
    from_value = planning.plan(config, [Narration(str(lecture), lecture.read_text(encoding="utf-8"))])
    assert from_value == from_file and len(from_file.episodes) >= 2


def test_the_plan_key_changes_when_planning_code_changes(tmp_path, monkeypatch):
    config = load_config()
    module_file = tmp_path / "planning_rule.py"
    module_file.write_text("RULE = 1\n", encoding="utf-8")
    module = types.ModuleType("planning_rule")
    module.__file__ = str(module_file)
    monkeypatch.setattr(planning, "PLANNING_MODULES", planning.PLANNING_MODULES + (module,))
    before = planning.plan_key(config, ())
    assert planning.plan_key(config, ()) == before
    module_file.write_text("RULE = 2\n", encoding="utf-8")
    assert planning.plan_key(config, ()) != before


@pytest.mark.slow
def test_every_module_planning_imports_is_in_the_key():
    """Whatever hijra_audio modules planning loads decide the plan, but for the few that only
    carry errors and file writing, and the engines: the config's `[engine]` table is made of the
    settings each adapter declares (their values are in the key, with the rest of the config), and
    nothing of an engine runs while planning. A module moved out of the listed packages would fail
    here instead of silently leaving the plan cache stale."""
    code = ("import sys, hijra_audio.plan as p; from hijra_audio.config import load_config; "
            "p.plan_files(load_config()); "
            "print('\\n'.join(m.__file__ for n, m in sys.modules.items() "
            "if n.startswith('hijra_audio') and getattr(m, '__file__', None)))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    hashed = {str(p) for p in planning.planning_sources()}
    not_planning = ("hijra_audio/__init__.py", "hijra_audio/errors.py", "hijra_audio/rebuild/__init__.py", "hijra_audio/rebuild/cache.py",
                    "hijra_audio/files.py")
    engines = Path(planning.__file__).parent / "engines"
    left_out = [f for f in loaded if f not in hashed and not f.endswith(not_planning) and Path(f).parent != engines]
    assert not left_out, f"planning code missing from the plan cache's key: {left_out}"


def test_numbered_titles_in_the_config_reach_the_titles():
    import dataclasses

    config = load_config()
    plain = planning.plan_files(config).episodes
    numbered = planning.plan_files(dataclasses.replace(config, numbered_titles=True)).episodes
    assert not any(e.title.startswith("الحلقة") for e in plain)
    assert [e.title for e in numbered] == [f"الحلقة {e.number}: {e.title}" for e in plain]
