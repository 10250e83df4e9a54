"""Inline SVG charts for the HTML report, drawn without any charting library.

Every bar carries ``data-*`` attributes with the figure it draws and a ``<title>``, so a
reader hovering it and a test reading the DOM see the same number. Sizes are in
viewBox units; the SVG scales to its container, on screen and on A4.
"""

import math
import unicodedata
from html import escape

from monitor.i18n import _

# Okabe–Ito: distinguishable with the common colour-vision deficiencies and in greyscale.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")
STATUS_COLOURS = {"match": "#009E73", "within_bound": "#009E73", "short": "#E69F00", "over": "#D55E00"}
CLAIMED_COLOUR = "#bbbbbb"
WIDTH = 900
# At least the advance of a 12px digit or Latin letter in the report's fonts, in viewBox units.
CHAR_WIDTH = 7.5


def text_width(text: str) -> int:
    """``text``'s width in Latin characters: a Chinese character (East Asian wide) counts two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def fit(text: str, units: int) -> str:
    """``text`` cut with an ellipsis to at most ``units`` Latin-character widths."""
    if text_width(text) <= units:
        return text
    while text and text_width(text) > units - 1:
        text = text[:-1]
    return text.rstrip() + "…"


def _attrs(attrs: dict) -> str:
    """Keyword arguments as attributes: ``data_value`` is ``data-value``, ``class_`` is ``class``."""
    return "".join(f' {name.rstrip("_").replace("_", "-")}="{escape(str(value))}"' for name, value in attrs.items())


def _rect(x, y, width, height, fill, title: str, **data) -> str:
    """One bar with its figure in ``data-*`` attributes and a hover title."""
    return (f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" height="{max(height, 0):.1f}"'
            f' fill="{fill}"{_attrs(data)}><title>{escape(title)}</title></rect>')


def _text(x, y, text, anchor="start", **extra) -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{_attrs(extra)}>{escape(str(text))}</text>'


def _svg(height: float, label: str, body: list[str]) -> str:
    return (f'<svg class="chart" viewBox="0 0 {WIDTH} {height:.0f}" role="img" aria-label="{escape(label)}"'
            f' xmlns="http://www.w3.org/2000/svg">' + "".join(body) + "</svg>")


def nice_ticks(top: float, count: int = 5) -> list[int]:
    """Round axis ticks from 0 to at least ``top``: steps of 1, 2 or 5 times a power of ten."""
    if top <= 0:
        return [0, 1]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return list(range(0, int(math.ceil(top / step)) * step + 1, step))


def _y_axis(ticks: list[int], left: float, right: float, top: float, bottom: float) -> list[str]:
    """Horizontal grid lines with their labels."""
    scale = (bottom - top) / ticks[-1]
    parts = []
    for tick in ticks:
        y = bottom - tick * scale
        parts.append(f'<line class="grid" x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(_text(left - 6, y + 4, tick, "end", class_="tick"))
    return parts


def paired_bars(rows: list[dict]) -> str:
    """Claimed against observed, one row per claim, each row on its own scale.

    ``rows``: ``{"key", "label", "claimed", "observed", "status", "status_label"}``. Claims count very
    different things (thousands of documents, a limit of 15 days), so a shared axis
    would flatten all but one; each row's longer bar spans the plot, and the plot ends
    where the longest value label still fits after its bar.
    """
    roles = {"claimed": _("claimed"), "observed": _("observed")}
    longest = max((text_width(f"{roles[role]} {row[role]}") for row in rows for role in roles), default=0)
    label_w, left, right, row_h = 230, 240, WIDTH - 15 - longest * CHAR_WIDTH, 46
    body = []
    for index, row in enumerate(rows):
        top = 10 + index * row_h
        scale = (right - left) / max(row["claimed"], row["observed"], 1)
        colour = STATUS_COLOURS.get(row["status"], "#999999")
        # A long name is cut to the label column (the claims table beside the chart names it in full).
        body.append(_text(label_w, top + 17, fit(row["label"], int((label_w - 10) / CHAR_WIDTH)), "end",
                          class_="label"))
        body.append(_text(label_w, top + 33, row["status_label"], "end", class_="status"))
        for offset, role, fill in ((0, "claimed", CLAIMED_COLOUR), (19, "observed", colour)):
            value = row[role]
            body.append(_rect(left, top + offset, value * scale, 17, fill, f"{row['label']} {roles[role]}: {value}",
                              data_claim=row["key"], data_series=role, data_value=value, data_status=row["status"]))
            body.append(_text(left + value * scale + 5, top + offset + 13, f"{roles[role]} {value}", class_="value"))
    legend = 10 + len(rows) * row_h + 8
    body.append(_rect(left, legend, 12, 12, CLAIMED_COLOUR, _("claimed in the report")))
    body.append(_text(left + 18, legend + 11, _("claimed in the report")))
    body.append(_rect(left + 190, legend, 12, 12, STATUS_COLOURS["match"], _("observed on the portal")))
    body.append(_text(left + 208, legend + 11, _("observed on the portal (colour: status)")))
    return _svg(legend + 24, _("claimed against observed figures"), body)


def stacked_columns(categories: list[str], series: list[str], values: dict[tuple[str, str], int]) -> str:
    """One column per category (month), stacked by series (publisher), with a legend below.

    ``values`` maps ``(category, series)`` to a count; a missing pair is zero and draws nothing.
    """
    left, right, top, bottom = 50, WIDTH - 10, 20, 300
    totals = {category: sum(values.get((category, name), 0) for name in series) for category in categories}
    ticks = nice_ticks(max(totals.values(), default=0))
    scale = (bottom - top) / ticks[-1]
    slot = (right - left) / max(len(categories), 1)
    # Past about 24 columns the labels would overlap: label every n-th.
    label_every = max(1, math.ceil(len(categories) / 24))
    body = _y_axis(ticks, left, right, top, bottom)
    for index, category in enumerate(categories):
        x, y = left + index * slot + slot * 0.15, bottom
        for number, name in enumerate(series):
            value = values.get((category, name), 0)
            if value:
                y -= value * scale
                body.append(_rect(x, y, slot * 0.7, value * scale, PALETTE[number % len(PALETTE)],
                                  f"{category} · {name}: {value}",
                                  data_category=category, data_series=name, data_value=value))
        body.append(_text(x + slot * 0.35, y - 4, totals[category], "middle", class_="value",
                          data_category=category, data_total=totals[category]))
        if index % label_every == 0:
            body.append(_text(x + slot * 0.35, bottom + 16, category, "middle", class_="tick"))
    legend_top = bottom + 34
    columns = 3
    for number, name in enumerate(series):
        x = left + (number % columns) * (right - left) / columns
        y = legend_top + (number // columns) * 20
        body.append(_rect(x, y, 12, 12, PALETTE[number % len(PALETTE)], name))
        body.append(_text(x + 18, y + 11, name, class_="legend"))
    height = legend_top + math.ceil(len(series) / columns) * 20 + 6
    return _svg(height, _("publications per month, stacked by publisher"), body)


def histogram(counts: dict[int, int], limits: list[int]) -> str:
    """Documents per number of working days taken, with a vertical line after each limit.

    A document is late when it took more working days than the limit, so each limit's
    line sits between the limit's bar and the next one: bars right of it are late.
    """
    left, right, top, bottom = 50, WIDTH - 10, 30, 280
    low = min([0, *counts])
    high = max([*counts, *(limit + 1 for limit in limits), 1])
    ticks = nice_ticks(max(counts.values(), default=0))
    scale = (bottom - top) / ticks[-1]
    slot = (right - left) / (high - low + 1)
    body = _y_axis(ticks, left, right, top, bottom)
    for days in range(low, high + 1):
        x = left + (days - low) * slot
        value = counts.get(days, 0)
        if value:
            late = any(days > limit for limit in limits)
            body.append(_rect(x + 0.5, bottom - value * scale, slot - 1, value * scale,
                              "#D55E00" if late else "#0072B2",
                              _("{days} working days: {n} documents").format(days=days, n=value),
                              data_workdays=days, data_value=value))
        if days % 5 == 0:
            body.append(_text(x + slot / 2, bottom + 16, days, "middle", class_="tick"))
    for number, limit in enumerate(limits):
        x = left + (limit - low + 1) * slot
        # Limits a few days apart would print their labels over each other: alternate sides.
        left_side = number % 2 == 0
        title = escape(_("limit: {n} working days").format(n=limit))
        body.append(f'<line class="limit" x1="{x:.1f}" x2="{x:.1f}" y1="{top - 16}" y2="{bottom}"'
                    f' data-limit="{limit}"><title>{title}</title></line>')
        body.append(_text(x - 4 if left_side else x + 4, top - 6, _("limit {n}: later is late").format(n=limit),
                          "end" if left_side else "start", class_="limit-label"))
    body.append(_text((left + right) / 2, bottom + 34, _("working days from formation to publication"), "middle"))
    return _svg(bottom + 42, _("documents by working days from formation to publication"), body)
