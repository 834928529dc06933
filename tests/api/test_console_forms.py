"""The console's forms that change campaigns and their assessments, and screening with a campaign file
and a column mapping: each action, its role refusals, CSRF refusals and the errors shown beside their
fields — through the whole app in-process, on each database chosen with ``--db``.

The helpers (people, sign-in, the CSRF token) are ``test_console``'s.
"""

from __future__ import annotations

import re
import time

from fastapi.testclient import TestClient

from api_support import Api
from console_support import add_person, client, csrf, signed_in, staff
from lawfulreach.domain.lia import LiaOutcome
from lawfulreach.domain.model import Campaign
from lia_support import PASSING

CAMPAIGN_FORM = {
    "name": "Q1 analytics outreach",
    "purpose": "marketing",
    "sender_type": "commercial",
    "legal_entity": "Northwind Ltd",
    "products": "Analytics, Payroll",
    "consent_purposes": "marketing",
    "excluded_regions": "",
    "lia": "missing",
}


def _form_answers(answers: dict[str, bool | str]) -> dict[str, str]:
    """Answers as the questionnaire form posts them (yes/no radios, choices, text)."""
    return {k: ("yes" if v else "no") if isinstance(v, bool) else v for k, v in answers.items()}


def _actor_of(api: Api, email: str) -> str:
    return f"console user {next(u.user_id for u in staff(api).list() if u.email == email)}"


def _wait(c: TestClient, job: str) -> str:
    deadline = time.monotonic() + 60
    page = c.get(job)
    while "In progress" in page.text:
        assert time.monotonic() < deadline
        time.sleep(0.2)
        page = c.get(job)
    return page.text


class TestCampaignForms:
    """Create, change (a new version each time), archive — as the API's create / update / archive."""

    def test_create_then_change_then_archive_with_versions_on_the_trail(self, api: Api) -> None:
        add_person(api, "dpo@example.com", "compliance")
        c = signed_in(api, "dpo@example.com")
        assert 'href="/console/campaigns/new"' in c.get("/console/campaigns").text
        token = csrf(c, "/console/campaigns/new")
        made = c.post(
            "/console/campaigns/new", data=CAMPAIGN_FORM | {"csrf": token, "id": "q1"}, follow_redirects=False
        )
        assert made.status_code == 303, made.text
        assert made.headers["location"] == "/console/campaigns/q1?done=campaign-created"
        record = api.workspace().campaigns.get("q1")
        assert (record.version, record.campaign.products) == (1, ("Analytics", "Payroll"))
        edit = c.get("/console/campaigns/q1/edit")
        assert 'value="Northwind Ltd"' in edit.text
        same = c.post("/console/campaigns/q1/edit", data=CAMPAIGN_FORM | {"csrf": token}, follow_redirects=False)
        assert same.headers["location"].endswith("done=campaign-unchanged")
        changed = c.post(
            "/console/campaigns/q1/edit", data=CAMPAIGN_FORM | {"csrf": token, "excluded_regions": "de, US-CA"}
        )
        assert "The campaign is saved as a new version." in changed.text
        assert "Version 2" in changed.text
        record = api.workspace().campaigns.get("q1")
        assert (record.version, record.campaign.excluded_regions) == (2, ("DE", "US-CA"))
        assert [v.version for v in api.workspace().campaigns.versions("q1")] == [1, 2]
        archived = c.post("/console/campaigns/q1/archive", data={"csrf": token})
        assert "The campaign is archived" in archived.text
        assert api.workspace().campaigns.get("q1").archived_at is not None
        assert 'action="/console/campaigns/q1/archive"' not in archived.text
        assert c.get("/console/campaigns/q1/edit").status_code == 409
        refused = c.post("/console/campaigns/q1/edit", data=CAMPAIGN_FORM | {"csrf": token, "name": "Again"})
        assert refused.status_code == 409
        actor = _actor_of(api, "dpo@example.com")
        trail = [(e.actor, e.act) for e in api.workspace().audit_show(act="campaign")]
        assert trail == [(actor, "campaign.create"), (actor, "campaign.update"), (actor, "campaign.archive")]

    def test_an_id_is_made_up_when_none_is_given(self, api: Api) -> None:
        add_person(api, "admin@example.com", "admin")
        c = signed_in(api, "admin@example.com")
        made = c.post("/console/campaigns/new", data=CAMPAIGN_FORM | {"csrf": csrf(c)}, follow_redirects=False)
        assert made.status_code == 303
        cid = made.headers["location"].split("/")[3].split("?")[0]
        assert cid.startswith("cmp_")
        assert api.workspace().campaigns.get(cid).campaign.name == "Q1 analytics outreach"

    def test_validation_errors_are_shown_beside_their_fields_and_nothing_is_stored(self, api: Api) -> None:
        add_person(api, "dpo@example.com", "compliance")
        api.workspace().campaigns.create(Campaign(name="Taken"), "taken")
        c = signed_in(api, "dpo@example.com")
        token = csrf(c)
        bad = CAMPAIGN_FORM | {"csrf": token, "id": "no spaces!", "purpose": "spam", "excluded_regions": "Atlantis"}
        r = c.post("/console/campaigns/new", data=bad)
        assert r.status_code == 422
        for field in ("c-id", "c-purpose", "c-excluded-regions"):
            assert f'id="{field}-error"' in r.text, field
            assert re.search(rf'id="{field}"[^>]*aria-describedby="[^"]*{field}-error"[^>]*aria-invalid="true"', r.text)
            assert f'href="#{field}"' in r.text  # the summary links to the field
        assert "is not a country, ISO 3166-2 code, EU, EEA or GDPR" in r.text
        assert 'value="Atlantis"' in r.text  # what was typed is kept
        assert [x.id for x in api.workspace().campaigns.list()] == ["taken"]
        taken = c.post("/console/campaigns/new", data=CAMPAIGN_FORM | {"csrf": token, "id": "taken"})
        assert taken.status_code == 409
        assert 'id="c-id-error"' in taken.text
        edit = c.post("/console/campaigns/taken/edit", data=CAMPAIGN_FORM | {"csrf": token, "sender_type": "pirate"})
        assert edit.status_code == 422
        assert 'id="c-sender-type-error"' in edit.text
        assert api.workspace().campaigns.get("taken").version == 1

    def test_marketer_and_readonly_cannot_change_campaigns(self, api: Api) -> None:
        add_person(api, "mk@example.com", "marketer")
        add_person(api, "ro@example.com", "readonly")
        api.workspace().campaigns.create(Campaign(name="Q1"), "q1")
        for email in ("mk@example.com", "ro@example.com"):
            c = signed_in(api, email)
            token = csrf(c)
            assert 'href="/console/campaigns/new"' not in c.get("/console/campaigns").text
            shown = c.get("/console/campaigns/q1").text
            assert "/console/campaigns/q1/edit" not in shown
            assert "/console/campaigns/q1/archive" not in shown
            assert c.get("/console/campaigns/new").status_code == 403
            assert c.get("/console/campaigns/q1/edit").status_code == 403
            assert c.post("/console/campaigns/new", data=CAMPAIGN_FORM | {"csrf": token}).status_code == 403
            assert c.post("/console/campaigns/q1/edit", data=CAMPAIGN_FORM | {"csrf": token}).status_code == 403
            assert c.post("/console/campaigns/q1/archive", data={"csrf": token}).status_code == 403
        record = api.workspace().campaigns.get("q1")
        assert (record.version, record.archived_at, len(api.workspace().campaigns.list())) == (1, None, 1)

    def test_csrf_is_needed_for_every_campaign_form(self, api: Api) -> None:
        add_person(api, "dpo@example.com", "compliance")
        api.workspace().campaigns.create(Campaign(name="Q1"), "q1")
        c = signed_in(api, "dpo@example.com")
        for path, data in (
            ("/console/campaigns/new", CAMPAIGN_FORM | {"id": "q2"}),
            ("/console/campaigns/q1/edit", CAMPAIGN_FORM),
            ("/console/campaigns/q1/archive", {}),
            ("/console/campaigns/q1/lia", _form_answers(PASSING)),
        ):
            assert c.post(path, data=data).status_code == 403, path
            assert c.post(path, data=data | {"csrf": "0" * 64}).status_code == 403, path
        token = csrf(c)
        evil = c.post("/console/campaigns/q1/archive", data={"csrf": token}, headers={"Origin": "https://evil.example"})
        assert evil.status_code == 403
        record = api.workspace().campaigns.get("q1")
        assert (record.version, record.archived_at, len(api.workspace().campaigns.list())) == (1, None, 1)
        assert api.workspace().audit_show(act="lia") == []


class TestLiaForm:
    """The questionnaire answered in the browser, scored and stored by ``commands.lia.start``."""

    def test_every_question_is_asked_and_a_passing_answer_set_is_stored_and_shown(self, api: Api) -> None:
        from lawfulreach.commands.lia import questionnaire

        add_person(api, "dpo@example.com", "compliance")
        api.workspace().campaigns.create(Campaign(name="Q1", legal_entity="Northwind Ltd"), "q1")
        c = signed_in(api, "dpo@example.com")
        shown = c.get("/console/campaigns/q1")
        assert 'href="/console/campaigns/q1/lia"' in shown.text
        form = c.get("/console/campaigns/q1/lia")
        assert form.status_code == 200
        for q in questionnaire().questions:
            assert f'name="{q.id}"' in form.text, q.id
        assert questionnaire().version in form.text
        token = csrf(c, "/console/campaigns/q1/lia")
        done = c.post(
            "/console/campaigns/q1/lia", data=_form_answers(PASSING) | {"csrf": token}, follow_redirects=False
        )
        assert done.status_code == 303
        assert done.headers["location"].startswith("/console/campaigns/q1?done=assessed")
        [record] = _assessments(api, "q1")
        assert record.outcome is LiaOutcome.PASSED
        assert record.answers == PASSING
        assert record.actor == _actor_of(api, "dpo@example.com")
        assert [e.actor for e in api.workspace().audit_show(act="lia.assess")] == [record.actor]
        page = c.get("/console/campaigns/q1?done=assessed")
        assert "Newest assessment: passed" in page.text
        assert f'href="/console/campaigns/q1/lia/{record.id}"' in page.text
        assert "not approved" in page.text
        printable = c.get(f"/console/campaigns/q1/lia/{record.id}")
        assert printable.status_code == 200
        assert "Marketing our payroll software" in printable.text
        again = c.get("/console/campaigns/q1/lia")  # a re-assessment starts from the last answers
        assert "Marketing our payroll software" in again.text

    def test_unanswered_and_failing_answers_are_scored_not_refused(self, api: Api) -> None:
        add_person(api, "admin@example.com", "admin")
        api.workspace().campaigns.create(Campaign(name="Q1"), "q1")
        c = signed_in(api, "admin@example.com")
        token = csrf(c)
        answers = _form_answers(PASSING) | {"balancing.special_category_data": "yes", "purpose.interest": "  "}
        r = c.post("/console/campaigns/q1/lia", data=answers | {"csrf": token})
        assert r.status_code == 200
        assert "Newest assessment: failed" in r.text
        [record] = _assessments(api, "q1")
        assert record.outcome is LiaOutcome.FAILED
        assert "purpose.interest" not in record.answers
        assert any(f.question == "purpose.interest" for f in record.findings)

    def test_a_value_a_question_cannot_take_is_shown_beside_it_and_nothing_is_stored(self, api: Api) -> None:
        add_person(api, "dpo@example.com", "compliance")
        api.workspace().campaigns.create(Campaign(name="Q1"), "q1")
        c = signed_in(api, "dpo@example.com")
        bad = _form_answers(PASSING) | {
            "balancing.capacity": "celebrity",
            "balancing.profiling": "perhaps",
            "conclusion.summary": "x" * 4001,
        }
        r = c.post("/console/campaigns/q1/lia", data=bad | {"csrf": csrf(c)})
        assert r.status_code == 422
        assert 'id="q-balancing-capacity-error"' in r.text
        assert re.search(r'id="q-balancing-capacity"[^>]*aria-invalid="true"', r.text)
        assert "the answer must be one of" in r.text.lower()
        assert 'id="q-balancing-profiling-error"' in r.text
        assert 'id="q-conclusion-summary-error"' in r.text
        assert 'href="#q-balancing-capacity"' in r.text
        assert "Marketing our payroll software" in r.text  # the other answers are kept
        assert _assessments(api, "q1") == []

    def test_marketer_and_readonly_cannot_assess(self, api: Api) -> None:
        add_person(api, "mk@example.com", "marketer")
        add_person(api, "ro@example.com", "readonly")
        api.workspace().campaigns.create(Campaign(name="Q1"), "q1")
        for email in ("mk@example.com", "ro@example.com"):
            c = signed_in(api, email)
            assert 'href="/console/campaigns/q1/lia"' not in c.get("/console/campaigns/q1").text
            assert c.get("/console/campaigns/q1/lia").status_code == 403
            r = c.post("/console/campaigns/q1/lia", data=_form_answers(PASSING) | {"csrf": csrf(c)})
            assert r.status_code == 403
        assert _assessments(api, "q1") == []

    def test_an_archived_or_unknown_campaign_is_not_assessed(self, api: Api) -> None:
        add_person(api, "dpo@example.com", "compliance")
        ws = api.workspace()
        ws.campaigns.create(Campaign(name="Q1"), "q1")
        ws.campaigns.archive("q1")
        c = signed_in(api, "dpo@example.com")
        assert c.get("/console/campaigns/q1/lia").status_code == 422
        r = c.post("/console/campaigns/q1/lia", data=_form_answers(PASSING) | {"csrf": csrf(c)})
        assert r.status_code == 422
        assert "archived" in r.text
        assert c.get("/console/campaigns/nope/lia").status_code == 404
        assert _assessments(api, "q1") == []


def _assessments(api: Api, campaign_id: str) -> list:  # type: ignore[type-arg]
    from lawfulreach.store.lia import LiaRepo

    return LiaRepo(api.workspace().scope).list(campaign_id)


CAMPAIGN_TOML = 'name = "Spring launch"\nlegal_entity = "Northwind Ltd"\nlia = "passed"\n'


class TestScreenWithAFileAndColumns:
    """A campaign file instead of a stored campaign; the columns shown and chosen before screening."""

    def test_a_campaign_file_screens_as_screen_campaign_file_does(self, api: Api) -> None:
        add_person(api, "mk@example.com", "marketer")
        c = signed_in(api, "mk@example.com")
        page = c.get("/console/screen")
        assert 'name="campaign_file"' in page.text  # offered even with no stored campaign
        files = {
            "file": ("leads.csv", b"email,country\njana.novak@firma.de,DE\nops@globex.example,GB\n", "text/csv"),
            "campaign_file": ("spring.toml", CAMPAIGN_TOML.encode(), "application/toml"),
        }
        data = {"csrf": csrf(c), "campaign_from": "file", "channels": ["email"], "record": "true"}
        started = c.post("/console/screen", data=data, files=files, follow_redirects=False)
        assert started.status_code == 303, started.text
        assert not started.headers["location"].endswith("/columns")  # every column recognised
        text = _wait(c, started.headers["location"])
        assert "Screened 2 contacts" in text, text
        run = api.workspace().evidence.runs()[0]
        assert run.input_name == "leads.csv"
        assert run.actor.startswith("console user ")

    def test_a_bad_campaign_file_is_said_beside_its_field(self, api: Api) -> None:
        add_person(api, "mk@example.com", "marketer")
        c = signed_in(api, "mk@example.com")
        token = csrf(c)
        lead = ("leads.csv", b"email\njana@firma.de\n", "text/csv")
        typo = {"file": lead, "campaign_file": ("spring.toml", b'name = "x"\nlai = "passed"\n', "application/toml")}
        r = c.post("/console/screen", data={"csrf": token, "campaign_from": "file", "channels": ["email"]}, files=typo)
        assert r.status_code == 422
        assert 'id="s-campaign-file-error"' in r.text
        assert "spring.toml" in r.text
        assert "lai" in r.text
        assert "lr-console-screens" not in r.text  # the server's directory is not shown
        missing = c.post(
            "/console/screen",
            data={"csrf": token, "campaign_from": "file", "channels": ["email"]},
            files={"file": lead},
        )
        assert missing.status_code == 422
        assert 'id="s-campaign-file-error"' in missing.text
        no_channel = c.post("/console/screen", data={"csrf": token, "campaign_from": "file"}, files=typo)
        assert 'id="s-channels-error"' in no_channel.text
        assert 'id="s-file-error"' in c.post("/console/screen", data={"csrf": token, "campaign_from": "file"}).text

    def test_a_stored_campaign_is_named_by_id_never_by_a_server_path(self, api: Api) -> None:
        add_person(api, "mk@example.com", "marketer")
        api.workspace().campaigns.create(Campaign(name="Q1"), "q1")
        c = signed_in(api, "mk@example.com")
        token = csrf(c)
        lead = {"file": ("leads.csv", b"email\njana@firma.de\n", "text/csv")}
        for ref in ("pyproject.toml", "/etc/hostname", "nope"):
            r = c.post(
                "/console/screen",
                data={"csrf": token, "campaign_from": "stored", "campaign": ref, "channels": ["email"]},
                files=lead,
            )
            assert r.status_code == 422, ref
            assert 'id="s-campaign-error"' in r.text, ref

    def test_unrecognised_columns_are_shown_and_mapped_before_screening(self, api: Api) -> None:
        add_person(api, "mk@example.com", "marketer")
        api.workspace().campaigns.create(Campaign(name="Q1", legal_entity="Northwind Ltd"), "q1")
        c = signed_in(api, "mk@example.com")
        token = csrf(c)
        listing = b"Kontakt,Land,Notiz\njana.novak@firma.de,DE,met at fair\nops@globex.example,GB,\n"
        files = {"file": ("messe.csv", listing, "text/csv")}
        data = {"csrf": token, "campaign_from": "stored", "campaign": "q1", "channels": ["email"], "record": "true"}
        started = c.post("/console/screen", data=data, files=files, follow_redirects=False)
        assert started.headers["location"].endswith("/columns")
        job = started.headers["location"].removesuffix("/columns")
        assert c.get(job, follow_redirects=False).headers["location"].endswith("/columns")
        shown = c.get(f"{job}/columns")
        assert "No email or phone column found" in shown.text
        for col in ("Kontakt", "Land", "Notiz"):
            assert f">{col}</th>" in shown.text
        assert api.workspace().evidence.runs() == []  # nothing screened yet
        other_person = "ops@example.com"
        add_person(api, other_person, "compliance")
        other = signed_in(api, other_person)
        assert other.get(f"{job}/columns").status_code == 404
        assert other.post(f"{job}/columns", data={"csrf": csrf(other), "col-0": "email"}).status_code == 404
        bad = c.post(f"{job}/columns", data={"csrf": token, "col-0": "shoe_size"})
        assert bad.status_code == 422
        assert 'id="col-0-error"' in bad.text
        still = c.post(f"{job}/columns", data={"csrf": token, "col-1": "country"})
        assert still.status_code == 422
        assert "No email or phone column found" in still.text
        assert c.post(f"{job}/columns", data={"col-0": "email"}).status_code == 403  # CSRF
        mapped = c.post(
            f"{job}/columns", data={"csrf": token, "col-0": "email", "col-1": "country"}, follow_redirects=False
        )
        assert mapped.status_code == 303
        text = _wait(c, mapped.headers["location"])
        assert "Screened 2 contacts" in text, text
        results = c.get(f"{job}/results").text
        assert results.splitlines()[0].startswith("Kontakt,Land,Notiz")
        assert c.post(f"{job}/columns", data={"csrf": token, "col-0": "email"}).status_code == 404

    def test_a_list_waiting_for_its_columns_can_be_cancelled(self, api: Api) -> None:
        add_person(api, "mk@example.com", "marketer")
        api.workspace().campaigns.create(Campaign(name="Q1"), "q1")
        c = signed_in(api, "mk@example.com")
        token = csrf(c)
        files = {"file": ("list.csv", b"Kontakt\njana@firma.de\n", "text/csv")}
        data = {"csrf": token, "campaign": "q1", "channels": ["email"]}
        job = c.post("/console/screen", data=data, files=files, follow_redirects=False).headers["location"]
        job = job.removesuffix("/columns")
        assert c.post(f"{job}/cancel", data={}).status_code == 403
        done = c.post(f"{job}/cancel", data={"csrf": token})
        assert "nothing was screened" in done.text
        assert c.get(f"{job}/columns").status_code == 404

    def test_without_a_session_nothing_is_uploaded(self, api: Api) -> None:
        anonymous = client(api)
        files = {"file": ("list.csv", b"email\njana@firma.de\n", "text/csv")}
        r = anonymous.post("/console/screen", data={"campaign_from": "file"}, files=files, follow_redirects=False)
        assert (r.status_code, r.headers.get("location")) == (303, "/console/sign-in")

    def test_a_column_named_with_an_equals_sign_cannot_be_mapped(self, api: Api) -> None:
        add_person(api, "mk@example.com", "marketer")
        api.workspace().campaigns.create(Campaign(name="Q1"), "q1")
        c = signed_in(api, "mk@example.com")
        token = csrf(c)
        files = {"file": ("list.csv", b"a=b,Land\njana@firma.de,DE\n", "text/csv")}
        data = {"csrf": token, "campaign": "q1", "channels": ["email"]}
        job = c.post("/console/screen", data=data, files=files, follow_redirects=False).headers["location"]
        r = c.post(job, data={"csrf": token, "col-0": "email"})
        assert r.status_code == 422
        assert 'id="col-0-error"' in r.text
        assert "rename it in the file" in r.text
