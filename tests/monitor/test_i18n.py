"""The language catalogues and the names of govwatch's keys.

Every message the code marks (``_()``, ``N_()``, ``ngettext``) must have its Chinese
translation in monitor/locale/zh_CN/LC_MESSAGES/govwatch.po, and every claim key,
status, rule and finding kind the code produces must have a name.
"""

import ast
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from monitor.claims.extract import MAIN_ROWS, PROSE_KEYS, extract_claims, report_text
from monitor.cli.main import main
from monitor.i18n import LANGUAGES, N_, _, catalogue_path, html_lang, language, set_language, translations
from monitor.labels import CLAIMS, FINDINGS, REVIEW_GROUPS, RULES, STATUSES, label, labelled_audit

MONITOR = Path(__file__).resolve().parents[2] / "monitor"
REPORTS = Path(__file__).resolve().parents[1] / "files" / "reports"


def code_messages() -> set[str]:
    """The msgids the code marks, found by Babel's own extractor."""
    return {message for _file, _line, message, _comments, _context in extract_from_dir(
        MONITOR, method_map=[("**.py", "python")], keywords={"_": None, "N_": None, "ngettext": (1, 2)})}


def catalogue(locale: str):
    with catalogue_path(locale).open("rb") as source:
        return read_po(source, locale=locale)


@pytest.mark.parametrize("code", [code for code, (locale, _html) in LANGUAGES.items() if locale])
def test_every_message_of_the_code_has_its_translation(code):
    locale = LANGUAGES[code][0]
    translated = {message.id: message.string for message in catalogue(locale) if message.id}
    messages = code_messages()
    assert sorted(map(str, (m for m in messages if not all(translated.get(m) or ("",))))) == []
    # No stale entry either: a message the code no longer uses is removed from the catalogue.
    assert sorted(set(translated) - messages) == []


def test_the_extractor_sees_every_marked_message():
    """A message inside an f-string's braces is invisible to the extractor, so never in the catalogue."""
    import re

    marked = {match for path in MONITOR.rglob("*.py")
              for match in re.findall(r"""\bN?_\((?:"([^"\\]*)"|'([^'\\]*)')\)""", path.read_text())}
    messages = code_messages()
    assert sorted(m for pair in marked for m in pair if m and m not in messages) == []


def test_a_translation_keeps_the_placeholders_of_its_message():
    import string

    def fields(text):
        return sorted(name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None)

    for message in catalogue("zh_CN"):
        if message.id:
            # A plural message: every form keeps the singular's placeholders.
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            assert all(fields(string) == fields(ids[0]) for string in strings), message.id


def test_the_language_is_the_option_else_the_environment_else_chinese(monkeypatch):
    monkeypatch.delenv("GOVWATCH_LANG")
    assert language() == "zh" and html_lang() == "zh-Hans"
    assert _("Late documents") == "超时公开的文件"
    monkeypatch.setenv("GOVWATCH_LANG", "en")
    assert language() == "en" and _("Late documents") == "Late documents"
    set_language("zh")
    assert _("Late documents") == "超时公开的文件"
    assert N_("Late documents") == "Late documents"


def test_an_unknown_language_is_a_usage_error(monkeypatch, capsys):
    monkeypatch.setenv("GOVWATCH_LANG", "fr")
    assert main(["query", "--db", "/nonexistent.db", "SELECT 1"]) == 2
    assert capsys.readouterr().err == "govwatch: unknown language 'fr': choose one of zh, en (GOVWATCH_LANG)\n"
    with pytest.raises(SystemExit) as exit_:
        main(["--lang", "fr", "audit"])
    assert exit_.value.code == 2


def test_the_catalogue_compiles_once_per_language():
    assert translations("zh") is translations("zh")


def _string_arguments(tree, function: str) -> set[str]:
    """The string constants in the first argument of every call of ``function``."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == function and node.args:
            found |= {c.value for c in ast.walk(node.args[0]) if isinstance(c, ast.Constant) and isinstance(c.value, str)}
    return found


def finding_kinds() -> set[str]:
    """Every finding kind the audit's checks and the report reader produce, read from their source."""
    kinds = _string_arguments(ast.parse((MONITOR / "audit" / "findings.py").read_text()), "_finding")
    prose = ast.parse((MONITOR / "claims" / "prose_table.py").read_text())
    for node in ast.walk(prose):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and key.value == "kind" and isinstance(value, ast.Constant):
                    kinds.add(value.value)
    return kinds


def claim_statuses() -> set[str]:
    """Every status reconcile gives a claim, read from its source."""
    tree = ast.parse((MONITOR / "audit" / "reconcile.py").read_text())
    statuses = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Return) and node.value is not None:
            statuses |= {c.value for c in ast.walk(node.value) if isinstance(c, ast.Constant) and isinstance(c.value, str)}
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript):
            if getattr(node.targets[0].slice, "value", None) == "status" and isinstance(node.value, ast.Constant):
                statuses.add(node.value.value)
        if isinstance(node, ast.Dict):
            statuses |= {v.value for k, v in zip(node.keys, node.values)
                         if isinstance(k, ast.Constant) and k.value == "status" and isinstance(v, ast.Constant)}
    return statuses


def review_claim_keys() -> set[str]:
    """The section 四 claims, the keys of the mapping in extract.py's _review_claims."""
    tree = ast.parse((MONITOR / "claims" / "extract.py").read_text())
    function = next(node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
                    and node.name == "_review_claims")
    return {key.value for node in ast.walk(function) if isinstance(node, ast.Dict) for key in node.keys}


def report_readings() -> list[dict]:
    return [extract_claims(report_text(path.read_bytes())) for path in sorted(REPORTS.glob("*"))
            if path.suffix in (".md", ".txt", ".html", ".htm")]


def test_every_key_the_code_produces_has_a_chinese_name(chinese):
    readings = report_readings()
    claim_keys = (set(PROSE_KEYS) | set(MAIN_ROWS) | review_claim_keys()
                  | {c["key"] for r in readings for c in r["claims"]})
    rules = {rule["rule"] for r in readings for rule in r["consistency"]}
    assert {"review_total", "litigation_total"} <= claim_keys and len(rules) >= 9 and {"match", "not_observable"} <= claim_statuses()
    assert sorted(claim_keys - set(CLAIMS)) == []
    assert sorted(claim_statuses() - set(STATUSES)) == []
    assert sorted(finding_kinds() - set(FINDINGS)) == [] and "index_serial_gap" in finding_kinds()
    for rule in rules:
        base, _colon, subject = rule.partition(":")
        assert base in RULES and (not subject or subject in CLAIMS or subject in REVIEW_GROUPS), rule
    for group, keys in (("claim", claim_keys), ("status", claim_statuses()), ("finding", finding_kinds()),
                        ("rule", rules)):
        for key in keys:
            name = label(group, key)
            # A name in Chinese: at least one CJK character, and not the key itself.
            assert name != key and any("\u4e00" <= char <= "\u9fff" for char in name), (group, key, name)
    assert label("claim", "portal_items") == "门户网站主动公开信息条数"
    assert [label("status", s) for s in ("match", "short", "over", "not_observable", "within_bound")] == [
        "一致", "少于所称", "多于所称", "无法核实", "在所称范围内"]
    assert label("finding", "duplicate_index_no") == "索引号重复"
    assert label("finding", "published_before_formed") == "先公开后成文"


def test_the_rulebook_kinds_have_their_names_and_bases(chinese):
    from monitor.labels import basis, limit_label

    names = {kind: label("finding", kind) for kind in (
        "stale_column", "blank_column", "homepage_stale", "dead_link", "report_late", "report_changed",
        "cross_year_mismatch", "report_similar", "interpretation_unlinked", "personal_data", "backdated")}
    assert names == {
        "stale_column": "栏目长期未更新", "blank_column": "空白栏目", "homepage_stale": "首页长期未更新",
        "dead_link": "链接不可用", "report_late": "年报逾期发布", "report_changed": "年报发布后被修改",
        "cross_year_mismatch": "上年结转与上年年报不一致", "report_similar": "年报与上年雷同",
        "interpretation_unlinked": "政策解读未关联被解读文件", "personal_data": "泄露个人信息",
        "backdated": "伪造发稿日期"}
    assert basis("finding", "report_late") == "《中华人民共和国政府信息公开条例》第四十九条"
    assert "国办秘函〔2019〕19号" in basis("finding", "backdated")
    # Every rule has its basis, written once (monitor.labels), in Chinese.
    assert all(basis("finding", kind) and not basis("finding", kind).isascii() for kind in names)
    assert limit_label(20) == "20 个工作日（《中华人民共和国政府信息公开条例》第二十六条）"
    assert limit_label(15) == "15 个工作日（年报自述）"


def test_the_audit_json_keeps_the_keys_and_adds_the_names(chinese):
    result = {"claims": [{"key": "portal_items", "status": "short"}],
              "consistency": [{"rule": "prose_table:applications_received"}],
              "findings": [{"kind": "index_serial_gap"}], "year": 2020}
    assert labelled_audit(result) == {
        "claims": [{"key": "portal_items", "status": "short", "label": "门户网站主动公开信息条数",
                    "status_label": "少于所称"}],
        "consistency": [{"rule": "prose_table:applications_received",
                         "label": "正文与统计表一致：收到政府信息公开申请件数（正文）",
                         "basis": "《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）"}],
        "findings": [{"kind": "index_serial_gap", "label": "索引号不连续"}], "year": 2020}


def test_the_nightly_stage_lines_are_in_chinese(chinese, capsys):
    from monitor.alerts.nightly import log

    log("audit", "x")
    log("crawl", "y")
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" ", 1)[1] for line in lines] == ["审核: x", "采集: y"]


def test_mail_subjects_are_in_chinese(chinese):
    from monitor.alerts.mail import digest_subject, late_subject

    assert late_subject({"workdays": 31, "title": "关于某事的通知", "url": "u"}, 20) == (
        "govwatch: 31 个工作日后才公开（时限 20）：关于某事的通知")
    # Three late alerts of two documents: a document is counted once, whatever the limits it exceeds.
    batch = [{"kind": "late", "payload": {"url": url}} for url in ("u1", "u1", "u2")] + [{"kind": "health", "payload": {}}]
    assert digest_subject(batch) == "govwatch: 超时公开 2 件，采集问题 1 项"
    set_language("en")
    assert digest_subject(batch) == "govwatch: 2 late publications, 1 crawl problem"
