"""Word lists the fact extractors use: role addresses, company legal forms, country groups.

They are data, kept in one place so the single-check and the batch paths share them.
"""

from __future__ import annotations

#: Country groups usable in ``campaign.excluded_regions`` (spec §3 "Region exclusion").
EU: frozenset[str] = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()
)
EEA: frozenset[str] = EU | {"IS", "LI", "NO"}
#: GDPR area = EU-27 + IS, LI, NO (GDPR) + GB (UK GDPR) — spec §3 "Jurisdiction".
GDPR_AREA: frozenset[str] = EEA | {"GB"}
REGION_GROUPS: dict[str, frozenset[str]] = {"EU": EU, "EEA": EEA, "GDPR": GDPR_AREA}

#: Local parts that name a role, not a person. Seed 003 glossary: "Generic Email Address ...
#: enquiry@company.com or info@company.com. They are not considered personal data under the GDPR."
ROLE_LOCAL_PARTS: frozenset[str] = frozenset(
    """
    info information contact contacts contactus contact-us hello hi hey enquiries enquiry inquiries inquiry
    sales office admin administration support help helpdesk service services customerservice
    customer-service customercare care marketing accounts accounting billing invoices invoice finance
    team hr jobs careers recruitment press media pr news newsletter webmaster postmaster hostmaster
    abuse noreply no-reply reception mail general business partners partnerships orders order shop
    store booking bookings reservations feedback legal compliance privacy dpo security it tech
    technical operations ops purchasing procurement team hallo kontakt bonjour ventas ventes vertrieb
    buero buro bureau secretariat sekretariat verkauf kundenservice info-de info-uk hola ufficio
    """.split()
)

#: Company legal forms (suffixes) that make a subscriber corporate (spec §3 "Subscriber type").
#: PECR treats LLPs and Scottish partnerships as corporate bodies (spec §5).
LEGAL_FORMS: tuple[str, ...] = (
    "ltd", "limited", "plc", "llp", "lp", "gmbh", "gmbh & co. kg", "gmbh & co kg", "ag", "kg", "kgaa",
    "se", "sa", "sas", "sasu", "sarl", "s.a.r.l.", "eurl", "sca", "bv", "b.v.", "nv", "n.v.", "ab", "oy",
    "oyj", "aps", "a/s", "as", "asa", "spa", "s.p.a.", "srl", "s.r.l.", "sp. z o.o.", "sp.z o.o.",
    "sp z oo", "s.a.", "s.l.", "sl", "slu", "lda", "ltda", "kft", "zrt", "nyrt", "s.r.o.", "sro",
    "a.s.", "d.o.o.", "doo", "d.d.", "dd", "oü", "ou", "uab", "sia", "ehf", "hf", "inc", "inc.",
    "incorporated", "llc", "l.l.c.", "corp", "corp.", "corporation", "co.", "company", "pty", "pty ltd",
    "ulc", "ltée", "ltee", "cic", "eood", "ood", "ad", "srl.", "sprl", "bvba", "cvba", "scrl", "ehf.",
    "ky", "oy ab", "aktiebolag", "aktiengesellschaft", "gesellschaft mbh", "public limited company",
)

#: Names that mark a non-corporate partnership (spec §5: partnerships are not corporate subscribers,
#: except LLPs and Scottish partnerships which the legal-form list above already catches).
PARTNERSHIP_FORMS: tuple[str, ...] = ("& partners", "and partners", "partnership", "gbr", "ohg", "snc")

#: ccTLDs that are sold and used as generic names; they say nothing about where a business is.
GENERIC_USE_CCTLDS: frozenset[str] = frozenset({"io", "co", "ai", "me", "tv", "fm", "cc", "ws", "ly", "to", "eu"})

#: ccTLDs whose ISO 3166 code differs from the TLD.
CCTLD_ALIASES: dict[str, str] = {"uk": "GB", "gb": "GB"}

#: Common ways people write a country that are not its ISO alpha-2 code.
COUNTRY_ALIASES: dict[str, str] = {
    "UK": "GB",
    "GREAT BRITAIN": "GB",
    "ENGLAND": "GB",
    "SCOTLAND": "GB",
    "WALES": "GB",
    "NORTHERN IRELAND": "GB",
    "USA": "US",
    "UNITED STATES OF AMERICA": "US",
    "EL": "GR",  # the EU's own code for Greece
}
