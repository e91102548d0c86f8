"""The layout's rules (docs/architecture.md): imports flow one way, no module cycles, small
modules, and a README that stays a front page."""

import subprocess
from itertools import pairwise

import grimp

from tests.support.live import BIN
from tests.support.paths import ROOT

MAX_MODULE_LINES = 250
README_MAX_LINES = 250
DOCS = ["api", "architecture", "configuration", "database", "deployment", "performance",
        "security", "testing"]  # fmt: skip


def test_the_import_contracts_hold() -> None:
    """import-linter with the contracts in pyproject.toml (the layers, no sibling cycles)."""
    result = subprocess.run(
        [BIN / "lint-imports", "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    found = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back is not None:
                found.append([importer, *back])
    return found


def test_no_module_imports_itself_through_others() -> None:
    # grimp counts imports under TYPE_CHECKING too: a type-only cycle is still a cycle.
    assert _cycles(grimp.build_graph("service")) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for importer, imported in pairwise(["a.x", "a.y", "a.z", "a.x"]):
        graph.add_import(importer=importer, imported=imported)
    assert ["a.x", "a.y", "a.z", "a.x"] in _cycles(graph)


def test_no_module_is_long() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for folder in ("service", "bench")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_service_keeps_only_its_entry_points_at_the_top() -> None:
    top = sorted(path.name for path in (ROOT / "service").glob("*.py"))
    assert top == ["__init__.py", "__main__.py", "app.py", "routes.py", "settings.py"]


def test_the_readme_is_a_front_page_linking_every_docs_page() -> None:
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= README_MAX_LINES
    for page in DOCS:
        assert (ROOT / "docs" / f"{page}.md").is_file(), page
        assert f"(docs/{page}.md)" in readme, page
