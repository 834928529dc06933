"""Real exports, screened without ``--map``: one fixture per vendor, with the vendors' own header names
(docs/import.md cites where each comes from) and messy synthetic values.

For every vendor: no value is silently dropped (a row is decided or rejected with its line), every
phone column is used (calls take the direct line, SMS a mobile, ``<channel>_phone`` says which), every
do-not-contact column of the export is honoured (``opted_out``, the column named), and each decision
equals ``check`` on the chosen number with the opt-out on record.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from lawfulreach import Lawfulreach, parse_request
from lawfulreach.batch.reader import read_prospects
from lawfulreach.batch.screening import screen_frame
from lawfulreach.batch.snapshot import BatchSnapshot
from lawfulreach.domain.normalise import normalise_email, normalise_phone
from lawfulreach.domain.state import InMemoryState
from lawfulreach.domain.vocabulary import Channel
from lawfulreach.errors import InputError
from lawfulreach.schema import parse_campaign

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
CAMPAIGN = {"name": "vendors", "legal_entity": "Northwind Ltd", "lia": "passed", "excluded_regions": ["US-CA"]}
CHANNELS = [Channel.EMAIL, Channel.SMS, Channel.CALL, Channel.AUTOMATED_CALL]

EXPORTS: dict[str, str] = {
    "hubspot": (
        "Record ID,First Name,Last Name,Email,Phone Number,Mobile Phone Number,Company Name,Job Title,"
        "Country/Region,State/Region,Lifecycle Stage,Unsubscribed from all email,Opted out of email: Newsletter\n"
        "101,Zoë,Müller,zoe+crm@firma.de,+49 30 901820,+49 1512 3456789,Firma GmbH,CTO,Deutschland,Bayern,lead,false,\n"
        "102,Seán,O’Brien,sean@acme.co.uk,+44 (0)20 7946 0958,07400 123456,Acme Ltd,CEO,U.K.,,customer,TRUE,\n"
        "103,Ana,García,ana@empresa.es,,+34 612 345 678,Empresa SL,CMO,España,,lead,,Yes\n"
        "104,Bob,Li,bob@corp.us,(415) 555-0132 ext. 12,,Corp Inc.,VP,United States,California,lead,0,\n"
    ),
    "salesforce_report": (
        "First Name,Last Name,Title,Account Name,Email,Phone,Mobile,Mailing Country,Mailing State/Province,"
        "Email Opt Out,Do Not Call,Fax Opt Out\n"
        "Jan,de Vries,Director,Bedrijf BV,jan@bedrijf.nl,+31 20 123 4567,+31 6 12345678,The Netherlands,,0,1,1\n"
        "Marie,Lefèvre,DG,Société SAS,marie@societe.fr,0033 1 42 68 53 00,+33 6 12 34 56 78,France,,1,0,0\n"
        "Pat,Kim,CFO,Corp Ltd,pat@corp.ca,(416) 555-0199,,Canada,Ontario,false,false,false\n"
    ),
    "salesforce_api": (
        "Id,FirstName,LastName,Title,Email,Phone,MobilePhone,HomePhone,MailingCountry,MailingState,"
        "HasOptedOutOfEmail,DoNotCall,HasOptedOutOfFax\n"
        "003A1,Liam,Walsh,Owner,liam@firma.ie,,+353 85 123 4567,,Republic of Ireland,,false,false,true\n"
        "003A2,Eva,Novak,CEO,eva@firma.at,+43 1 53115 0,+43 664 1234567,,Österreich,Wien,true,true,false\n"
    ),
    "pipedrive": (
        "Person - Name,Person - Organization,Person - Email - Work,Person - Phone - Work,Person - Phone - Mobile,"
        "Person - Marketing status,Person - Country\n"
        "Piet Jansen,Bedrijf BV,piet@bedrijf.nl,+31 20 123 4567,+31 6 12345678,Subscribed,Holland\n"
        "Lea Roth,Firma GmbH,lea@firma.de,030 901820,,Unsubscribed,Germany\n"
        "Max Weber,Firma AG,max@firma.ch,,+41 79 123 45 67,No consent,Schweiz\n"
    ),
    "apollo": (
        "First Name,Last Name,Title,Company,Email,Email Status,Work Direct Phone,Home Phone,Mobile Phone,"
        "Corporate Phone,Other Phone,Person Linkedin Url,City,State,Country\n"
        "Kim,Park,VP Sales,Corp Inc.,kim@corp.us,Verified,+1 212 555 0123,,+1 646 555 0142,+1 212 555 0100,,"
        "http://www.linkedin.com/in/kim,New York,NY,United States\n"
        "Sam,Lee,CTO,Startup Inc.,sam@startup.io,Verified,,,,+1 415 555 0100,,,San Francisco,CA,U.S.A.\n"
    ),
    "zoho": (
        "Record Id,First Name,Last Name,Email,Phone,Mobile,Account Name,Title,Mailing Country,Mailing State,"
        "Email Opt Out\n"
        "zcrm_1,Olga,Berg,olga@foretag.se,+46 8 123 456 78,,Företag AB,CEO,Sverige,,true\n"
        "zcrm_2,Jon,Smith,jon@shop.co.uk,,+44 7400 123456,Shop Ltd,Owner,Great Britain,,false\n"
    ),
    "close": (
        "id,display_name,status_label,primary_contact_name,primary_contact_title,primary_contact_primary_phone,"
        "primary_contact_primary_phone_type,primary_contact_primary_email,primary_address_country,"
        "primary_address_state\n"
        "lead_1,Acme Ltd,Potential,Ruth Evans,CEO,+44 20 7946 0958,office,ruth@acme.co.uk,GB,\n"
        "lead_2,Corp Inc.,Qualified,Ted Moss,CFO,4.4207946E+11,mobile,ted@corp.us,US,NY\n"
    ),
    "lemlist": (
        "email,firstName,lastName,companyName,jobTitle,phone,linkedinUrl,isUnsubscribed\n"
        "noah@firma.de,Noah,Klein,Firma GmbH,CEO,+49 89 1234567,https://linkedin.com/in/noah,false\n"
        "emma@bedrijf.be,Emma,Peeters,Bedrijf NV,CTO,+32 470 12 34 56,,true\n"
    ),
}


def _screen(tmp_path: Path, vendor: str) -> tuple[Any, list[dict[str, Any]]]:
    path = tmp_path / f"{vendor}.csv"
    path.write_text(EXPORTS[vendor], encoding="utf-8")
    file = read_prospects(path)
    result = screen_frame(
        file.frame,
        CHANNELS,
        parse_campaign(CAMPAIGN),
        Lawfulreach().rulebase,
        BatchSnapshot.from_memory(InMemoryState()),
        now=NOW,
        conformed=True,
    )
    return file, result.frame.to_dicts()


def _by_email(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["email"]: r for r in rows}


class TestEveryVendor:
    """Every export reads without --map and loses no row."""

    @pytest.mark.parametrize("vendor", sorted(EXPORTS))
    def test_no_row_lost(self, tmp_path: Path, vendor: str) -> None:
        file, rows = _screen(tmp_path, vendor)
        lines = EXPORTS[vendor].count("\n") - 1
        assert len(rows) + file.rejects.height == lines
        assert file.rejects.height == 0, file.rejects.to_dicts()

    @pytest.mark.parametrize("vendor", sorted(EXPORTS))
    def test_check_agrees_on_the_chosen_number(self, tmp_path: Path, vendor: str) -> None:
        """Each channel's decision equals ``check`` on the number it chose, with the list's opt-outs
        on record as the ledger would hold them after ``--save``."""
        _, rows = _screen(tmp_path, vendor)
        for row in rows:
            for ch in CHANNELS:
                contact = {k: row[k] for k in ("email", "name", "first_name", "last_name", "company", "country")}
                contact = {k: v for k, v in contact.items() if v is not None}
                if row["region"]:
                    contact["region"] = row["region"]
                chosen = row.get(f"{ch.value}_phone")
                if chosen:
                    contact["phone"] = chosen
                    if chosen == row["mobile_phone"]:
                        contact["phone_type"] = "mobile"
                state = InMemoryState()
                if row[f"{ch.value}_opted_out_by"]:
                    key = normalise_email(row["email"]).address
                    state.opt_out(key or normalise_phone(chosen).e164 or "", ch.value)
                service = Lawfulreach(state=state, clock=lambda: NOW)
                decision = service.check(parse_request({"contact": contact, "channel": ch.value, "campaign": CAMPAIGN}))
                assert row[f"{ch.value}_outcome"] == decision.outcome.value, (vendor, row["email"], ch)
                assert row[f"{ch.value}_reasons"] == ";".join(decision.reason_codes), (vendor, row["email"], ch)


class TestPhones:
    """Every phone column is read; a channel picks the right one."""

    def test_hubspot_mobile_for_sms_and_phone_for_calls(self, tmp_path: Path) -> None:
        rows = _by_email(_screen(tmp_path, "hubspot")[1])
        zoe = rows["zoe+crm@firma.de"]
        assert (zoe["call_phone"], zoe["sms_phone"]) == ("+49 30 901820", "+49 1512 3456789")
        ana = rows["ana@empresa.es"]  # only a mobile: calls use it too (it used to be lost)
        assert (ana["call_phone"], ana["sms_phone"]) == ("+34 612 345 678", "+34 612 345 678")
        assert "invalid_phone" not in ana["call_reasons"]
        assert rows["bob@corp.us"]["call_phone"] == "(415) 555-0132 ext. 12"

    def test_apollo_direct_before_mobile_before_corporate(self, tmp_path: Path) -> None:
        rows = _by_email(_screen(tmp_path, "apollo")[1])
        kim = rows["kim@corp.us"]
        assert kim["call_phone"] == kim["automated_call_phone"] == "+1 212 555 0123"
        assert kim["sms_phone"] == "+1 646 555 0142"
        assert rows["sam@startup.io"]["call_phone"] == "+1 415 555 0100"  # the switchboard, the only number

    def test_salesforce_api_names(self, tmp_path: Path) -> None:
        rows = _by_email(_screen(tmp_path, "salesforce_api")[1])
        assert rows["liam@firma.ie"]["call_phone"] == "+353 85 123 4567"
        assert rows["eva@firma.at"]["sms_phone"] == "+43 664 1234567"
        assert rows["eva@firma.at"]["call_phone"] == "+43 1 53115 0"

    def test_pipedrive_work_and_mobile(self, tmp_path: Path) -> None:
        rows = _by_email(_screen(tmp_path, "pipedrive")[1])
        piet = rows["piet@bedrijf.nl"]
        assert (piet["call_phone"], piet["sms_phone"]) == ("+31 20 123 4567", "+31 6 12345678")

    def test_close_phone_type_words(self, tmp_path: Path) -> None:
        file, _ = _screen(tmp_path, "close")
        assert file.frame["phone_type"].to_list() == [None, "mobile"]

    def test_mangled_and_missing_told_apart(self, tmp_path: Path) -> None:
        """Still ``invalid_phone``, with a message saying what happened (and the summary counts it)."""
        path = tmp_path / "close.csv"
        path.write_text(EXPORTS["close"], encoding="utf-8")
        file = read_prospects(path)
        result = screen_frame(
            file.frame,
            [Channel.CALL],
            parse_campaign(CAMPAIGN),
            Lawfulreach().rulebase,
            BatchSnapshot.from_memory(InMemoryState()),
            now=NOW,
            conformed=True,
        )
        assert result.frame["call_reasons"].to_list()[1] == "invalid_phone"
        assert result.phone_status["call"].to_list() == ["valid", "mangled"]
        messages = {r.message for d in result.decisions.values() for r in d.reasons if r.code == "invalid_phone"}
        assert any("scientific notation" in m for m in messages)
        missing = Lawfulreach().check(parse_request({"contact": {"email": "a@b.de"}, "channel": "call"}))
        assert any(r.message == "The phone number is missing." for r in missing.reasons)


class TestOptOutFlags:
    """The list's own do-not-contact columns are opt-outs for their channels, the column named."""

    def test_hubspot_unsubscribed(self, tmp_path: Path) -> None:
        rows = _by_email(_screen(tmp_path, "hubspot")[1])
        sean, ana, zoe = rows["sean@acme.co.uk"], rows["ana@empresa.es"], rows["zoe+crm@firma.de"]
        assert "opted_out" in sean["email_reasons"]
        assert sean["email_opted_out_by"] == "Unsubscribed from all email"
        assert "opted_out" not in sean["call_reasons"]  # an email unsubscribe is about email
        assert ana["email_opted_out_by"] == "Opted out of email: Newsletter"
        assert zoe["email_opted_out_by"] is None
        assert "opted_out" not in zoe["email_reasons"]

    def test_salesforce_do_not_call_and_email_opt_out(self, tmp_path: Path) -> None:
        rows = _by_email(_screen(tmp_path, "salesforce_report")[1])
        jan, marie, pat = rows["jan@bedrijf.nl"], rows["marie@societe.fr"], rows["pat@corp.ca"]
        for ch in ("call", "automated_call", "sms"):
            assert "opted_out" in jan[f"{ch}_reasons"], ch
            assert jan[f"{ch}_opted_out_by"] == "Do Not Call"
        assert "opted_out" not in jan["email_reasons"]  # "Fax Opt Out" is ignored: no fax channel
        assert marie["email_opted_out_by"] == "Email Opt Out"
        assert "opted_out" not in marie["call_reasons"]
        assert not any(pat[f"{ch.value}_opted_out_by"] for ch in CHANNELS)

    def test_salesforce_api_flags(self, tmp_path: Path) -> None:
        rows = _by_email(_screen(tmp_path, "salesforce_api")[1])
        assert rows["eva@firma.at"]["email_opted_out_by"] == "HasOptedOutOfEmail"
        assert rows["eva@firma.at"]["call_opted_out_by"] == "DoNotCall"
        assert rows["liam@firma.ie"]["email_opted_out_by"] is None

    def test_pipedrive_marketing_status(self, tmp_path: Path) -> None:
        rows = _by_email(_screen(tmp_path, "pipedrive")[1])
        assert rows["lea@firma.de"]["email_opted_out_by"] == "Person - Marketing status"
        assert rows["piet@bedrijf.nl"]["email_opted_out_by"] is None
        assert rows["max@firma.ch"]["email_opted_out_by"] is None

    def test_zoho_and_lemlist(self, tmp_path: Path) -> None:
        zoho = _by_email(_screen(tmp_path, "zoho")[1])
        assert zoho["olga@foretag.se"]["email_opted_out_by"] == "Email Opt Out"
        lemlist = _by_email(_screen(tmp_path, "lemlist")[1])
        emma = lemlist["emma@bedrijf.be"]
        assert all(emma[f"{ch.value}_opted_out_by"] == "isUnsubscribed" for ch in CHANNELS)
        assert lemlist["noah@firma.de"]["email_opted_out_by"] is None

    @pytest.mark.parametrize("value", ["TRUE", "Yes", "1", "x", "✓", "true"])
    def test_truthy_spellings(self, tmp_path: Path, value: str) -> None:
        path = tmp_path / "f.csv"
        path.write_text(f"Email,Email Opt Out\na@firma.de,{value}\n", encoding="utf-8")
        assert read_prospects(path).frame["email_opt_out"].to_list() == ["Email Opt Out"]

    def test_unreadable_flag_rejects_the_row(self, tmp_path: Path) -> None:
        path = tmp_path / "f.csv"
        path.write_text("Email,Do Not Call\na@firma.de,maybe\nb@firma.de,no\n", encoding="utf-8")
        file = read_prospects(path)
        assert file.frame["email"].to_list() == ["b@firma.de"]
        ((line, column, value, error),) = file.rejects.select("line", "column", "value", "error").rows()
        assert (line, column, value) == (2, "Do Not Call", "maybe")
        assert error.startswith("Do Not Call: 'maybe'")


class TestValuesAndColumns:
    def test_country_and_state_names(self, tmp_path: Path) -> None:
        rows = _by_email(_screen(tmp_path, "hubspot")[1])
        assert rows["zoe+crm@firma.de"]["email_jurisdiction"] == "DE"
        assert rows["sean@acme.co.uk"]["email_jurisdiction"] == "GB"
        bob = rows["bob@corp.us"]  # "California" beside "United States": the excluded US-CA region
        assert "region_excluded" in bob["email_reasons"]
        apollo = _by_email(_screen(tmp_path, "apollo")[1])
        assert "region_excluded" in apollo["sam@startup.io"]["email_reasons"]  # "CA" beside "U.S.A."
        assert "region_excluded" not in apollo["kim@corp.us"]["email_reasons"]

    def test_linkedin_sales_navigator_export_has_no_channel(self, tmp_path: Path) -> None:
        path = tmp_path / "salesnav.csv"
        path.write_text(
            "First Name,Last Name,Title,Company,LinkedIn URL\nAnn,Lee,CEO,Acme,https://linkedin.com/in/ann\n",
            encoding="utf-8",
        )
        with pytest.raises(InputError, match="no contact channel") as info:
            read_prospects(path)
        assert "--map" not in str(info.value)
