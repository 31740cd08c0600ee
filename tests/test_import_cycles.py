"""No import cycles among our modules (bridge/ and adapters/), lazy imports included:
a cycle hidden inside a function still ties two parts together."""

from __future__ import annotations

import grimp

PACKAGES = ("bridge", "adapters")

# Cycles owned by another part of the work, each with who removes it. When one goes
# away, ``test_known_cycles_still_exist`` fails so the entry is deleted here too.
KNOWN_CYCLES: dict[frozenset[str], str] = {}


def import_cycles() -> list[frozenset[str]]:
    """The strongly connected groups of more than one module (Tarjan, iterative)."""
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in sorted(graph.modules)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges.get(child, []))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(frozenset(group))
    return found


def test_no_import_cycles_in_bridge_or_adapters() -> None:
    unexpected = [sorted(c) for c in import_cycles() if c not in KNOWN_CYCLES]
    assert unexpected == []


def test_known_cycles_still_exist() -> None:
    """Keeps KNOWN_CYCLES honest: an entry whose cycle is gone must be removed."""
    current = set(import_cycles())
    assert [sorted(c) for c in KNOWN_CYCLES if c not in current] == []


def test_cycle_finder_sees_a_lazy_import_cycle(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    package = tmp_path / "cyclepkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from cyclepkg import b\n")
    (package / "b.py").write_text("def later():\n    from cyclepkg import a\n")
    (package / "c.py").write_text("from cyclepkg import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(__import__(__name__, fromlist=["PACKAGES"]), "PACKAGES", ("cyclepkg",))
    assert import_cycles() == [frozenset({"cyclepkg.a", "cyclepkg.b"})]
