"""Prospect file columns → the contact facts of spec §2.

Column names are matched case-insensitively after folding punctuation and camelCase
(``"Country/Region"`` → ``country_region``, ``companyName`` → ``company_name``, ``MobilePhone`` →
``mobile_phone``). Presets cover the contact exports of HubSpot, Salesforce (report labels and API
names), Pipedrive, Apollo, Zoho, Close and Lemlist, with the header names their own documentation and
export files use (sources in docs/import.md); ``--map col=field`` handles anything else. One table,
used by ``screen`` and ``contacts import`` alike.

Every phone column is read, each as its own field (``PHONE_FIELDS``); a channel picks the number it
decides on (``batch.phones``). A list's own do-not-contact columns (``FLAG_FIELDS``) are opt-outs for
their channels (spec §6); several columns may feed one flag (HubSpot exports one "Opted out of email: …"
column per subscription type), so flags are the one kind of field more than one column may map to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import polars as pl

from lawfulreach.domain.vocabulary import Channel
from lawfulreach.errors import InputError

#: Every phone field, in the order a live call prefers them: a direct or work line before the
#: generic phone, before a mobile, before the company switchboard, before other and home numbers.
PHONE_FIELDS: tuple[str, ...] = (
    "direct_phone",
    "phone",
    "mobile_phone",
    "corporate_phone",
    "other_phone",
    "home_phone",
)

_ALL = tuple(Channel)
#: Do-not-contact flag fields → the channels they stop (docs/rules.md, "The list's own opt-outs").
#: A do-not-call flag stops calls, automated calls and texts: US law treats a text as a call (TCPA,
#: 47 U.S.C. §227; FCC 2023 order applying do-not-call protections to texts), so the stricter reading.
FLAG_FIELDS: dict[str, tuple[Channel, ...]] = {
    "email_opt_out": (Channel.EMAIL,),
    "sms_opt_out": (Channel.SMS,),
    "do_not_call": (Channel.CALL, Channel.AUTOMATED_CALL, Channel.SMS),
    "do_not_contact": _ALL,
    "marketing_status": (Channel.EMAIL,),
}

#: The canonical fields a prospect row may carry (spec §2 contact facts, plus request-level facts
#: that vary per row in a list: source, relationship, consent; plus every phone and opt-out column).
FIELDS: tuple[str, ...] = (
    "email",
    *PHONE_FIELDS,
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
    *FLAG_FIELDS,
)

_GENERIC: dict[str, str] = {
    "email": "email",
    "email_address": "email",
    "e_mail": "email",
    "mail": "email",
    "work_email": "email",
    "phone": "phone",
    "phone_number": "phone",
    "telephone": "phone",
    "tel": "phone",
    "business_phone": "phone",
    "work_phone": "direct_phone",
    "direct_phone": "direct_phone",
    "direct_dial": "direct_phone",
    "mobile": "mobile_phone",
    "mobile_phone": "mobile_phone",
    "mobile_number": "mobile_phone",
    "cell": "mobile_phone",
    "cell_phone": "mobile_phone",
    "company_phone": "corporate_phone",
    "corporate_phone": "corporate_phone",
    "switchboard": "corporate_phone",
    "other_phone": "other_phone",
    "home_phone": "home_phone",
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
    "email_opt_out": "email_opt_out",
    "email_opted_out": "email_opt_out",
    "email_unsubscribed": "email_opt_out",
    "unsubscribed": "do_not_contact",
    "opted_out": "do_not_contact",
    "opt_out": "do_not_contact",
    "do_not_contact": "do_not_contact",
    "do_not_email": "email_opt_out",
    "do_not_call": "do_not_call",
    "sms_opt_out": "sms_opt_out",
}
_GENERIC.update({f: f for f in FIELDS})

PRESETS: dict[str, dict[str, str]] = {
    # HubSpot "Export contacts": default contact property labels (HubSpot Knowledge Base, "HubSpot's
    # default contact properties"), plus the email subscription columns of the export.
    "hubspot": {
        "first_name": "first_name",
        "last_name": "last_name",
        "email": "email",
        "phone_number": "phone",
        "mobile_phone_number": "mobile_phone",
        "company_name": "company",
        "associated_company": "company",
        "job_title": "job_title",
        "country_region": "country",
        "country": "country",
        "state_region": "region",
        "unsubscribed_from_all_email": "email_opt_out",
        "hs_email_optout": "email_opt_out",
    },
    # Pipedrive people export ("Person - …" when exported from a list view; Pipedrive Knowledge Base,
    # "Exporting data"; marketing status: "Campaigns: marketing contacts").
    "pipedrive": {
        "person_name": "name",
        "person_first_name": "first_name",
        "person_last_name": "last_name",
        "person_email": "email",
        "person_email_work": "email",
        "person_phone": "phone",
        "person_phone_work": "direct_phone",
        "person_phone_mobile": "mobile_phone",
        "person_phone_home": "home_phone",
        "person_phone_other": "other_phone",
        "phone_work": "direct_phone",
        "phone_mobile": "mobile_phone",
        "phone_home": "home_phone",
        "phone_other": "other_phone",
        "email_work": "email",
        "person_organization": "company",
        "person_job_title": "job_title",
        "organization": "company",
        "organization_name": "company",
        "person_country": "country",
        "person_marketing_status": "marketing_status",
        "marketing_status": "marketing_status",
    },
    # Salesforce Contact: report column labels and API field names (Salesforce Field Reference,
    # "Contact"): Phone/Business Phone, MobilePhone/Mobile, HomePhone, OtherPhone, MailingCountry…
    "salesforce": {
        "first_name": "first_name",
        "last_name": "last_name",
        "email": "email",
        "phone": "phone",
        "business_phone": "phone",
        "mobile": "mobile_phone",
        "mobile_phone": "mobile_phone",
        "mobilephone": "mobile_phone",
        "home_phone": "home_phone",
        "other_phone": "other_phone",
        "account_name": "company",
        "account": "company",
        "title": "job_title",
        "mailing_country": "country",
        "mailingcountry": "country",
        "mailing_country_code": "country",
        "mailing_state_province": "region",
        "mailing_state": "region",
        "mailing_state_code": "region",
        "email_opt_out": "email_opt_out",
        "has_opted_out_of_email": "email_opt_out",
        "do_not_call": "do_not_call",
    },
    # Apollo contact export (Apollo Knowledge Base, contact fields; the phone columns of its CSV export).
    "apollo": {
        "first_name": "first_name",
        "last_name": "last_name",
        "title": "job_title",
        "company": "company",
        "company_name": "company",
        "email": "email",
        "first_phone": "phone",
        "work_direct_phone": "direct_phone",
        "mobile_phone": "mobile_phone",
        "corporate_phone": "corporate_phone",
        "home_phone": "home_phone",
        "other_phone": "other_phone",
        "country": "country",
        "state": "region",
    },
    # Zoho CRM Contacts export: field labels and API names (Zoho CRM API, "Contacts" module fields).
    "zoho": {
        "first_name": "first_name",
        "last_name": "last_name",
        "email": "email",
        "phone": "phone",
        "mobile": "mobile_phone",
        "home_phone": "home_phone",
        "other_phone": "other_phone",
        "title": "job_title",
        "account_name": "company",
        "mailing_country": "country",
        "mailing_state": "region",
        "email_opt_out": "email_opt_out",
    },
    # Close lead export (CSV "primary_contact_*" columns).
    "close": {
        "primary_contact_name": "name",
        "primary_contact_title": "job_title",
        "primary_contact_primary_email": "email",
        "primary_contact_primary_phone": "phone",
        "primary_contact_primary_phone_type": "phone_type",
        "display_name": "company",
        "primary_address_country": "country",
        "primary_address_state": "region",
    },
    # Lemlist lead export (camelCase keys, lemlist API "Leads").
    "lemlist": {
        "email": "email",
        "first_name": "first_name",
        "last_name": "last_name",
        "company_name": "company",
        "job_title": "job_title",
        "phone": "phone",
        "is_unsubscribed": "do_not_contact",
        "unsubscribed": "do_not_contact",
    },
}

#: Phone-type words CRMs use (Close: office, mobile, direct, home, fax, other) → the ``phone_type``
#: vocabulary; a word that says nothing about mobile vs landline leaves the type to the number itself.
PHONE_TYPE_WORDS: dict[str, str | None] = {
    "cell": "mobile",
    "cellular": "mobile",
    "office": None,
    "direct": None,
    "work": None,
    "main": None,
    "home": None,
    "other": None,
    "fax": None,
}

#: Columns that name a person or a profile but no channel: an export with only these (a LinkedIn
#: Sales Navigator scrape) cannot be screened for any channel, which is said plainly.
_PROFILE_ONLY = frozenset(
    {"linkedin_url", "linked_in_url", "linkedin", "profile_url", "person_linkedin_url", "sales_navigator_url"}
)


def fold(name: str) -> str:
    """``"Country/Region"`` → ``"country_region"``; ``"Person - Email"`` → ``"person_email"``;
    ``"companyName"`` → ``"company_name"``; ``"HasOptedOutOfEmail"`` → ``"has_opted_out_of_email"``."""
    split = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name.strip())
    return re.sub(r"[^a-z0-9]+", "_", split.lower()).strip("_")


#: HubSpot exports one "Opted out of email: <subscription type>" column per subscription type.
_FLAG_PREFIXES = (("opted_out_of_email_", "email_opt_out"),)


def _prefix_flag(col: str) -> str | None:
    folded = fold(col)
    return next((field for prefix, field in _FLAG_PREFIXES if folded.startswith(prefix)), None)


def _flat(name: str) -> str:
    """The fold without camelCase splitting (``MobilePhone`` → ``mobilephone``), tried second."""
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
    """{source column name: canonical field} for a file's header. The first column wins a field,
    except flags: every do-not-contact column is read (a flag missed is an opt-out ignored)."""
    if preset != "auto" and preset not in PRESETS:
        raise InputError(f"unknown preset {preset!r}; use auto, {', '.join(PRESETS)}")
    header = list(header)
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
            field = table.get(fold(col)) or table.get(_flat(col)) or _prefix_flag(col)
            if field and (field not in taken or field in FLAG_FIELDS):
                out[col] = field
                taken.add(field)
    if not ({"email", *PHONE_FIELDS} & taken):
        profile = [c for c in header if fold(c) in _PROFILE_ONLY or "linkedin" in fold(c)]
        if profile:
            raise InputError(
                "this export has no contact channel: no email and no phone column, only names and profile "
                f"links ({', '.join(profile)}), as a LinkedIn Sales Navigator export has; nothing in it can be "
                "screened for email, SMS or calls. Add the contacts' email addresses or phone numbers first."
            )
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
