"""Prose figures that restate a table figure, compared with the table.

An annual report says in prose what its tables say in figures ("共受理政府信息公开申请
859件", "予以公开及部分公开258件"). Where the two differ, one of them is wrong, and the
difference is a finding (``prose_table_mismatch``) quoting both. Blank table cells are
treated as the table rules treat them (:mod:`monitor.claims.tables`): a difference
counts only when no figures in the blank cells could remove it; a figure stated as
approximate (约, 近, 左右) is not compared, and one stated as a floor (余, 多, 超过)
differs only when the table cannot reach it.
"""

from monitor.claims.tables import Bounds, Row, blank_note, exact, table_figure, verdict
from monitor.i18n import _

# prose key: (the table figure it restates, that figure's name in the table)
RESTATEMENTS = {
    "applications_received": ("applications_new", "一、本年新收"),
    "applications_answered": ("applications_handled_total", "三(七) 总计"),
    "applications_granted": ("results:一二", "(一) 予以公开 + (二) 部分公开"),
    "applications_disclosed": ("results:一", "(一) 予以公开"),
    "applications_partly_disclosed": ("results:二", "(二) 部分公开"),
    "applications_refused": ("results:三", "(三) 不予公开"),
    "applications_unavailable": ("results:四", "(四) 无法提供"),
    "applications_not_processed": ("results:五", "(五) 不予处理"),
    "applications_other_handling": ("results:六", "(六) 其他处理"),
    "review_cases": ("review", "行政复议 总计"),
    "litigation_cases": ("litigation", "行政诉讼 总计 (未经复议直接起诉 + 复议后起诉)"),
}


def _compare(claim: dict, prose: Bounds, figure: Bounds) -> bool | None:
    """Whether the prose figure agrees with the table's: True, False or None (cannot tell)."""
    if claim["bound"] == "approx":
        return None
    if claim["bound"] == "lower":
        if figure.plain >= prose.plain:
            return True
        return False if figure.high is not None and figure.high < prose.plain else None
    return verdict(prose, figure)


def _detail(claim: dict, label: str, figure: Bounds, table_quote: str, passed: bool | None) -> str:
    """The comparison in words, quoting the prose sentence and the table rows."""
    said = _("the prose says {value} (“{quote}”)").format(value=claim["value"], quote=claim["quote"])
    table = _("the table's {row} is {value} (“{quote}”)").format(row=label, value=figure.plain, quote=table_quote)
    if claim["bound"] == "approx":
        return _("{said} as an approximate figure; {table}").format(said=said, table=table)
    if passed is None:
        return _("{said}; the table's {row} (“{quote}”) is at least {low}, and its {blanks} blank or unplaced "
                 "cell(s) could hold the difference").format(said=said, row=label, quote=table_quote, low=figure.low,
                                                             blanks=figure.blanks)
    note = blank_note(passed, exact(claim["value"]), figure) if claim["bound"] is None else ""
    joined = _("{said} but {table}") if passed is False else _("{said} and {table}")
    return joined.format(said=said, table=table) + note


def prose_table_rules(claims: list[dict], table: dict, review: Row | None) -> tuple[list[dict], list[dict]]:
    """Consistency rules ``prose_table:<key>`` for each restated figure, and the findings.

    A finding is ``{"kind": "prose_table_mismatch", "key", "detail", "prose_quote",
    "table_quote"}``, one per rule that failed.
    """
    stated = {claim["key"]: claim for claim in claims if claim["value"] is not None}
    rules, findings = [], []
    for key, (name, label) in RESTATEMENTS.items():
        claim = stated.get(key)
        if claim is None:
            continue
        rule = f"prose_table:{key}"
        found = table_figure(name, table, review)
        if found is None:
            detail = _("the prose says {value} (“{quote}”); the table has no {row}").format(
                value=claim["value"], quote=claim["quote"], row=label)
            rules.append({"rule": rule, "figures": {"prose": claim["value"], "table": None}, "passed": None,
                          "detail": detail})
            continue
        figure, table_quote = found
        passed = _compare(claim, exact(claim["value"]), figure)
        detail = _detail(claim, label, figure, table_quote, passed)
        rules.append({"rule": rule, "figures": {"prose": claim["value"], "table": figure.plain},
                      "passed": passed, "detail": detail})
        if passed is False:
            findings.append({"kind": "prose_table_mismatch", "key": key, "detail": detail,
                             "prose_quote": claim["quote"], "table_quote": table_quote})
    return rules, findings
