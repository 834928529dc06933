"""The results file: every input column unchanged and in order, then the columns the tool adds.

So a screened list can go back into the CRM it came from (Record ID, owner, lifecycle stage… are all
still there). An added column whose name the input already uses (a list screened before, carrying
``email_outcome``) is never allowed to overwrite or shadow the input's column: it is renamed
deterministically to the first free ``NAME_2``, ``NAME_3``, … and the summary says so.
"""

from __future__ import annotations

import polars as pl


def added_names(input_columns: list[str], added: list[str]) -> dict[str, str]:
    """{added column: name in the results file}; only clashing names change."""
    taken = set(input_columns)
    out: dict[str, str] = {}
    for name in added:
        final, n = name, 2
        while final in taken:
            final, n = f"{name}_{n}", n + 1
        taken.add(final)
        out[name] = final
    return out


def passthrough(raw: pl.DataFrame, added: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, str]]:
    """(input columns + added columns, {added column: new name} for those renamed to avoid a clash)."""
    if raw.height != added.height:  # pragma: no cover - the reader keeps both frames row-aligned
        raise ValueError(f"input has {raw.height} rows, results {added.height}")
    names = added_names(raw.columns, added.columns)
    renamed = {k: v for k, v in names.items() if k != v}
    return pl.concat([raw, added.rename(renamed)], how="horizontal"), renamed
