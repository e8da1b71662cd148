"""Small-cell suppression for published statistics, shared by every module.

A count from 1 to `threshold` (10) is shown as "<11" (primary suppression), and so is
a row total, column total or grand total from 1 to `threshold`. Then hidden figures are
added (secondary suppression) until none can be worked out from what is shown.

Why that holds: write the table with its totals as an (R+1) x (C+1) grid whose last
column holds minus the row totals, whose last row holds minus the column totals and
whose corner holds the grand total; every line of that grid sums to zero. Changing
hidden figures while keeping every published figure and every sum is possible exactly
along a cycle of hidden figures (alternating +1/-1 along its rows and columns). So a
hidden figure can be worked out exactly when it lies on no cycle of hidden figures,
that is when it is a *bridge* of the graph whose nodes are the grid's lines and whose
edges are the hidden figures. We add the smallest non-zero figure that closes a cycle
through each bridge until there is none.

Tables published side by side over the same columns (say by month and by
neighbourhood) share their column totals and grand total: `suppress_linked` hides a
shared total in all of them when one hides it, and protects every cell and row total
by a cycle that does not pass through the shared totals.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

THRESHOLD = 10

# Nodes of the grid's graph: ("row", r) for each row and ("column", c) for each column;
# the totals line is the row TOTALS_ROW and the column TOTALS_COLUMN.
TOTALS_ROW = ("row", "<totals>")
TOTALS_COLUMN = ("column", "<totals>")
Node = tuple[str, object]
Edge = tuple[Node, Node]


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


def _bridges(edges: set[Edge]) -> list[Edge]:
    """Edges on no cycle (Tarjan's bridge-finding, iterative), in a stable order."""
    neighbours: dict[Node, list[tuple[Node, int]]] = {}
    ordered = sorted(edges, key=repr)
    for index, (u, v) in enumerate(ordered):
        neighbours.setdefault(u, []).append((v, index))
        neighbours.setdefault(v, []).append((u, index))
    order: dict[Node, int] = {}
    low: dict[Node, int] = {}
    found: list[Edge] = []
    for root in sorted(neighbours, key=repr):
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack = [(root, -1, iter(neighbours[root]))]
        while stack:
            node, via, pending = stack[-1]
            advanced = False
            for child, index in pending:
                if index == via:
                    continue
                if child in order:
                    low[node] = min(low[node], order[child])
                else:
                    order[child] = low[child] = len(order)
                    stack.append((child, index, iter(neighbours[child])))
                    advanced = True
                    break
            if not advanced:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        found.append(ordered[via])
    return found


def _component(edges: set[Edge], start: Node) -> set[Node]:
    neighbours: dict[Node, list[Node]] = {}
    for u, v in edges:
        neighbours.setdefault(u, []).append(v)
        neighbours.setdefault(v, []).append(u)
    seen, todo = {start}, [start]
    while todo:
        for other in neighbours.get(todo.pop(), ()):
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return seen


def _protect(values: dict[Edge, int], hidden: set[Edge], *, shared_margins: bool) -> set[Edge]:
    """Add hidden figures until every hidden figure lies on a cycle of hidden figures
    (cells and row totals on one avoiding the totals row when margins are shared)."""
    hidden = set(hidden)

    def weight(edge: Edge) -> tuple[bool, int, str]:
        return (values[edge] == 0, values[edge], repr(edge))  # smallest non-zero first

    while True:
        problem: tuple[Edge, set[Edge]] | None = None
        if shared_margins:
            inner = {edge for edge in hidden if TOTALS_ROW not in edge}
            bridges = _bridges(inner)
            if bridges:
                problem = (bridges[0], inner)
        if problem is None:
            bridges = _bridges(hidden)
            if bridges:
                problem = (bridges[0], hidden)
        if problem is None:
            return hidden
        (u, v), graph = problem
        without = graph - {(u, v)}
        side_u, side_v = _component(without, u), _component(without, v)
        candidates = [
            edge
            for edge in values
            if edge not in hidden
            and (
                (edge[0] in side_u and edge[1] in side_v)
                or (edge[0] in side_v and edge[1] in side_u)
            )
            and not (shared_margins and graph is not hidden and TOTALS_ROW in edge)
        ]
        if not candidates:  # no cycle can be closed directly: widen the lines of u and v
            candidates = [
                edge
                for edge in values
                if edge not in hidden
                and (u in edge or v in edge)
                and not (shared_margins and graph is not hidden and TOTALS_ROW in edge)
            ] or [edge for edge in values if edge not in hidden and (u in edge or v in edge)]
        if not candidates:
            return hidden  # nothing left to hide on these lines
        hidden.add(min(candidates, key=weight))


def _grid(
    counts: dict[tuple[Hashable, Hashable], int],
    rows: Sequence[Hashable],
    columns: Sequence[Hashable],
) -> dict[Edge, int]:
    values: dict[Edge, int] = {}
    for row in rows:
        for column in columns:
            values[(("row", row), ("column", column))] = counts.get((row, column), 0)
        values[(("row", row), TOTALS_COLUMN)] = sum(counts.get((row, c), 0) for c in columns)
    for column in columns:
        values[(TOTALS_ROW, ("column", column))] = sum(counts.get((r, column), 0) for r in rows)
    values[(TOTALS_ROW, TOTALS_COLUMN)] = sum(values[(TOTALS_ROW, ("column", c))] for c in columns)
    return values


def _table(
    values: dict[Edge, int],
    hidden: set[Edge],
    rows: Sequence[Hashable],
    columns: Sequence[Hashable],
) -> Table:
    def shown(edge: Edge) -> int | None:
        return None if edge in hidden else values[edge]

    return Table(
        rows=list(rows),
        columns=list(columns),
        cells={(r, c): shown((("row", r), ("column", c))) for r in rows for c in columns},
        row_totals={r: shown((("row", r), TOTALS_COLUMN)) for r in rows},
        column_totals={c: shown((TOTALS_ROW, ("column", c))) for c in columns},
        total=shown((TOTALS_ROW, TOTALS_COLUMN)),
    )


def _primary(values: dict[Edge, int], threshold: int) -> set[Edge]:
    return {edge for edge, value in values.items() if 0 < value <= threshold}


def suppress(
    counts: dict[tuple[Hashable, Hashable], int],
    *,
    rows: Sequence[Hashable],
    columns: Sequence[Hashable],
    threshold: int = THRESHOLD,
) -> Table:
    """One table with its totals, small figures hidden and none derivable."""
    values = _grid(counts, rows, columns)
    hidden = _protect(values, _primary(values, threshold), shared_margins=False)
    return _table(values, hidden, rows, columns)


def suppress_linked(
    tables: dict[str, tuple[dict[tuple[Hashable, Hashable], int], Sequence[Hashable]]],
    *,
    columns: Sequence[Hashable],
    threshold: int = THRESHOLD,
) -> dict[str, Table]:
    """Several tables over the same columns and the same records (each record counted
    once in each table), published together: {name: (counts, rows)} -> {name: Table}."""
    grids = {name: _grid(counts, rows, columns) for name, (counts, rows) in tables.items()}
    hidden = {name: _primary(values, threshold) for name, values in grids.items()}
    while True:
        for name, values in grids.items():
            hidden[name] = _protect(values, hidden[name], shared_margins=True)
        shared = {edge for found in hidden.values() for edge in found if TOTALS_ROW in edge}
        if all(shared <= found for found in hidden.values()):
            break
        for name in hidden:
            hidden[name] |= shared
    return {name: _table(grids[name], hidden[name], tables[name][1], columns) for name in tables}


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
