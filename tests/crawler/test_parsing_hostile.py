"""Pages that try to make the parser read files or fetch URLs."""

import http.server
import threading

import pytest

from crawler.parsing import parse_page
from monitor.claims.extract import report_text

SECRET = "govwatch-secret-marker"


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(SECRET, encoding="utf-8")
    return path


@pytest.fixture
def listener():
    """An HTTP server that counts the requests it gets; a page must never cause one."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(SECRET.encode())

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()


def hostile_page(secret_file, url):
    return (
        f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY file SYSTEM "file://{secret_file}">'
        f'<!ENTITY web SYSTEM "{url}/entity">]>'
        f'<html><head><link rel="stylesheet" href="{url}/style.css"><base href="{url}/"></head><body>'
        f'<table><tr><td>索引号</td><td>&file;&web;x/2020-1</td><td>发布机构</td><td>局</td>'
        f'<td>公开日期</td><td>2020-10-23</td></tr></table>'
        f'<div id="zoom"><p>正文&file;</p><img src="{url}/img.png"><iframe src="file://{secret_file}"></iframe></div>'
        f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file://{secret_file}"/>'
        f'</body></html>'
    ).encode("utf-8")


@pytest.mark.slow
def test_parse_page_resolves_no_external_entity_and_fetches_nothing(secret_file, listener):
    url, hits = listener
    record = parse_page(hostile_page(secret_file, url), "http://portal/info/1/1.htm")
    assert SECRET not in repr(record)
    assert hits == []


@pytest.mark.slow
def test_report_reader_resolves_no_external_entity_and_fetches_nothing(secret_file, listener):
    url, hits = listener
    text = report_text(hostile_page(secret_file, url), "html")
    assert SECRET not in text and "正文" in text
    assert hits == []
