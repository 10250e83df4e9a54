"""A throwaway HTML server on 127.0.0.1, for tests and benchmarks that crawl pages of their own."""

import http.server
import threading
from collections.abc import Callable
from contextlib import contextmanager


@contextmanager
def html_server(route: Callable[[str], tuple[int, bytes]]):
    """Serve HTML on a free port of 127.0.0.1 until the block ends; yields its base URL.

    ``route(path)`` gives the status and UTF-8 body of each GET.
    """
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            status, body = route(self.path)
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
