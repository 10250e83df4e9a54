"""Storage is the only door to the database: no module of the crawler or the monitor
runs a statement or holds SQL text."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).parents[1]
# Statements run on a connection (sqlite3's and sqlite-utils' methods).
STATEMENT_METHODS = {"execute", "executemany", "executescript", "query"}
# SQL as the project writes it: keywords in capitals.
SQL_TEXT = re.compile(r"\b(SELECT\b.*\bFROM|INSERT INTO|UPDATE \w+ SET|DELETE FROM|CREATE (TABLE|VIEW|INDEX))\b",
                      re.DOTALL)


def sql_in(path: Path) -> list[str]:
    """Each statement call and each SQL string in the module at ``path``, with its line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in STATEMENT_METHODS):
            found.append(f"line {node.lineno}: .{node.func.attr}(…)")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_TEXT.search(node.value):
            found.append(f"line {node.lineno}: {node.value[:60]!r}")
    return found


def test_no_sql_outside_storage():
    offending = {}
    for package in ("crawler", "monitor"):
        for path in sorted((ROOT / package).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if found := sql_in(path):
                offending[name] = found
    assert offending == {}


def test_the_scan_finds_sql(tmp_path):
    module = tmp_path / "module.py"
    module.write_text('db.execute(sql)\nCOUNT = f"""SELECT count(*)\n  FROM {table}"""\n', encoding="utf-8")
    assert [found.split(":")[0] for found in sql_in(module)] == ["line 1", "line 2"]
