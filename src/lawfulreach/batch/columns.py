"""Prospect file columns → the contact facts of spec §2.

Column names are matched case-insensitively after folding punctuation (``"Country/Region"`` →
``country_region``). Presets cover the contact exports of HubSpot, Pipedrive and Salesforce; ``--map
col=field`` handles anything else. One table, used by ``screen`` and ``contacts import`` alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import polars as pl

from lawfulreach.errors import InputError

#: The canonical fields a prospect row may carry (spec §2 contact facts, plus request-level facts
#: that vary per row in a list: source, relationship, consent).
FIELDS: tuple[str, ...] = (
    "email",
    "phone",
    "name",
    "first_name",
    "last_name",
    "job_title",
    "company",
    "country",
    "region",
    "subscriber_type",
    "phone_type",
    "in_public_directory",
    "source",
    "relationship_kind",
    "relationship_legal_entity",
    "relationship_products",
    "opt_out_offered",
    "last_interaction",
    "consent_status",
    "consent_channel",
    "consent_purpose",
    "consent_method",
)

_GENERIC: dict[str, str] = {
    "email": "email",
    "email_address": "email",
    "e_mail": "email",
    "mail": "email",
    "phone": "phone",
    "phone_number": "phone",
    "telephone": "phone",
    "tel": "phone",
    "mobile": "phone",
    "mobile_phone": "phone",
    "name": "name",
    "full_name": "name",
    "contact_name": "name",
    "first_name": "first_name",
    "firstname": "first_name",
    "given_name": "first_name",
    "last_name": "last_name",
    "lastname": "last_name",
    "surname": "last_name",
    "family_name": "last_name",
    "job_title": "job_title",
    "title": "job_title",
    "position": "job_title",
    "company": "company",
    "company_name": "company",
    "organisation": "company",
    "organization": "company",
    "account": "company",
    "country": "country",
    "country_code": "country",
    "region": "region",
    "subdivision": "region",
    "state_code": "region",
    "state": "region",
    "province": "region",
    "state_province": "region",
    "state_region": "region",
    "subscriber_type": "subscriber_type",
    "phone_type": "phone_type",
    "in_public_directory": "in_public_directory",
    "source": "source",
}
_GENERIC.update({f: f for f in FIELDS})

PRESETS: dict[str, dict[str, str]] = {
    # HubSpot "Export contacts" default properties.
    "hubspot": {
        "first_name": "first_name",
        "last_name": "last_name",
        "email": "email",
        "phone_number": "phone",
        "mobile_phone_number": "phone",
        "company_name": "company",
        "associated_company": "company",
        "job_title": "job_title",
        "country_region": "country",
        "country": "country",
        "state_region": "region",
    },
    # Pipedrive people export ("Person - …" when exported from a list view).
    "pipedrive": {
        "person_name": "name",
        "person_first_name": "first_name",
        "person_last_name": "last_name",
        "person_email": "email",
        "person_email_work": "email",
        "person_phone": "phone",
        "person_phone_work": "phone",
        "person_organization": "company",
        "person_job_title": "job_title",
        "organization": "company",
        "organization_name": "company",
        "person_country": "country",
    },
    # Salesforce contact report / data export.
    "salesforce": {
        "first_name": "first_name",
        "last_name": "last_name",
        "email": "email",
        "phone": "phone",
        "mobile": "phone",
        "mobilephone": "phone",
        "account_name": "company",
        "account": "company",
        "title": "job_title",
        "mailing_country": "country",
        "mailingcountry": "country",
        "mailing_country_code": "country",
        "mailing_state_province": "region",
    },
}


def fold(name: str) -> str:
    """``"Country/Region"`` → ``"country_region"``; ``"Person - Email"`` → ``"person_email"``."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def parse_mapping(items: Iterable[str]) -> dict[str, str]:
    """``["Work Email=email", …]`` → {folded source column: field}; unknown fields are an error."""
    out: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise InputError(f"--map {item!r}: use COLUMN=FIELD, e.g. 'Work Email=email'")
        col, _, field = item.partition("=")
        field = field.strip()
        if field not in FIELDS:
            raise InputError(f"--map {item!r}: unknown field {field!r}; fields are {', '.join(FIELDS)}")
        out[fold(col)] = field
    return out


def resolve_columns(
    header: Iterable[str], preset: str = "auto", explicit: Mapping[str, str] | None = None
) -> dict[str, str]:
    """{source column name: canonical field} for a file's header. The first column wins a field."""
    if preset != "auto" and preset not in PRESETS:
        raise InputError(f"unknown preset {preset!r}; use auto, {', '.join(PRESETS)}")
    tables: list[Mapping[str, str]] = [explicit or {}]
    if preset == "auto":
        tables += [_GENERIC, *PRESETS.values()]
    else:
        tables += [PRESETS[preset], _GENERIC]
    out: dict[str, str] = {}
    taken: set[str] = set()
    for table in tables:
        for col in header:
            if col in out:
                continue
            field = table.get(fold(col))
            if field and field not in taken:
                out[col] = field
                taken.add(field)
    if not ({"email", "phone"} & taken):
        raise InputError(
            f"no email or phone column found in the header ({', '.join(header)}); name one with --map 'COLUMN=email'"
        )
    return out


def conform(contacts: pl.DataFrame) -> pl.DataFrame:
    """Any frame with some canonical columns → all of them, as trimmed text, blanks as nulls.

    Blank and missing mean the same thing in a prospect list: "not given".
    """
    present = [f for f in FIELDS if f in contacts.columns]
    missing = [pl.lit(None, dtype=pl.String).alias(f) for f in FIELDS if f not in contacts.columns]
    return contacts.with_columns(
        [pl.col(f).cast(pl.String).str.strip_chars().replace("", None) for f in present] + missing
    )
