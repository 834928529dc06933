"""The compliance console (``/console``): sign-in, sessions, CSRF, roles, tenants and every page,
through the whole app in-process (middleware included) on each database chosen with ``--db``.

Console users are made as ``lawfulreach users add`` makes them (``StaffRepo.add``); each person
gets a client of their own, so cookies never mix. The browser tests are in ``test_console_browser.py``.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from api_support import Api
from console_support import PASSWORD, add_person, client, csrf, signed_in, staff
from lawfulreach.errors import InputError
from lawfulreach.store.staff import check_password
from lawfulreach.store.subjects import Subject
from lawfulreach.store.suppression import Entry

EMAIL = "jana.novak@firma.de"


def audit_actors(api: Api, tenant: str = "default") -> list[tuple[str, str]]:
    return [(e.actor, e.act) for e in api.workspace(tenant).audit_show()]


class TestPasswords:
    """``users add`` refuses weak passwords: length, well-known ones, the address itself."""

    @pytest.mark.parametrize("weak", ["short", "password1234", "aaaaaaaaaaaaaaa", "dpo@example.com"])
    def test_weak_passwords_are_refused(self, weak: str) -> None:
        with pytest.raises(InputError):
            check_password(weak, "dpo@example.com")

    def test_a_passphrase_is_accepted(self) -> None:
        check_password(PASSWORD, "dpo@example.com")

    def test_the_hash_is_argon2id(self, api: Api) -> None:
        add_person(api, "dpo@example.com", "compliance")
        from sqlalchemy import select
        from sqlalchemy.orm import Session

        from lawfulreach.store.staff import ConsoleUser

        with Session(api.backend.base.engine) as session:
            stored = session.scalar(select(ConsoleUser.password_hash))
        assert stored is not None
        assert stored.startswith("$argon2id$")
        assert PASSWORD not in stored


class TestSignIn:
    def test_sign_in_sets_a_strict_session_cookie_and_sign_out_ends_it(self, api: Api) -> None:
        add_person(api, "dpo@example.com", "compliance")
        c = client(api, https=True)
        r = c.post("/console/sign-in", data={"email": "DPO@example.com", "password": PASSWORD}, follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"] == "/console"
        cookie = r.headers["set-cookie"]
        assert cookie.startswith("lr_console=")
        for flag in ("HttpOnly", "Secure", "SameSite=strict", "Path=/console"):
            assert flag.lower() in cookie.lower(), cookie
        page = c.get("/console")
        assert page.status_code == 200
        assert "dpo@example.com" in page.text
        assert page.headers["cache-control"] == "no-store"
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert "unsafe-inline" not in page.headers["content-security-policy"]
        out = c.post("/console/sign-out", data={"csrf": csrf(c)}, follow_redirects=False)
        assert out.status_code == 303
        after = c.get("/console", follow_redirects=False)
        assert after.status_code == 303
        assert after.headers["location"] == "/console/sign-in"

    def test_plain_http_cookie_is_not_secure(self, api: Api) -> None:
        add_person(api, "dpo@example.com", "compliance")
        r = client(api).post("/console/sign-in", data={"email": "dpo@example.com", "password": PASSWORD})
        assert "secure" not in r.history[0].headers["set-cookie"].lower()

    def test_without_a_session_every_page_redirects_to_sign_in(self, api: Api) -> None:
        c = client(api)
        for path in ("/console", "/console/requests", "/console/exclusions", "/console/person", "/console/audit"):
            r = c.get(path, follow_redirects=False)
            assert (r.status_code, r.headers.get("location")) == (303, "/console/sign-in"), path
        c.cookies.set("lr_console", "made-up", path="/console")
        assert c.get("/console", follow_redirects=False).status_code == 303

    def test_wrong_password_and_unknown_address_answer_alike(self, api: Api) -> None:
        add_person(api, "dpo@example.com", "compliance")
        c = client(api)
        wrong = c.post("/console/sign-in", data={"email": "dpo@example.com", "password": "not-the-password-1"})
        unknown = c.post("/console/sign-in", data={"email": "nobody@example.com", "password": PASSWORD})
        assert wrong.status_code == unknown.status_code == 401
        assert "Wrong email address or password" in wrong.text
        message = re.search(r'role="alert"[^>]*>([^<]+)<', wrong.text)
        assert message is not None
        assert message.group(1) in unknown.text
        assert "lr_console=" not in wrong.headers.get("set-cookie", "")

    def test_five_failures_lock_the_account_for_fifteen_minutes(self, api: Api) -> None:
        add_person(api, "dpo@example.com", "compliance")
        c = client(api)
        for _ in range(5):
            assert (
                c.post("/console/sign-in", data={"email": "dpo@example.com", "password": "x" * 14}).status_code == 401
            )
        right = c.post("/console/sign-in", data={"email": "dpo@example.com", "password": PASSWORD})
        assert right.status_code == 401  # locked: the right password is refused too
        assert staff(api).list()[0].locked_until is not None
        api.clock.advance(minutes=16)
        assert c.post("/console/sign-in", data={"email": "dpo@example.com", "password": PASSWORD}).status_code == 200

    def test_the_per_address_limiter(self, api: Api) -> None:
        c = client(api)
        codes = [
            c.post("/console/sign-in", data={"email": f"n{i}@example.com", "password": "x" * 14}).status_code
            for i in range(21)
        ]
        assert codes[:20] == [401] * 20
        assert codes[20] == 429

    def test_a_foreign_origin_cannot_post_the_sign_in_form(self, api: Api) -> None:
        add_person(api, "dpo@example.com", "compliance")
        c = client(api)
        r = c.post(
            "/console/sign-in",
            data={"email": "dpo@example.com", "password": PASSWORD},
            headers={"Origin": "https://evil.example"},
        )
        assert r.status_code == 403

    def test_sessions_expire_when_idle(self, api: Api) -> None:
        add_person(api, "dpo@example.com", "compliance")
        c = signed_in(api, "dpo@example.com")
        api.clock.advance(minutes=31)
        assert c.get("/console", follow_redirects=False).status_code == 303

    def test_removing_a_person_ends_their_sessions(self, api: Api) -> None:
        add_person(api, "dpo@example.com", "compliance")
        c = signed_in(api, "dpo@example.com")
        staff(api).remove("dpo@example.com")
        assert c.get("/console", follow_redirects=False).status_code == 303


class TestCsrf:
    """Every form that changes something needs the session's token."""

    def test_missing_or_wrong_token_is_refused_and_nothing_changes(self, api: Api) -> None:
        add_person(api, "dpo@example.com", "compliance")
        c = signed_in(api, "dpo@example.com")
        form = {"kind": "email", "value": EMAIL, "source": "manual"}
        assert c.post("/console/exclusions/add", data=form).status_code == 403
        assert c.post("/console/exclusions/add", data=form | {"csrf": "0" * 64}).status_code == 403
        assert api.workspace().suppressions.entries() == []
        token = csrf(c)
        assert (
            c.post(
                "/console/exclusions/add", data=form | {"csrf": token}, headers={"Origin": "https://evil.example"}
            ).status_code
            == 403
        )
        assert api.workspace().suppressions.entries() == []
        ok = c.post("/console/exclusions/add", data=form | {"csrf": token}, follow_redirects=False)
        assert ok.status_code == 303
        assert EMAIL not in ok.headers["location"]
        assert [e.value for e in api.workspace().suppressions.entries()] == [EMAIL]

    def test_another_sessions_token_is_refused(self, api: Api) -> None:
        add_person(api, "dpo@example.com", "compliance")
        add_person(api, "ops@example.com", "compliance")
        mine, theirs = signed_in(api, "dpo@example.com"), signed_in(api, "ops@example.com")
        r = mine.post("/console/exclusions/add", data={"kind": "email", "value": EMAIL, "csrf": csrf(theirs)})
        assert r.status_code == 403


class TestRoles:
    """The API's roles (``api.roles``): the same grants in the console."""

    def test_marketer_cannot_see_privacy_requests_nor_a_person(self, api: Api) -> None:
        add_person(api, "mk@example.com", "marketer")
        c = signed_in(api, "mk@example.com")
        assert c.get("/console/requests").status_code == 403
        assert c.get("/console/person").status_code == 403
        assert c.get("/console/audit").status_code == 403
        overview = c.get("/console")
        assert "does not see privacy requests" in overview.text
        assert 'href="/console/requests"' not in overview.text
        token = csrf(c)
        assert c.post("/console/person", data={"email": EMAIL, "csrf": token}).status_code == 403
        # a marketer may add exclusions, but not look entries up or remove them
        assert (
            c.post("/console/exclusions/add", data={"kind": "email", "value": EMAIL, "csrf": token}).status_code == 200
        )
        assert (
            c.post("/console/exclusions/search", data={"kind": "email", "value": EMAIL, "csrf": token}).status_code
            == 403
        )
        removal = {"kind": "email", "value": EMAIL, "why": "duplicate", "csrf": token}
        assert c.post("/console/exclusions/remove", data=removal).status_code == 403

    def test_marketer_cannot_fulfil_an_erasure(self, api: Api) -> None:
        add_person(api, "mk@example.com", "marketer")
        opened = api.workspace().requests.open("erasure", Subject("email", EMAIL))
        api.workspace().requests.verify(opened.number)
        c = signed_in(api, "mk@example.com")
        r = c.post(f"/console/requests/{opened.number}/fulfil", data={"csrf": csrf(c)})
        assert r.status_code == 403
        assert api.workspace().requests.get(opened.number).status == "verified"

    def test_readonly_changes_nothing(self, api: Api) -> None:
        add_person(api, "ro@example.com", "readonly")
        c = signed_in(api, "ro@example.com")
        token = csrf(c)
        assert c.get("/console").status_code == 200
        assert c.get("/console/exclusions").status_code == 403
        assert (
            c.post("/console/exclusions/add", data={"kind": "email", "value": EMAIL, "csrf": token}).status_code == 403
        )
        r = c.post("/console/person/opt-out", data={"kind": "email", "key": EMAIL, "channel": "all", "csrf": token})
        assert r.status_code == 403
        assert api.workspace().suppressions.entries() == []
        assert api.workspace().ledger.history(Subject("email", EMAIL)) == []


class TestTenants:
    """A person sees only the tenant they act for, and switches only to their own tenants."""

    def test_a_person_of_tenant_a_cannot_see_b(self, api: Api) -> None:
        add_person(api, "a@example.com", "admin", "acme")
        api.tenant("globex")
        api.workspace("globex").suppressions.add(Entry("email", EMAIL, None))
        c = signed_in(api, "a@example.com")
        page = c.get("/console")
        assert "acme" in page.text
        assert "globex" not in page.text
        token = csrf(c)
        found = c.post("/console/exclusions/search", data={"kind": "email", "value": EMAIL, "csrf": token})
        assert "is not on the list" in found.text
        globex = api.workspace("globex").scope.tenant_id
        refused = c.post("/console/tenant", data={"tenant": str(globex), "csrf": token})
        assert refused.status_code == 404
        assert "acme" in c.get("/console").text

    def test_switching_between_ones_own_tenants(self, api: Api) -> None:
        add_person(api, "agency@example.com", "compliance", "acme", "globex")
        api.workspace("globex").suppressions.add(Entry("email", EMAIL, None))
        c = signed_in(api, "agency@example.com")
        page = c.get("/console")
        assert 'id="tenant-switch"' in page.text
        assert re.search(r"Working for tenant <strong>acme</strong>", page.text)
        token = csrf(c)
        before = c.post("/console/exclusions/search", data={"kind": "email", "value": EMAIL, "csrf": token})
        assert "is not on the list" in before.text
        globex = api.workspace("globex").scope.tenant_id
        switched = c.post("/console/tenant", data={"tenant": str(globex), "csrf": token})
        assert switched.status_code == 200
        assert re.search(r"Working for tenant <strong>globex</strong>", switched.text)
        after = c.post("/console/exclusions/search", data={"kind": "email", "value": EMAIL, "csrf": token})
        assert "is excluded" in after.text


class TestPages:
    """Every page rendered with real data, and the actions it offers."""

    def test_overview(self, api: Api) -> None:
        add_person(api, "dpo@example.com", "compliance")
        ws = api.workspace()
        ws.ledger.opt_out(Subject("email", EMAIL))
        ws.requests.open("access", Subject("email", EMAIL))
        c = signed_in(api, "dpo@example.com")
        page = c.get("/console")
        assert page.status_code == 200
        assert re.search(r"<dt>Open</dt><dd>1</dd>", page.text)
        assert "Opt-outs and objections recorded in the last 30 days: 1." in page.text
        assert f'<th scope="row">{api.clock.now.date().isoformat()}</th><td>1</td>' in page.text
        assert 'role="img"' in page.text
        assert "<desc" in page.text
        assert "style=" not in page.text
        assert "<script>" not in page.text

    def test_privacy_requests_verify_extend_and_fulfil_with_the_export(self, api: Api) -> None:
        add_person(api, "dpo@example.com", "compliance")
        ws = api.workspace()
        ws.suppressions.add(Entry("email", EMAIL, "asked us"))
        access = ws.requests.open("access", Subject("email", EMAIL))
        objection = ws.requests.open("objection", Subject("email", "o@firma.de"))
        c = signed_in(api, "dpo@example.com")
        queue = c.get("/console/requests")
        assert f"Request {access.number}: access" in queue.text
        assert EMAIL in queue.text
        token = csrf(c, "/console/requests")
        r = c.post(f"/console/requests/{access.number}/verify", data={"csrf": token}, follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"] == "/console/requests?done=verified"
        assert (
            c.post(f"/console/requests/{objection.number}/extend", data={"csrf": token, "reason": ""}).status_code
            == 422
        )
        ext = c.post(f"/console/requests/{objection.number}/extend", data={"csrf": token, "reason": "complex case"})
        assert ext.status_code == 200
        assert "deadline is extended" in ext.text
        export = c.post(f"/console/requests/{access.number}/fulfil", data={"csrf": token})
        assert export.status_code == 200
        assert export.headers["content-type"] == "application/zip"
        assert export.headers["cache-control"] == "no-store"
        names = zipfile.ZipFile(io.BytesIO(export.content)).namelist()
        assert "subject.json" in names
        assert "exclusion_entries.csv" in names
        assert ws.requests.get(access.number).status == "fulfilled"
        acts = audit_actors(api)
        me = f"console user {staff(api).list()[0].user_id}"
        assert (me, "request.verify") in acts
        assert (me, "request.extend") in acts
        assert (me, "request.fulfil") in acts

    def test_exclusions_search_add_and_remove_with_a_reason(self, api: Api) -> None:
        add_person(api, "dpo@example.com", "compliance")
        c = signed_in(api, "dpo@example.com")
        token = csrf(c, "/console/exclusions")
        added = c.post(
            "/console/exclusions/add", data={"kind": "email", "value": "Jana.Novak+news@Firma.de", "csrf": token}
        )
        assert "The entry is on the exclusion list." in added.text
        found = c.post("/console/exclusions/search", data={"kind": "email", "value": EMAIL, "csrf": token})
        assert f"Email {EMAIL} is excluded" in found.text
        domain = c.post("/console/exclusions/add", data={"kind": "domain", "value": "globex.example", "csrf": token})
        assert domain.status_code == 200
        no_reason = c.post("/console/exclusions/remove", data={"kind": "email", "value": EMAIL, "csrf": token})
        assert no_reason.status_code == 422
        assert api.workspace().suppressions.find("email", EMAIL) is not None
        removed = c.post(
            "/console/exclusions/remove",
            data={"kind": "email", "value": EMAIL, "why": "added_by_mistake", "csrf": token},
        )
        assert "The entry is off the exclusion list." in removed.text
        assert api.workspace().suppressions.find("email", EMAIL) is None
        last = api.workspace().audit_show(act="suppress.remove")[-1]
        assert last.details == {"kind": "email", "reason": "added_by_mistake"}
        assert last.actor.startswith("console user ")
        bad = c.post("/console/exclusions/add", data={"kind": "phone", "value": "not a number", "csrf": token})
        assert bad.status_code == 422
        assert 'role="alert"' in bad.text

    def test_a_person_everything_held_and_recording_an_opt_out(self, api: Api) -> None:
        add_person(api, "dpo@example.com", "compliance")
        ws = api.workspace()
        ws.suppressions.add(Entry("email", EMAIL, "complaint"))
        ws.requests.open("access", Subject("email", EMAIL))
        c = signed_in(api, "dpo@example.com")
        token = csrf(c, "/console/person")
        page = c.post("/console/person", data={"email": "Jana.Novak@firma.de", "csrf": token})
        assert page.status_code == 200
        assert page.url.path == "/console/person"
        assert 'Exclusion entries <span class="count">(1)</span>' in page.text
        assert 'Privacy requests <span class="count">(1)</span>' in page.text
        recorded = c.post(
            "/console/person/opt-out", data={"kind": "email", "key": EMAIL, "channel": "email", "csrf": token}
        )
        assert "The opt-out is recorded." in recorded.text
        assert 'Consent and opt outs <span class="count">(1)</span>' in recorded.text
        event = ws.ledger.history(Subject("email", EMAIL))[0]
        assert event.channel == "email"
        assert audit_actors(api)[-1] == (f"console user {staff(api).list()[0].user_id}", "ledger.opt_out")
        empty = c.post("/console/person", data={"csrf": token})
        assert empty.status_code == 422

    def test_audit_trail_filters_and_verify(self, api: Api) -> None:
        add_person(api, "dpo@example.com", "compliance")
        api.workspace().suppressions.add(Entry("email", EMAIL, None))
        api.workspace().ledger.opt_out(Subject("email", EMAIL))
        c = signed_in(api, "dpo@example.com")
        everything = c.get("/console/audit")
        assert "suppress.add" in everything.text
        assert "ledger.opt_out" in everything.text
        filtered = c.get("/console/audit", params={"act": "ledger"})
        assert "ledger.opt_out" in filtered.text
        assert "<td>suppress.add</td>" not in filtered.text
        assert c.get("/console/audit", params={"since": "yesterday"}).status_code == 422
        verified = c.post("/console/audit/verify", data={"csrf": csrf(c)})
        assert "The chain is intact: 2 entries checked" in verified.text

    def test_the_actor_is_named_by_email_on_the_audit_page(self, api: Api) -> None:
        add_person(api, "dpo@example.com", "compliance")
        c = signed_in(api, "dpo@example.com")
        c.post("/console/exclusions/add", data={"kind": "domain", "value": "globex.example", "csrf": csrf(c)})
        page = c.get("/console/audit")
        assert "<td>dpo@example.com</td>" in page.text

    def test_static_files_and_htmx_are_served_locally(self, api: Api) -> None:
        c = client(api)
        assert c.get("/console/static/console.css").status_code == 200
        js = c.get("/console/static/htmx-2.0.10.min.js")
        assert js.status_code == 200
        assert js.text.startswith("var htmx=")
        assert c.get("/console/static/other.js").status_code == 404


class TestReferencePages:
    """Rules, campaigns with their assessments, the organisation: read-only, for every role."""

    def test_rules_by_country_with_citations(self, api: Api) -> None:
        add_person(api, "ro@example.com", "readonly")
        c = signed_in(api, "ro@example.com")
        gb = c.get("/console/rules", params={"country": "GB"})
        assert gb.status_code == 200
        assert "United Kingdom (GB)" in gb.text
        assert "Privacy and Electronic Communications" in gb.text
        assert "Germany (DE)" not in gb.text
        assert "Germany (DE)" in c.get("/console/rules").text
        assert c.get("/console/rules", params={"country": "Atlantis"}).status_code == 422

    def test_campaigns_and_the_printable_assessment(self, api: Api) -> None:
        from lawfulreach.domain.model import Campaign
        from lia_support import approved

        add_person(api, "mk@example.com", "marketer")
        ws = api.workspace()
        ws.campaigns.create(Campaign(name="Q1 analytics outreach", legal_entity="Northwind Ltd"), "q1")
        record = approved(ws, "q1")
        c = signed_in(api, "mk@example.com")
        listing = c.get("/console/campaigns")
        assert "Q1 analytics outreach" in listing.text
        assert "lia passed" in listing.text
        shown = c.get("/console/campaigns/q1")
        assert record.id in shown.text
        assert "Dana Officer, DPO" in shown.text
        document = c.get(f"/console/campaigns/q1/lia/{record.id}")
        assert document.status_code == 200
        csp = document.headers["content-security-policy"]
        assert "style-src 'sha256-" in csp
        assert "unsafe-inline" not in csp
        assert "script" not in csp
        assert c.get("/console/campaigns/nope").status_code == 404

    def test_organisation_profile_and_what_it_lacks(self, api: Api) -> None:
        add_person(api, "ro@example.com", "readonly")
        c = signed_in(api, "ro@example.com")
        empty = c.get("/console/organisation")
        assert "Still missing" in empty.text
        api.workspace().profiles.update(organisation="Northwind Analytics Ltd", postal_address="1 Harbour Street")
        page = c.get("/console/organisation")
        assert "Northwind Analytics Ltd" in page.text
        assert "1 Harbour Street" in page.text


class TestImport:
    """Upload, preview (format, counts, first entries, rejects with line and column), confirm or cancel."""

    LIST = "email,reason\nJana.Novak+x@Firma.de,asked\nnot-an-address@,typo\nops@globex.example,\n"

    def test_preview_then_import(self, api: Api) -> None:
        add_person(api, "mk@example.com", "marketer")
        c = signed_in(api, "mk@example.com")
        token = csrf(c, "/console/exclusions")
        files = {"file": ("crm-export.csv", self.LIST.encode(), "text/csv")}
        preview = c.post("/console/exclusions/import", data={"csrf": token, "source": "import"}, files=files)
        assert preview.status_code == 200, preview.text
        assert "2 entries can be imported; 1 lines cannot be read" in preview.text
        assert EMAIL in preview.text  # normalised, as it will be stored
        assert "not-an-address@" in preview.text
        assert api.workspace().suppressions.entries() == []  # nothing stored by a preview
        upload = re.search(r'name="upload" value="([^"]+)"', preview.text)
        assert upload is not None
        done = c.post("/console/exclusions/import/confirm", data={"csrf": token, "upload": upload.group(1)})
        assert "The list is imported." in done.text
        assert sorted(e.value for e in api.workspace().suppressions.entries()) == [EMAIL, "ops@globex.example"]
        assert api.workspace().audit_show(act="suppress.import")[-1].actor.startswith("console user ")
        again = c.post("/console/exclusions/import/confirm", data={"csrf": token, "upload": upload.group(1)})
        assert again.status_code == 404  # the upload was deleted once imported

    def test_cancel_and_another_sessions_upload(self, api: Api) -> None:
        add_person(api, "mk@example.com", "marketer")
        add_person(api, "ops@example.com", "compliance")
        c, other = signed_in(api, "mk@example.com"), signed_in(api, "ops@example.com")
        token = csrf(c, "/console/exclusions")
        files = {"file": ("list.csv", self.LIST.encode(), "text/csv")}
        preview = c.post("/console/exclusions/import", data={"csrf": token}, files=files)
        upload = re.search(r'name="upload" value="([^"]+)"', preview.text)
        assert upload is not None
        stolen = other.post("/console/exclusions/import/confirm", data={"csrf": csrf(other), "upload": upload.group(1)})
        assert stolen.status_code == 404
        cancelled = c.post("/console/exclusions/import/cancel", data={"csrf": token, "upload": upload.group(1)})
        assert "nothing was imported" in cancelled.text
        assert api.workspace().suppressions.entries() == []
        wrong = c.post("/console/exclusions/import", data={"csrf": token}, files={"file": ("x.exe", b"MZ", "x")})
        assert wrong.status_code == 422

    def test_readonly_cannot_upload(self, api: Api) -> None:
        add_person(api, "ro@example.com", "readonly")
        c = signed_in(api, "ro@example.com")
        files = {"file": ("list.csv", self.LIST.encode(), "text/csv")}
        assert c.post("/console/exclusions/import", data={"csrf": csrf(c)}, files=files).status_code == 403


class TestOrganisationEdit:
    """Only an admin changes the profile (as with the API); the change is on the trail under their id."""

    def test_admin_saves_and_compliance_cannot(self, api: Api) -> None:
        add_person(api, "admin@example.com", "admin")
        add_person(api, "dpo@example.com", "compliance")
        admin, dpo = signed_in(api, "admin@example.com"), signed_in(api, "dpo@example.com")
        assert 'id="o-organisation"' not in dpo.get("/console/organisation").text
        refused = dpo.post("/console/organisation", data={"csrf": csrf(dpo), "organisation": "Evil Ltd"})
        assert refused.status_code == 403
        token = csrf(admin, "/console/organisation")
        empty = admin.post("/console/organisation", data={"csrf": token, "organisation": ""})
        assert empty.status_code == 422
        saved = admin.post(
            "/console/organisation",
            data={"csrf": token, "organisation": "Northwind Analytics Ltd", "postal_address": "1 Harbour Street"},
        )
        assert "The organisation profile is saved." in saved.text
        profile = api.workspace().profiles.get()
        assert profile is not None
        assert (profile.organisation, profile.postal_address) == ("Northwind Analytics Ltd", "1 Harbour Street")
        entry = api.workspace().audit_show(act="org")[-1]
        assert entry.actor == f"console user {next(u.user_id for u in staff(api).list() if u.role == 'admin')}"


class TestRuns:
    """Recorded runs (evidence): compliance reads them, a marketer does not."""

    def test_runs_list_and_one_run(self, api: Api) -> None:
        add_person(api, "dpo@example.com", "compliance")
        add_person(api, "mk@example.com", "marketer")
        request = {"contact": {"email": EMAIL, "country": "DE"}, "channel": "email", "record": True}
        api.call("POST", "/v1/check", json=request).raise_for_status()
        run = api.workspace().evidence.runs()[0]
        c = signed_in(api, "dpo@example.com")
        listing = c.get("/console/runs")
        assert f'href="/console/runs/{run.ref}"' in listing.text
        shown = c.get(f"/console/runs/{run.ref}")
        assert shown.status_code == 200
        assert run.rulebase_version in shown.text
        assert '<th scope="row">email</th>' in shown.text
        assert c.get("/console/runs/run-000000000000").status_code == 404
        assert signed_in(api, "mk@example.com").get("/console/runs").status_code == 403


class TestScreen:
    """Screening a list from the browser: the CLI's screen on a worker thread, progress, downloads."""

    def test_upload_screen_watch_and_download(self, api: Api) -> None:
        import time

        from lawfulreach.domain.model import Campaign
        from lawfulreach.sample.generator import generate_prospects

        add_person(api, "mk@example.com", "marketer")
        api.workspace().campaigns.create(Campaign(name="Q1", legal_entity="Northwind Ltd"), "q1")
        listing = generate_prospects(40, seed=7).write_csv()
        c = signed_in(api, "mk@example.com")
        token = csrf(c, "/console/screen")
        files = {"file": ("leads.csv", listing.encode(), "text/csv")}
        data = {"csrf": token, "campaign": "q1", "channels": ["email", "call"], "record": "true"}
        started = c.post("/console/screen", data=data, files=files, follow_redirects=False)
        assert started.status_code == 303
        job = started.headers["location"]
        deadline = time.monotonic() + 60
        page = c.get(job)
        while "In progress" in page.text:
            assert 'http-equiv="refresh"' in page.text  # progress without JavaScript
            assert time.monotonic() < deadline
            time.sleep(0.2)
            page = c.get(job)
        assert "Screened 40 contacts" in page.text, page.text
        assert 'http-equiv="refresh"' not in page.text
        results = c.get(f"{job}/results")
        assert results.status_code == 200
        assert results.headers["cache-control"] == "no-store"
        assert results.text.count("\n") >= 40
        assert c.get(f"{job}/report").headers["content-disposition"].startswith("attachment")
        run = api.workspace().evidence.runs()[0]
        assert run.ref in page.text
        assert run.actor.startswith("console user ")
        assert run.input_name == "leads.csv"
        add_person(api, "ops@example.com", "compliance")
        assert (
            signed_in(api, "ops@example.com").get(job).status_code == 404
        )  # another person's run is not theirs to see

    def test_a_bad_file_or_campaign_says_why(self, api: Api) -> None:
        add_person(api, "mk@example.com", "marketer")
        c = signed_in(api, "mk@example.com")
        token = csrf(c)
        files = {"file": ("leads.csv", b"email\njana@firma.de\n", "text/csv")}
        data = {"csrf": token, "campaign": "nope", "channels": ["email"]}
        page = c.post("/console/screen", data=data, files=files)
        assert page.status_code == 422  # refused before anything runs, beside the field
        assert 'role="alert"' in page.text
        assert "nope" in page.text
        assert 'id="s-campaign-error"' in page.text
        wrong = c.post("/console/screen", data=data, files={"file": ("x.exe", b"MZ", "x")})
        assert 'id="s-file-error"' in wrong.text


def test_deployments_hash_with_argon2id_at_rfc_9106_cost() -> None:
    """The suite hashes cheaply (``conftest``); what a deployment uses is RFC 9106's low-memory profile."""
    from argon2 import Type

    from lawfulreach.store.staff import DEFAULT_HASHER

    assert DEFAULT_HASHER.type is Type.ID
    assert DEFAULT_HASHER.memory_cost >= 64 * 1024
    assert DEFAULT_HASHER.time_cost >= 3
