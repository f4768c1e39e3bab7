"""The layers import one way, and no module imports itself round a cycle.

    errors, config  ->  model, text, lexicons, fitted  ->  formats  ->  ingest  ->  analyse
        ->  store  ->  link  ->  ledger  ->  cli, web

A module may import from a lower layer and from its own top-level package,
never from a higher layer or a sibling package of its own layer. The package
facade (`claimgraph/__init__.py`) sits above everything and nothing inside
imports it. Imports are read as text (ast); nothing is run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "src" / "claimgraph"

LAYERS: list[tuple[str, ...]] = [
    ("errors", "config"),
    ("model", "text", "lexicons", "fitted"),
    ("formats",),
    ("ingest",),
    ("analyse",),
    ("store",),
    ("link",),
    ("ledger",),
    ("backfill",),
    ("cli", "web"),
]
RANK = {package: rank for rank, names in enumerate(LAYERS) for package in names}


def _modules() -> dict[str, Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The claimgraph modules `name` imports (the longest module prefix of each target)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*up, base] if base else up)
            targets = [f"{base}.{a.name}" for a in node.names] or [base]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


MODULES = _modules()
GRAPH = {name: _imports(name, path, MODULES) for name, path in MODULES.items()}


def _layer(module: str) -> str:
    return module.split(".")[1] if "." in module else ""


def test_every_package_has_a_layer():
    unplaced = sorted({_layer(m) for m in MODULES if m != "claimgraph"} - set(RANK))
    assert not unplaced, f"put {unplaced} in a layer of tests/test_layers.py"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m != "claimgraph"))
def test_imports_run_down_the_layers(module: str):
    mine = _layer(module)
    wrong = []
    for target in sorted(GRAPH[module]):
        theirs = _layer(target)
        if target == "claimgraph":
            wrong.append(f"{target} (the facade)")
        elif theirs != mine and (theirs not in RANK or RANK[theirs] >= RANK.get(mine, -1)):
            wrong.append(f"{target} ({theirs} is not below {mine})")
    assert not wrong, f"{module} imports {', '.join(wrong)}"


def test_no_module_cycle():
    # Tarjan's strongly connected components over the module graph
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"


def test_the_checker_sees_a_wrong_import(tmp_path: Path):
    # the rule itself: a store module importing the ledger would be refused
    assert RANK["store"] < RANK["ledger"]
    probe = tmp_path / "probe.py"
    probe.write_text("from claimgraph.ledger import search\nfrom claimgraph.store import schema\n")
    assert _imports("claimgraph.store.probe", probe, MODULES) == {"claimgraph.ledger", "claimgraph.store.schema"}
