"""Packages import only downward: storage <- crawler <- monitor (and the demo's sample
portal is never imported by the crawler)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
# What each package may import of the project's own packages.
ALLOWED = {"storage": {"storage"}, "crawler": {"crawler", "storage"}, "monitor": {"monitor", "crawler", "storage"}}


def imported_packages(path: Path) -> set[str]:
    """The project packages a module imports, at the top or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found & set(ALLOWED)


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_no_module_imports_a_package_above_it(package):
    upward = {
        path.relative_to(ROOT).as_posix(): sorted(imported_packages(path) - ALLOWED[package])
        for path in sorted((ROOT / package).rglob("*.py"))
    }
    assert {name: found for name, found in upward.items() if found} == {}


def test_the_scan_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from monitor.cli.main import main\n", encoding="utf-8")
    assert imported_packages(module) == {"monitor"}
