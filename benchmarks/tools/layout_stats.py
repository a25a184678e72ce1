"""The shape of the code: lines of the largest modules and of the longest functions, and how
many modules sit at the top of the package (the layout issue's figures).

Data: this repository's src/hijra_audio (read as text, nothing imported).

    .venv/bin/python -m benchmarks.tools.layout_stats [--top 5]
"""

from __future__ import annotations

import ast

from benchmarks.common import REPO, argument_parser, print_context

PACKAGE = REPO / "src" / "hijra_audio"


def functions(tree: ast.AST, prefix: str = ""):
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield f"{prefix}{node.name}", node.end_lineno - node.lineno + 1
            yield from functions(node, f"{prefix}{node.name}.")
        elif isinstance(node, ast.ClassDef):
            yield from functions(node, f"{prefix}{node.name}.")


def main(argv: list[str] | None = None) -> None:
    parser = argument_parser(__doc__, __file__)
    parser.add_argument("--top", type=int, default=5, help="how many of the largest modules and longest functions")
    args = parser.parse_args(argv)
    print_context()
    modules, funcs = [], []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        name = str(path.relative_to(PACKAGE))
        modules.append((len(source.splitlines()), name))
        funcs.extend((length, f"{name}:{fn}") for fn, length in functions(ast.parse(source)))
    top_level = [p.name for p in PACKAGE.glob("*.py")]
    print(f"modules: {len(modules)}, at the top of the package: {len(top_level)}")
    print("largest modules (lines): " + ", ".join(f"{n} {lines}" for lines, n in sorted(modules, reverse=True)[:args.top]))
    print("longest functions (lines): " + ", ".join(f"{n} {lines}" for lines, n in sorted(funcs, reverse=True)[:args.top]))
    print(f"modules over 400 lines: {sum(1 for lines, _ in modules if lines > 400)}; "
          f"functions over 60 lines: {sum(1 for lines, _ in funcs if lines > 60)}")


if __name__ == "__main__":
    main()
