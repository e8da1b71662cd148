"""Server-drawn SVG charts of suppressed statistics: no JavaScript, no hidden figure.

A hidden cell ("<11") is drawn as a dashed outline up to the threshold, never as a bar
of its true height, so the chart gives away nothing the table hides.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from portal.statistics import THRESHOLD, Table

# Colour-blind-safe palette (Okabe-Ito), one colour per series.
PALETTE = ["#0072B2", "#009E73", "#D55E00", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]


def monthly_bars(
    table: Table,
    *,
    series_labels: dict[object, str],
    title: str,
    hidden_label: str,
) -> str:
    """Grouped bars: one group per row (month), one bar per column (outcome)."""
    rows, columns = table.rows, table.columns
    bar, gap, height, top, left, legend_line = 10, 14, 200, 40, 40, 18
    group = bar * max(len(columns), 1) + gap
    width = max(left + group * max(len(rows), 1) + 20, 360)
    legend_top = top + height + 40
    total_height = legend_top + legend_line * len(columns) + 10
    values = [value for value in table.cells.values() if value is not None]
    peak = max([*values, THRESHOLD, 1])
    scale = height / peak
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {total_height}" '
        f'width="{width}" height="{total_height}" role="img" aria-labelledby="chart-title">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<text x="{left}" y="20" font-size="14" font-family="sans-serif">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + height}" x2="{width - 10}" y2="{top + height}" '
        'stroke="#444"/>',
        f'<text x="{left - 6}" y="{top + 4}" font-size="10" text-anchor="end" '
        f'font-family="sans-serif">{peak}</text>',
    ]
    for row_index, row in enumerate(rows):
        x0 = left + row_index * group
        for column_index, column in enumerate(columns):
            value = table.cell(row, column)
            x = x0 + column_index * bar
            colour = PALETTE[column_index % len(PALETTE)]
            label = escape(f"{row} · {series_labels.get(column, column)}: ")
            if value is None:
                drawn = THRESHOLD * scale
                parts.append(
                    f'<rect x="{x}" y="{top + height - drawn:.1f}" width="{bar - 2}" '
                    f'height="{drawn:.1f}" fill="none" stroke="{colour}" stroke-dasharray="3 2">'
                    f"<title>{label}{escape(hidden_label)}</title></rect>"
                )
            elif value:
                drawn = value * scale
                parts.append(
                    f'<rect x="{x}" y="{top + height - drawn:.1f}" width="{bar - 2}" '
                    f'height="{drawn:.1f}" fill="{colour}"><title>{label}{value}</title></rect>'
                )
        parts.append(
            f'<text x="{x0}" y="{top + height + 14}" font-size="10" '
            f'font-family="sans-serif">{escape(str(row))}</text>'
        )
    for column_index, column in enumerate(columns):
        y = legend_top + column_index * legend_line
        colour = PALETTE[column_index % len(PALETTE)]
        parts.append(f'<rect x="{left}" y="{y - 9}" width="10" height="10" fill="{colour}"/>')
        parts.append(
            f'<text x="{left + 16}" y="{y}" font-size="11" font-family="sans-serif">'
            f"{escape(series_labels.get(column, str(column)))}</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts)
