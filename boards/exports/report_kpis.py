"""The KPI pages of the PDF report (boards/exports/report.py): the table of each phase's
KPIs, now against target, and a chart of every KPI that has readings: its figures over
time, oldest left, with the target as a dashed line (the panel's sparkline, large)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from boards.exports import text as tx
from boards.exports.drawing import INK_2, LINE, MUTED, draw_text, num
from boards.exports.pages import LEFT, RIGHT, WIDTH, Block, heading, paragraph, table
from boards.exports.state import number
from boards.kpis import figure

CHART_H = 96  # the plot's height, in points
LABEL_W = 44  # room for the figures left of the plot
LINE_COLOUR = "#4338ca"
TARGET_COLOUR = "#059669"


def kpi_section(gaps: dict) -> list[Block]:
    blocks = [heading(_("KPIs per phase"), size=17, space_before=26)]
    blocks += paragraph(
        _("The figures the business steers each phase by: where they stand, and the target."),
        fill=MUTED,
        keep_with_next=True,
    )
    columns = [(130, "start"), (165, "start"), (68, "end"), (68, "end"), (68, "start")]
    header = [_("Phase"), _("KPI"), _("Now"), _("Target"), _("Unit")]
    rows = []
    charts = []
    for phase in gaps["phases"]:
        phase_cell = {"text": phase["name"], "bold": True, "swatch": phase["colour"], "wrap": True}
        if not phase["kpis"]:
            rows.append(
                [
                    phase_cell,
                    {"text": _("No KPIs set"), "ink": MUTED},
                    {"text": ""},
                    {"text": ""},
                    {"text": ""},
                ]
            )
            continue
        for index, kpi in enumerate(phase["kpis"]):
            rows.append(
                [
                    phase_cell if index == 0 else {"text": ""},
                    {"text": kpi["name"], "wrap": True},
                    {"text": number(kpi["value"])},
                    {"text": number(kpi["target"])},
                    {"text": kpi.get("unit", "")},
                ]
            )
            if kpi.get("readings"):
                charts.append(kpi_chart(phase, kpi))
    blocks += table(columns, header, rows)
    if charts:
        blocks.append(heading(_("KPIs over time"), size=13, space_before=18))
        blocks += paragraph(
            _("Each reading the team recorded, oldest left; the dashed line is the target."),
            fill=MUTED,
            keep_with_next=True,
        )
        blocks += charts
    return blocks


def kpi_chart(phase: dict, kpi: dict) -> Block:
    """One KPI's readings as a line chart the width of the page, under its name."""
    readings = kpi["readings"]
    values = [reading["value"] for reading in readings]
    target = kpi.get("target")
    low = min([*values, *([target] if target is not None else [])])
    high = max([*values, *([target] if target is not None else [])])
    if low == high:
        low, high = low - 1, high + 1
    left, right = LEFT + LABEL_W, RIGHT - 8
    title_h = 20
    height = title_h + CHART_H + 22
    unit = f" {kpi['unit']}" if kpi.get("unit") else ""

    def draw(top: float) -> str:
        plot_top = top + title_h
        plot_bottom = plot_top + CHART_H

        def y(value: float) -> float:
            return plot_bottom - (value - low) / (high - low) * CHART_H

        step = (right - left) / max(len(values) - 1, 1)
        xs = (
            [left + i * step for i in range(len(values))]
            if len(values) > 1
            else [(left + right) / 2]
        )
        title = tx.ellipsize(f"{phase['name']} · {kpi['name']}", WIDTH, 10, bold=True)
        parts = [
            draw_text(LEFT, top + 11, title, size=10, bold=True),
            f'<rect x="{num(left)}" y="{num(plot_top)}" width="{num(right - left)}" '
            f'height="{CHART_H}" fill="#f8fafc" stroke="{LINE}"/>',
            draw_text(left - 5, plot_top + 8, figure(high), size=7.5, fill=MUTED, anchor="end"),
            draw_text(left - 5, plot_bottom, figure(low), size=7.5, fill=MUTED, anchor="end"),
        ]
        if target is not None:
            parts.append(
                f'<line x1="{num(left)}" y1="{num(y(target))}" x2="{num(right)}" '
                f'y2="{num(y(target))}" stroke="{TARGET_COLOUR}" stroke-width="1.2" '
                'stroke-dasharray="4 3"/>'
            )
            label = _("Target %(target)s") % {"target": figure(target) + unit}
            parts.append(
                draw_text(
                    right - 4, y(target) - 4, label, size=7.5, fill=TARGET_COLOUR, anchor="end"
                )
            )
        points = " ".join(f"{num(x)},{num(y(v))}" for x, v in zip(xs, values, strict=True))
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{LINE_COLOUR}" stroke-width="2" '
            'stroke-linejoin="round" stroke-linecap="round"/>'
        )
        for x, value in zip(xs, values, strict=True):
            parts.append(
                f'<circle cx="{num(x)}" cy="{num(y(value))}" r="2.6" fill="{LINE_COLOUR}"/>'
            )
        last_x, last_v = xs[-1], values[-1]
        parts.append(
            draw_text(
                last_x,
                y(last_v) - 6,
                figure(last_v) + unit,
                size=8,
                bold=True,
                fill=LINE_COLOUR,
                anchor="end" if len(values) > 1 else "middle",
            )
        )
        parts.append(
            draw_text(
                xs[0],
                plot_bottom + 12,
                readings[0]["date"],
                size=7.5,
                fill=INK_2,
                anchor="start" if len(values) > 1 else "middle",
            )
        )
        if len(values) > 1:
            parts.append(
                draw_text(
                    xs[-1],
                    plot_bottom + 12,
                    readings[-1]["date"],
                    size=7.5,
                    fill=INK_2,
                    anchor="end",
                )
            )
        return "".join(parts)

    return Block(height, draw, space_before=10)
