"""``govwatch explore``'s Datasette, in process (Datasette's own client) over a real SQLite
file: one line per document, Chinese column labels, CSV with a BOM, JSON with Chinese unescaped."""

import asyncio
import csv
import io
import json
import re

import pytest
from datasette.app import Datasette
from datasette.utils import tilde_encode

from monitor.report.datasette_metadata import metadata
from monitor.report.datasette_plugin import register
from monitor.report.explore import SETTINGS
from storage.db import open_db
from tests.storage.test_documents import record
from tests.storage.test_history import crawl

LONG_BODY = "经开区财政金融局关于政府信息公开工作的说明。" * 200
HOSTILE_TITLE = '=HYPERLINK("http://evil.example/","点此")'


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    path = tmp_path_factory.mktemp("datasette") / "govwatch.db"
    db = open_db(path)
    crawl(db, [record(url=f"http://portal/info/1/{n}.htm", index_no=f"x/2020-{n}", published_on=f"2020-10-{n:02d}",
                      body_text=LONG_BODY) for n in range(1, 4)]
          + [record(url="http://portal/info/1/9.htm", index_no="x/2020-9", title=HOSTILE_TITLE, body_text=LONG_BODY)],
          "2026-01-01T00:00:00Z")
    db.close()
    return path


def fetch(database, *paths):
    """GET each path from a Datasette over ``database`` set up as ``govwatch explore`` sets it up."""
    register()

    async def run():
        datasette = Datasette([str(database)], metadata=metadata(database.stem), settings=SETTINGS)
        await datasette.invoke_startup()
        return [await datasette.client.get(path) for path in paths]

    return asyncio.run(run())


def test_the_table_page_shows_a_document_on_one_line_and_its_row_page_whole(database):
    row_path = "/govwatch/documents/" + tilde_encode("http://portal/info/1/1.htm")
    table, row, css = fetch(database, "/govwatch/documents", row_path, "/-/govwatch.css")
    assert table.status_code == row.status_code == css.status_code == 200
    body_cells = re.findall(r'<td class="col-body_text[^"]*">(.*?)</td>', table.text, re.S)
    assert len(body_cells) == 4
    # Cut at truncate_cells_html with an ellipsis, where the stored body is 4,400 characters.
    assert all(len(cell) <= SETTINGS["truncate_cells_html"] + 1 for cell in body_cells)
    assert body_cells[0] == LONG_BODY[:SETTINGS["truncate_cells_html"]] + "…"
    assert LONG_BODY in row.text
    assert '<link rel="stylesheet" href="/-/govwatch.css">' in table.text
    assert "white-space: nowrap" in css.text and css.headers["content-type"].startswith("text/css")
    # Newest first by default.
    published = re.findall(r'<td class="col-published_on[^"]*">(.*?)</td>', table.text)
    assert published == sorted(published, reverse=True) and published[0] == "2020-10-23"


def test_the_columns_are_labelled_in_chinese(database):
    (meta,) = fetch(database, "/-/metadata.json")
    columns = meta.json()["databases"]["govwatch"]["tables"]["documents"]["columns"]
    assert columns["published_on"].startswith("公开日期：") and columns["body_text"].startswith("正文：")
    assert all(re.match(r"[\u4e00-\u9fff]", text) or text.split("：")[0] in ("ETag", "Last-Modified")
               for text in columns.values()), columns
    (table,) = fetch(database, "/govwatch/documents")
    assert 'data-column-description="发布机构：' in table.text


def test_csv_with_a_bom_for_excel_neutralised(database):
    (response,) = fetch(database, "/govwatch/documents.csvbom?_size=max")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="documents.csv"'
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 4 and rows[0]["body_text"] == LONG_BODY
    assert {row["title"] for row in rows} == {"召开政务公开业务培训会", "'" + HOSTILE_TITLE}
    # Datasette's own CSV is unchanged: no BOM.
    (plain,) = fetch(database, "/govwatch/documents.csv")
    assert not plain.content.startswith(b"\xef\xbb\xbf") and plain.content.startswith(b"url,")


def test_json_writes_chinese_as_chinese_and_keeps_the_value(database):
    array, lines, query = fetch(database, "/govwatch/documents.json?_shape=array",
                                "/govwatch/documents.json?_shape=array&_nl=on",
                                "/govwatch.json?sql=select+publisher+from+documents+limit+1&_shape=array")
    assert array.status_code == lines.status_code == query.status_code == 200
    assert "召开政务公开业务培训会" in array.text and "\\u" not in array.text
    documents = array.json()
    assert len(documents) == 4 and documents[0]["body_text"] == LONG_BODY
    assert [json.loads(line) for line in lines.text.splitlines()] == documents
    assert query.json() == [{"publisher": "经开区自然资源和规划分局"}] and "\\u" not in query.text
