"""Do two source trees' ``parse_page`` give the same records? Every differing record is listed.

A faster parser must not change a stored record without a ``PARSER_VERSION`` bump, so
before and after any change to ``crawler/parsing.py`` or ``crawler/text/`` this parses,
with this tree's parser and with the one in ``--before`` (a ``git archive`` of main, say),
every page there is: every file under ``tests/files``, every saved real page under
``--real`` (``*.html``, ``*.htm``), and every detail, listing and news page of the full
sample portal, each as the callers pass it: with the charset the server sends and
without any, with no body hints and with each bundled site profile's. Whole records are
compared, warnings included. Each tree parses in its own process (two ``crawler``
packages cannot share one), reading the same pickled pages.

    git archive main | tar -x -C /tmp/parser-before
    .venv/bin/python bench/parse_equivalence.py --before /tmp/parser-before [--real ../shared/real]

Exits 1 when any record differs.
"""

import argparse
import json
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PORTAL_URL = "http://127.0.0.1:8000"
# Differing records shown in full; the count covers all of them.
_SHOWN = 5


def collect_pages(real: Path | None) -> list[tuple[str, bytes, str | None, str | None]]:
    """(name, body, url, charset) for every page, before the charset and hints variants."""
    sys.path.insert(0, str(ROOT))
    from monitor.demo.sample_portal import pages
    from monitor.demo.sample_portal.model import build_portal

    found = []
    for path in sorted((ROOT / "tests" / "files").rglob("*")):
        if path.is_file() and path.stat().st_size < 5_000_000:
            found.append((str(path.relative_to(ROOT)), path.read_bytes(), f"http://fixtures.test/{path.name}", None))
    for path in sorted(real.rglob("*")) if real else ():
        if path.suffix in (".html", ".htm"):
            found.append((str(path), path.read_bytes(), f"http://real.test/{path.name}", None))
    portal = build_portal()
    for doc in portal.documents:
        found.append((doc.url, pages.render_detail(doc).encode(doc.encoding), PORTAL_URL + doc.url, doc.encoding))
    for slug in portal.columns_by_slug:
        for page in range(1, portal.page_count(slug) + 1):
            url = pages.listing_path(slug, page, portal.page_count(slug))
            found.append((url, pages.render_listing(portal, slug, page).encode("utf-8"), PORTAL_URL + "/" + url, "utf-8"))
    for item in portal.news:
        found.append((item.url, pages.render_news(item).encode("utf-8"), PORTAL_URL + item.url, "utf-8"))
    return found


def variants(pages: list, hint_sets: list) -> list[tuple[str, bytes, str | None, str | None, tuple]]:
    """Each page with its charset and without, under every set of body hints."""
    out = []
    for name, body, url, charset in pages:
        for this_charset in dict.fromkeys((charset, None)):
            for hints in hint_sets:
                out.append((name, body, url, this_charset, hints))
    return out


# A site profile's own containers, named as real templates name theirs, so that pages
# holding one take the profile's branch (the bundled profiles name none).
_PROFILE_HINTS = (("art", "content", "main", "zoom"), ("wenzhang", "zw", "content", "article", "main", "list"))


def hint_sets() -> list[tuple]:
    """No hints, each bundled profile's distinct (ids, classes), and ``_PROFILE_HINTS``."""
    from crawler.profiles import PROFILES

    bundled = [(p.body_ids, p.body_classes) for p in PROFILES.values()]
    return list(dict.fromkeys([((), ())] + bundled + [_PROFILE_HINTS]))


def parse_all(source: Path, pages_file: Path, out_file: Path) -> None:
    """Parse the pickled pages with ``source``'s parser; write the records as JSON lines."""
    sys.path.insert(0, str(source.resolve()))
    from crawler import parsing

    if not Path(parsing.__file__).resolve().is_relative_to(source.resolve()):
        raise SystemExit(f"{source} holds no crawler package")
    tasks = pickle.loads(pages_file.read_bytes())
    with out_file.open("w", encoding="utf-8") as out:
        for _, body, url, charset, (ids, classes) in tasks:
            record = parsing.parse_page(body, url, charset, parsing.BodyHints(ids, classes))
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the other source tree (e.g. main's)")
    parser.add_argument("--real", type=Path, default=ROOT.parent / "shared" / "real", help="saved real pages")
    parser.add_argument("--parse", nargs=3, metavar=("SOURCE", "PAGES", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.parse:
        parse_all(*map(Path, args.parse))
        return 0
    tasks = variants(collect_pages(args.real if args.real.is_dir() else None), hint_sets())
    with tempfile.TemporaryDirectory() as tmp:
        pages_file = Path(tmp) / "pages.pickle"
        pages_file.write_bytes(pickle.dumps(tasks))
        outputs = []
        for tree in (args.before, ROOT):
            out = Path(tmp) / f"{len(outputs)}.jsonl"
            subprocess.run([sys.executable, __file__, "--before", str(args.before),
                            "--parse", str(tree), str(pages_file), str(out)], check=True)
            outputs.append(out.read_text(encoding="utf-8").splitlines())
    differing = [(task, old, new) for task, old, new in zip(tasks, *outputs) if old != new]
    for (name, _, _, charset, hints), old, new in differing[:_SHOWN]:
        print(f"DIFFERS: {name} charset={charset} hints={hints}\n  before: {old}\n  now:    {new}")
    names = {task[0] for task in tasks}
    print(f"{len(tasks)} parses of {len(names)} pages: {len(differing)} differing records")
    return 1 if differing or len(outputs[0]) != len(tasks) or len(outputs[1]) != len(tasks) else 0


if __name__ == "__main__":
    sys.exit(main())
