"""Small cells are hidden, and no hidden cell can be recovered from the totals."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.statistics import suppress


def recoverable(table) -> bool:  # type: ignore[no-untyped-def]
    """Could a hidden cell be worked out from its row or column total?"""
    for row in table.rows:
        hidden = [c for c in table.columns if table.cell(row, c) is None]
        if len(hidden) == 1 and table.row_totals[row] is not None:
            return True
    for column in table.columns:
        hidden = [r for r in table.rows if table.cell(r, column) is None]
        if len(hidden) == 1 and table.column_totals[column] is not None:
            return True
    return False


def test_a_cell_of_three_is_hidden_and_not_derivable() -> None:
    counts = {
        ("2026-01", "register"): 3,
        ("2026-01", "domiciliation"): 40,
        ("2026-01", "social_links"): 25,
        ("2026-02", "register"): 52,
        ("2026-02", "domiciliation"): 31,
        ("2026-02", "social_links"): 60,
    }
    table = suppress(
        counts, rows=["2026-01", "2026-02"], columns=["register", "domiciliation", "social_links"]
    )
    assert table.cell("2026-01", "register") is None
    assert not recoverable(table)
    assert table.total == 211  # the grand total is large and can be published
    hidden = [key for key, value in table.cells.items() if value is None]
    assert len(hidden) >= 4  # a rectangle: two rows by two columns


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=60), min_size=12, max_size=12))
def test_no_table_leaks_a_small_cell(values: list[int]) -> None:
    rows, columns = ["a", "b", "c"], ["w", "x", "y", "z"]
    counts = dict(zip(itertools.product(rows, columns), values, strict=True))
    table = suppress(counts, rows=rows, columns=columns)
    for key, value in counts.items():
        if 1 <= value <= 10:
            assert table.cells[key] is None
    assert not recoverable(table)
