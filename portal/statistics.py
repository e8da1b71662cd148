"""Small-cell suppression for published statistics, shared by every module.

A count from 1 to `threshold` (10) is shown as "<11" (primary suppression). If a row or
a column then had a single hidden cell, its total would give it away, so another cell
of that row or column is hidden too (secondary suppression), until every row and column
has either no hidden cell or at least two. Totals of 1 to `threshold` are hidden too.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

THRESHOLD = 10


@dataclass(frozen=True)
class Table:
    rows: list[Hashable]
    columns: list[Hashable]
    cells: dict[tuple[Hashable, Hashable], int | None]  # None: hidden
    row_totals: dict[Hashable, int | None]
    column_totals: dict[Hashable, int | None]
    total: int | None

    def cell(self, row: Hashable, column: Hashable) -> int | None:
        return self.cells[(row, column)]


def _hide_total(value: int, threshold: int) -> int | None:
    return None if 0 < value <= threshold else value


def suppress(
    counts: dict[tuple[Hashable, Hashable], int],
    *,
    rows: Sequence[Hashable],
    columns: Sequence[Hashable],
    threshold: int = THRESHOLD,
) -> Table:
    true = {(row, column): counts.get((row, column), 0) for row in rows for column in columns}
    hidden = {key for key, value in true.items() if 0 < value <= threshold}
    lines = [[(row, column) for column in columns] for row in rows] + [
        [(row, column) for row in rows] for column in columns
    ]
    changed = True
    while changed:
        changed = False
        for line in lines:
            in_line = [key for key in line if key in hidden]
            if len(in_line) == 1 and len(line) > 1:
                candidates = sorted(
                    (key for key in line if key not in hidden),
                    key=lambda key: (true[key] == 0, true[key]),  # smallest non-zero first
                )
                if candidates:
                    hidden.add(candidates[0])
                    changed = True
    row_totals = {row: sum(true[(row, column)] for column in columns) for row in rows}
    column_totals = {column: sum(true[(row, column)] for row in rows) for column in columns}
    total = sum(true.values())
    return Table(
        rows=list(rows),
        columns=list(columns),
        cells={key: (None if key in hidden else value) for key, value in true.items()},
        row_totals={row: _hide_total(value, threshold) for row, value in row_totals.items()},
        column_totals={
            column: _hide_total(value, threshold) for column, value in column_totals.items()
        },
        total=_hide_total(total, threshold),
    )


def _shown(value: int | None, threshold: int = THRESHOLD) -> str:
    return f"<{threshold + 1}" if value is None else str(value)


def tables_csv(tables: dict[str, Table]) -> str:
    """Published tables as CSV: per table a header row (its name, the columns, "total"),
    its rows with their totals, a "total" row, then a blank line; hidden cells as "<11"."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for name, table in tables.items():
        writer.writerow([name, *table.columns, "total"])
        for row in table.rows:
            writer.writerow(
                [
                    row,
                    *(_shown(table.cell(row, column)) for column in table.columns),
                    _shown(table.row_totals[row]),
                ]
            )
        writer.writerow(
            [
                "total",
                *(_shown(table.column_totals[column]) for column in table.columns),
                _shown(table.total),
            ]
        )
        writer.writerow([])
    return buffer.getvalue()
