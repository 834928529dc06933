"""Countries and regions of a whole frame, through the one scalar normaliser (``domain.places``).

A list holds few distinct (country, region) pairs, so each pair is read once by the same function
``check`` uses and the answer is joined back: the batch path cannot read a value differently.
A value that cannot be read gives an error message (for the rejects file), never a silent null.
"""

from __future__ import annotations

import polars as pl

from lawfulreach.domain.places import country_error, normalise_country, normalise_region, region_error

PLACE_COLUMNS = ("_country", "_region", "_place_error")


def _read_pair(country: str | None, region: str | None, labels: dict[str, str]) -> tuple[str | None, ...]:
    code = normalise_country(country)
    errors = []
    if country is not None and code is None:
        errors.append(f"{labels.get('country', 'country')}: {country_error(country)}")
    sub = normalise_region(region, code)
    if region is not None and sub is None:
        errors.append(f"{labels.get('region', 'region')}: {region_error(region, code)}")
    return code, sub, "; ".join(errors) or None


def read_places(frame: pl.DataFrame, labels: dict[str, str] | None = None) -> pl.DataFrame:
    """Row-aligned ``_country`` (ISO alpha-2), ``_region`` (ISO 3166-2) and ``_place_error``.

    ``frame`` has ``country`` and ``region`` as trimmed text with blanks as nulls; ``labels`` names
    the input column of each field, so the error says which column of the file held the value."""
    labels = labels or {}
    pairs = frame.select("country", "region").unique()
    answers = [_read_pair(c, r, labels) for c, r in pairs.iter_rows()]
    table = pairs.with_columns(
        pl.Series("_country", [a[0] for a in answers], dtype=pl.String),
        pl.Series("_region", [a[1] for a in answers], dtype=pl.String),
        pl.Series("_place_error", [a[2] for a in answers], dtype=pl.String),
    )
    return (
        frame.select("country", "region")
        .join(table, on=["country", "region"], how="left", nulls_equal=True, maintain_order="left")
        .select(PLACE_COLUMNS)
    )
