"""The house stays straight: no import cycle between the package's parts (a subpackage, or a module
at the top), counting imports made inside functions too; no module over 400 lines and no function
over 60 (benchmarks/tools/layout_stats.py prints the figures)."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "hijra_audio"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _module_name(path: Path, package: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _part(module: str, package: Path = PACKAGE) -> str:
    """`hijra_audio.text.clean` -> `text/`; `hijra_audio.pipeline` -> `pipeline`."""
    names = module.split(".")
    if len(names) < 2:
        return ""
    return names[1] + "/" if (package / names[1]).is_dir() else names[1]


def _imported(node: ast.AST, package: Path) -> list[str]:
    """The hijra_audio modules an import statement loads (`from hijra_audio.text import clean` is
    text/clean.py, not the package `hijra_audio.text` as a whole)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.startswith("hijra_audio.")]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("hijra_audio"):
        found = []
        for alias in node.names:
            name = f"{node.module}.{alias.name}"
            path = package.parent / name.replace(".", "/")
            found.append(name if path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()
                         else node.module)
        return found
    return []


def part_edges(package: Path = PACKAGE) -> dict[str, dict[str, list[str]]]:
    """part -> part it imports -> the places (`module:line`) that do it, inside functions too."""
    edges: dict[str, dict[str, list[str]]] = {}
    for path in sorted(package.rglob("*.py")):
        module = _module_name(path, package)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for target in _imported(node, package):
                a, b = _part(module, package), _part(target, package)
                if a and b and a != b:
                    edges.setdefault(a, {}).setdefault(b, []).append(f"{module}:{node.lineno}")
    return edges


def find_cycle(edges: dict[str, dict[str, list[str]]]) -> list[str]:
    """One cycle of the graph as the list of its parts (first repeated at the end), or []."""
    state: dict[str, int] = {}          # 1: on the path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, {})):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return []

    for start in sorted(edges):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return []


def test_no_import_cycle_between_the_parts():
    edges = part_edges()
    cycle = find_cycle(edges)
    places = [f"{a} -> {b}: {', '.join(edges[a][b][:3])}" for a, b in zip(cycle, cycle[1:])]
    assert not cycle, "import cycle between the package's parts:\n" + "\n".join(places)


@pytest.mark.parametrize("files, cycle", [
    ({"a/__init__.py": "", "a/x.py": "from hijra_audio import b\n", "b.py": ""}, []),
    ({"a/__init__.py": "", "a/x.py": "from hijra_audio import b\n",
      "b.py": "def f():\n    from hijra_audio.a import x\n"}, ["a/", "b", "a/"]),       # hidden in a function
    ({"a/__init__.py": "from hijra_audio.a import x\n", "a/x.py": "from hijra_audio.a import y\n",
      "a/y.py": ""}, []),                                                               # inside one part
    ({"a.py": "import hijra_audio.b.z\n", "b/__init__.py": "", "b/z.py": "from hijra_audio.c import q\n",
      "c/__init__.py": "", "c/q.py": "from hijra_audio import a\n"}, ["a", "b/", "c/", "a"]),
])
def test_the_cycle_check_finds_cycles(tmp_path, files, cycle):
    package = tmp_path / "hijra_audio"
    for name, source in files.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(source, encoding="utf-8")
    assert find_cycle(part_edges(package)) == cycle


def _functions(tree: ast.AST, prefix: str = ""):
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield f"{prefix}{node.name}", node.end_lineno - node.lineno + 1
            yield from _functions(node, f"{prefix}{node.name}.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{prefix}{node.name}.")


def test_modules_and_functions_stay_short():
    long_modules, long_functions = [], []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        name = str(path.relative_to(PACKAGE))
        if len(source.splitlines()) > MAX_MODULE_LINES:
            long_modules.append(f"{name} {len(source.splitlines())}")
        long_functions += [f"{name}:{fn} {n}" for fn, n in _functions(ast.parse(source)) if n > MAX_FUNCTION_LINES]
    assert not long_modules, f"modules over {MAX_MODULE_LINES} lines (split them by their jobs): {long_modules}"
    assert not long_functions, f"functions over {MAX_FUNCTION_LINES} lines: {long_functions}"
