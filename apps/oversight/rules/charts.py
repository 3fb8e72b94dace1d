"""The dashboard's charts: plain data in, SVG bytes out, drawn on the server by pygal (pinned in requirements.txt).

No script (``js=[]``: pygal's tooltips need a script from a CDN, which the house forbids) and no external file: the
SVG holds its own style. Drawn for paper as well as the screen: black and greys on white (a second line is dashed,
the values are printed on the bars), large labels, Vietnamese text, months as mm/yyyy. The SVG carries a viewBox and
no fixed size, so an ``<img>`` scales it to the width of a phone. Decision: docs/decisions/0009-oversight.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import pygal
from pygal.etree import etree
from pygal.style import Style

from apps.oversight.rules.dashboard import Number, format_number, format_value, ranked

FONT = '"DejaVu Sans", "Noto Sans", "Liberation Sans", Arial, sans-serif'
GREYS = ("#000000", "#6e6e6e", "#a6a6a6", "#3c3c3c", "#cfcfcf")
# Quality levels from the best (darkest) to the worst; the last one for the meetings without a score.
LEVEL_GREYS = ("#1a1a1a", "#555555", "#8c8c8c", "#bdbdbd", "#e6e6e6")
BAR_GREY = "#b3b3b3"  # light enough for the black value printed on it
DASHES = (None, "10, 6", "3, 5", "14, 4, 3, 4")
WIDTH = 800
NARROW = 400  # a phone's chart: the same labels, drawn for a screen of about 360 px
ROW_HEIGHT = 34  # per bar of the ranking chart

STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#000000",
    foreground_strong="#000000",
    foreground_subtle="#4d4d4d",
    colors=GREYS,
    font_family=FONT,
    label_font_family=FONT,
    major_label_font_family=FONT,
    value_font_family=FONT,
    value_label_font_family=FONT,
    legend_font_family=FONT,
    title_font_family=FONT,
    tooltip_font_family=FONT,
    no_data_font_family=FONT,
    label_font_size=16,
    major_label_font_size=16,
    value_font_size=15,
    value_label_font_size=15,
    legend_font_size=16,
    title_font_size=20,
    no_data_font_size=22,
    opacity="1",
    opacity_hover="1",
    stroke_opacity="1",
    stroke_opacity_hover="1",
    guide_stroke_color="#bfbfbf",
    major_guide_stroke_color="#8c8c8c",
    value_colors=("#000000",),
)


def month_label(month: date) -> str:
    """A month on an axis: 11/2026."""
    return f"{month.month:02d}/{month.year}"


def _config(*, title: str, no_data: str, height: int, narrow: bool = False, **options) -> pygal.Config:
    settings = {
        "js": [],
        "style": STYLE,
        "title": title,
        "no_data_text": no_data,
        "width": NARROW if narrow else WIDTH,
        "height": height,
        "explicit_size": False,
        "disable_xml_declaration": False,
        "pretty_print": False,
        "truncate_label": -1,
        "truncate_legend": -1,
        "margin": 16,
    }
    return pygal.Config(**(settings | options))


def _axis(unit: str):
    """Axis labels: whole numbers (80 %, 1.200), the values themselves keep their decimal."""
    if unit == "percent":
        return lambda v: f"{format_number(round(v))} %"
    return lambda v: format_value(round(v), unit)


PERCENT_AXIS = {"range": (0, 100), "y_labels": [0, 20, 40, 60, 80, 100]}


def ticks(top: float, count: int = 5) -> list[int]:
    """A few round whole-number marks from 0 to at least ``top`` (about ``count`` steps): 0 1 2 3 · 0 10 20 30 40 ·
    0 250.000 500.000 …"""
    raw = max(top, 1) / count
    magnitude = 10 ** max(0, len(str(int(raw))) - 1)
    steps = (1, 2, 2.5, 5, 10) if magnitude >= 10 else (1, 2, 5, 10)
    step = max(1, int(next(m * magnitude for m in steps if m * magnitude >= raw)))
    marks = [0]
    while marks[-1] < top or len(marks) < 2:
        marks.append(marks[-1] + step)
    return marks


def _cut(label: str, length: int = 16) -> str:
    return label if len(label) <= length else f"{label[: length - 1].rstrip()}…"


def _plain(value: Number | None) -> float | None:
    return None if value is None else float(value)


def _render(chart) -> bytes:
    """The SVG without the ``<script>`` pygal always writes (its config for the tooltips' script, which we leave
    out): no script in what we serve."""
    tree = chart.render_tree()
    for parent in list(tree.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return etree.tostring(tree, encoding="utf-8", xml_declaration=True)


def _nothing(*, title: str, no_data: str, height: int, narrow: bool) -> bytes:
    """A chart with nothing to draw: its title and ``no_data`` in the middle (no axis options: pygal cannot place
    fixed labels on an empty chart)."""
    return _render(pygal.Bar(_config(title=title, no_data=no_data, height=height, narrow=narrow, show_legend=False)))


def trend_chart(
    months: Sequence[date],
    series: Sequence[tuple[str, Sequence[Number | None]]],
    *,
    title: str,
    no_data: str,
    unit: str = "percent",
    narrow: bool = False,
) -> bytes:
    """Lines over months (e.g. the attendance rate and the share of attendees who spoke over 12 months), one line
    per ``(label, values)``, a value per month (None: nothing that month, the line breaks). Percents on 0–100.
    ``narrow``: drawn for a phone (400 wide, the months slanted further, the legend one line per series)."""
    options = PERCENT_AXIS if unit == "percent" else {}
    height = 460 if narrow else 420
    config = _config(
        title=title,
        no_data=no_data,
        height=height,
        narrow=narrow,
        x_labels=[month_label(m) for m in months],
        x_label_rotation=(-60 if narrow else -40) if len(months) > 6 else 0,
        show_legend=True,
        legend_at_bottom=True,
        legend_at_bottom_columns=1 if narrow else max(1, len(series)),
        legend_box_size=16,
        dots_size=4,
        show_minor_x_labels=True,
        value_formatter=_axis(unit),
        formatter=lambda v: format_value(v, unit),
        allow_interruptions=True,
        **options,
    )
    if not any(v is not None for _, values in series for v in values):
        return _nothing(title=title, no_data=no_data, height=height, narrow=narrow)
    chart = pygal.Line(config)
    for index, (label, values) in enumerate(series):
        dash = DASHES[index % len(DASHES)]
        stroke = {"width": 3} | ({"dasharray": dash} if dash else {})
        chart.add(label, [_plain(v) for v in values], stroke_style=stroke)
    return _render(chart)


def levels_chart(levels: Sequence[tuple[str, int]], *, title: str, no_data: str, narrow: bool = False) -> bytes:
    """Bars of meetings by quality level (``(label, count)``, the best first), the count printed on each bar."""
    marks = ticks(max((count for _, count in levels), default=0))
    height = 320 if narrow else 380
    config = _config(
        title=title,
        no_data=no_data,
        height=height,
        narrow=narrow,
        x_labels=[label for label, _ in levels],
        x_label_rotation=-30 if narrow else 0,
        show_legend=False,
        print_values=True,
        print_zeroes=True,
        print_values_position="top",
        value_formatter=_axis("count"),
        formatter=lambda v: format_value(v, "count"),
        show_y_guides=True,
        range=(0, marks[-1]),
        y_labels=marks,
    )
    if not any(count for _, count in levels):
        return _nothing(title=title, no_data=no_data, height=height, narrow=narrow)
    chart = pygal.Bar(config)
    chart.add(
        title,
        [{"value": count, "color": LEVEL_GREYS[min(i, len(LEVEL_GREYS) - 1)]} for i, (_, count) in enumerate(levels)],
    )
    return _render(chart)


def ranking_chart(
    rows: Sequence[tuple[str, Number | None]],
    *,
    title: str,
    no_data: str,
    unit: str,
    better: str | None,
    limit: int = 40,
    narrow: bool = False,
) -> bytes:
    """Horizontal bars of sub-units by one figure, the best at the top (``rules.dashboard.ranked``: those without
    a value left out; past ``limit``, the best and the worst halves), the value printed on each bar. ``narrow``: for a
    phone, names cut at 16 characters."""
    shown = ranked(rows, better, limit)
    if not shown:
        return _nothing(title=title, no_data=no_data, height=260, narrow=narrow)
    if unit == "percent":
        options = {"range": (0, 100), "y_labels": [0, 50, 100]} if narrow else PERCENT_AXIS
    else:
        marks = ticks(max((float(v) for _, v in shown), default=0))
        options = {"range": (0, marks[-1]), "y_labels": [0, marks[-1]] if narrow else marks}
    config = _config(
        title=title,
        no_data=no_data,
        height=max(260, 110 + ROW_HEIGHT * len(shown)),
        narrow=narrow,
        x_labels=[_cut(label) if narrow else label for label, _ in reversed(shown)],  # the first one at the bottom
        show_legend=False,
        print_values=True,
        print_zeroes=True,
        print_values_position="center",
        margin_right=64,  # room for the last mark's label
        value_formatter=_axis(unit),
        formatter=lambda v: format_value(Decimal(str(v)) if unit == "money" else v, unit),
        **options,
    )
    chart = pygal.HorizontalBar(config)
    chart.add(title, [{"value": float(value), "color": BAR_GREY} for _, value in reversed(shown)])
    return _render(chart)
