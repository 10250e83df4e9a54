"""The README's example queries run against a real crawled and audited database and compute
what their comments say."""

import json
import re
import shlex
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import govwatch

README = Path(__file__).resolve().parents[1] / "README.md"
CLIENTS = {"sqlite3": 0, "sqlite-utils": 1}  # the arguments before the database file: sqlite-utils has "query"


def example_queries() -> dict[str, str]:
    """Each query of README's "Example queries" block, keyed by the comment above it."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"### Example queries\n+```sh\n(.*?)```", text, re.S).group(1)
    queries = {}
    for chunk in re.split(r"^# ", block, flags=re.M)[1:]:
        comment, command = chunk.split("\n", 1)
        words = shlex.split(command)
        queries[comment] = words[CLIENTS[words[0]] + 2]
    return queries


@pytest.fixture(scope="module")
def audited(crawled_db, tmp_path_factory):
    """The sample crawl audited for all dates, then (the last audit, with claims) for 2020;
    returns the file and the first audit."""
    path = tmp_path_factory.mktemp("readme") / "govwatch.db"
    shutil.copy(crawled_db, path)
    audit = govwatch("audit", "--db", path, "--json")
    assert audit.returncode == 0, audit.stderr
    assert govwatch("audit", "--db", path, "--year", 2020).returncode == 0
    return path, json.loads(audit.stdout)


def rows(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def test_every_example_query_runs(audited):
    queries = example_queries()
    assert len(queries) >= 8
    for comment, sql in queries.items():
        if comment != "What changed on the portal, newest first":  # one crawl: nothing changed yet
            assert rows(audited[0], sql), comment


def test_the_median_query_computes_the_median(audited):
    path, audit = audited
    sql = next(sql for comment, sql in example_queries().items() if comment.startswith("Median"))
    medians = {publisher or "(none)": median for publisher, _, median in rows(path, sql)}
    assert medians == {publisher: stats["median"] for publisher, stats in audit["timeliness"]["by_publisher"].items()}
