"""The benchmarks stay runnable: every module imports, every script's --help says what it measures,
the data it needs and its command, every name a benchmark takes from hijra_audio (even inside a
function, even an attribute of a module it imported) still exists, they follow one import
convention, and the index lists them all. So a moved or renamed module breaks this test, not a
benchmark someone runs months later. Nothing here runs a benchmark or times anything."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BENCHMARKS = REPO / "benchmarks"
FILES = sorted(p for p in BENCHMARKS.rglob("*.py") if p.name != "__init__.py")
HELPERS = {"benchmarks.common", "benchmarks.quality.hamza_eval", "benchmarks.quality.quran_eval"}
CHECKED_PACKAGES = {"hijra_audio", "benchmarks", "tests"}     # ours: every name taken from them must exist
SYS_PATH_ALLOWED = {"benchmarks.speed.master_compare"}      # it measures the hijra_audio of a given src folder


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(REPO).with_suffix("").parts)


MODULES = [module_name(p) for p in FILES]
SCRIPTS = [m for m in MODULES if m not in HELPERS]


def test_the_benchmarks_are_found():
    # a guard for the tests below: an empty or misplaced folder would make them pass without checking
    assert len(SCRIPTS) >= 16 and {"benchmarks.speed.build", "benchmarks.quality.hamza",
                                   "benchmarks.tools.procmem"} <= set(SCRIPTS)


@pytest.mark.parametrize("module", MODULES)
def test_every_module_imports(module):
    importlib.import_module(module)


@pytest.mark.parametrize("module", SCRIPTS)
def test_help_says_what_it_measures_the_data_and_the_command(module, capsys):
    script = importlib.import_module(module)
    with pytest.raises(SystemExit) as stopped:
        script.main(["--help"])
    assert stopped.value.code == 0
    shown = capsys.readouterr().out
    assert shown.startswith(f"usage: python -m {module}")
    assert script.__doc__.strip().splitlines()[0] in shown       # what it measures
    assert "\nData: " in shown                                   # what it reads
    assert f".venv/bin/python -m {module}" in shown              # how to run it


@pytest.mark.parametrize("path", [p for p in FILES if module_name(p) in SCRIPTS], ids=module_name)
def test_each_script_runs_its_main_as_a_module(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    mains = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "main"]
    assert mains and [a.arg for a in mains[0].args.args] == ["argv"], "main(argv=None): the test passes --help"
    guards = [n for n in tree.body if isinstance(n, ast.If) and "__main__" in ast.unparse(n.test)]
    assert guards and "main()" in ast.unparse(guards[0])


@pytest.mark.slow
def test_a_script_runs_with_python_m_from_the_repository():
    done = subprocess.run([sys.executable, "-m", "benchmarks.tools.layout_stats", "--help"], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "usage: python -m benchmarks.tools.layout_stats" in done.stdout


def imported_names(source: str) -> list[tuple[int, str, str | None]]:
    """(line, module, name or None) of every import of our packages in `source`, at any depth."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module.split(".")[0] in CHECKED_PACKAGES:
            found += [(node.lineno, node.module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, None) for alias in node.names
                      if alias.name.split(".")[0] in CHECKED_PACKAGES]
    return found


def module_attributes(source: str) -> list[tuple[int, str, str]]:
    """(line, module, attribute) of every `alias.attribute` where `alias` names one of our modules
    imported in `source` (`from hijra_audio.audio import master` ... `master._lame`)."""
    aliases = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module.split(".")[0] in CHECKED_PACKAGES:
            for alias in node.names:
                if _is_module(f"{node.module}.{alias.name}"):
                    aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if top in CHECKED_PACKAGES:      # `import a.b.c` binds a; `import a.b.c as x` binds x to a.b.c
                    aliases[alias.asname or top] = alias.name if alias.asname else top
    return [(node.lineno, aliases[node.value.id], node.attr) for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases]


def _is_module(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


def missing_names(source: str) -> list[str]:
    """What `source` takes from our packages that is not there (an empty list: all of it is)."""
    missing = []
    for line, module, name in imported_names(source):
        if not _is_module(module):
            missing.append(f"line {line}: no module {module}")
        elif name is not None and not hasattr(importlib.import_module(module), name) \
                and not _is_module(f"{module}.{name}"):
            missing.append(f"line {line}: {module} has no {name}")
    for line, module, attribute in module_attributes(source):
        if not hasattr(importlib.import_module(module), attribute):
            missing.append(f"line {line}: {module} has no {attribute}")
    return missing


@pytest.mark.parametrize("source, expected", [
    ("from hijra_audio.text import clean_text\n", []),
    ("def f():\n    from hijra_audio.text import no_such_rule\n", ["line 2: hijra_audio.text has no no_such_rule"]),
    ("def f():\n    from hijra_audio.no_such_room import x\n", ["line 2: no module hijra_audio.no_such_room"]),
    ("from hijra_audio.audio import master\nmaster._no_such_helper()\n",
     ["line 2: hijra_audio.audio.master has no _no_such_helper"]),
    ("from hijra_audio.audio import master as m\nm.master_and_encode\n", []),
    ("import hijra_audio.audio.master\nhijra_audio.no_such\n", ["line 2: hijra_audio has no no_such"]),
])
def test_the_name_check_finds_what_is_gone(source, expected):
    assert missing_names(source) == expected


@pytest.mark.parametrize("path", FILES, ids=module_name)
def test_every_name_taken_from_our_packages_exists(path):
    assert missing_names(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", FILES, ids=module_name)
def test_one_import_convention(path):
    """Absolute imports of benchmarks... and hijra_audio...; no sibling imported by its bare file name
    (`from bench_master import`), no relative import, no sys.path edits."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    siblings = {p.stem for p in FILES}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"line {node.lineno}: relative import"
            assert node.module.split(".")[0] not in siblings, f"line {node.lineno}: from {node.module} (bare name)"
        elif isinstance(node, ast.Import):
            assert not {a.name.split(".")[0] for a in node.names} & siblings, f"line {node.lineno}: bare import"
        elif isinstance(node, ast.Attribute) and ast.unparse(node) == "sys.path":
            assert module_name(path) in SYS_PATH_ALLOWED, f"line {node.lineno}: sys.path edited"


def test_the_index_lists_every_script_with_its_command_and_figures():
    index = (BENCHMARKS / "README.md").read_text(encoding="utf-8")
    sections = index.split("\n### ")[1:]
    named = {section.split(":", 1)[0]: section for section in sections}
    assert set(named) == {m.removeprefix("benchmarks.").replace(".", "/") for m in SCRIPTS}
    for name, section in named.items():
        assert f"python -m benchmarks.{name.replace('/', '.')}" in section, name
        assert "- **Last figures" in section and "- **Data:**" in section, name


@pytest.mark.parametrize("path", FILES, ids=module_name)
def test_the_bundled_files_named_are_shipped(path):
    from benchmarks.common import bundled

    calls = [n for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(n, ast.Call) and ast.unparse(n.func) == "bundled"]
    for call in calls:
        name = ast.literal_eval(call.args[0])
        assert bundled(name).is_file(), f"line {call.lineno}: bundled({name!r}) is not in hijra_audio/data"


def test_the_spoken_texts_are_what_the_plan_hands_the_engine():
    # the one place the benchmarks read segments (speed/build, speed/engines, the audio ones through speech())
    from benchmarks.common import spoken_texts
    from hijra_audio.config import load_config

    texts = spoken_texts(load_config())
    assert len(texts) > 10 and all(t.strip() for t in texts)
    # the speech form, not the display: the bundled lexicon's pronunciations carry vowel marks
    # (`غار ثور ~ غارِ ثَوْر`), which no display text has
    assert any("غارِ ثَوْر" in t for t in texts)
