"""The program lifecycle through the API, as each role does it: a trade member applies and
fills in its profile with evidence, the agency certifies and validates it, required actions
are followed up, tiers follow; suspension, reinstatement, removal, mutual recognition; and
who may see what."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests import factories as f
from tests.programs import helpers as h
from trustlane.access.roles import Role
from trustlane.programs.calendar import today

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
API = "/api/programs"


def _setup(session: Session) -> dict[str, object]:
    agency = f.agency(session)
    acme = f.trade_org(session, "ACME Imports", roles=["importer"], sector="electronics")
    other = f.trade_org(session, "Other Imports", roles=["importer"], sector="electronics")
    f.user(session, agency, Role.agency_admin, "admin@agency.example")
    spec = f.user(session, agency, Role.security_specialist, "spec@agency.example")
    f.user(session, agency, Role.security_specialist, "spec2@agency.example")
    f.user(session, acme, Role.trade_admin, "boss@acme.example")
    f.user(session, other, Role.trade_admin, "boss@other.example")
    session.commit()
    return {"acme": acme, "other": other, "spec": spec}


def test_the_whole_lifecycle_through_the_api(client: TestClient, session: Session) -> None:
    ctx = _setup(session)
    acme, spec = ctx["acme"], ctx["spec"]
    trade = f.login(client, "boss@acme.example")
    admin = f.login(client, "admin@agency.example")

    applied = client.post(
        f"{API}/members",
        headers=trade,
        json={"org_id": acme.id, "program": "ctpat", "entity_type": "importer"},  # type: ignore[attr-defined]
    )
    assert applied.status_code == 201, applied.text
    member = applied.json()
    assert member["status"] == "applied"
    assert member["account_number"].startswith("CTPAT-")
    mid = member["id"]

    profile = client.get(f"{API}/members/{mid}/profile", headers=trade).json()
    assert profile["status"] == "draft"
    assert profile["answered"] == 0
    assert profile["total"] > 80
    early = client.post(f"{API}/members/{mid}/profile/submit", headers=trade)
    assert early.status_code == 422
    assert "not answered" in early.json()["detail"]

    bad = client.put(
        f"{API}/members/{mid}/profile/answers",
        headers=trade,
        json={"answers": [{"criterion": "1.1", "status": "implemented", "narrative": ""}]},
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0] == {
        "field": "narrative",
        "reason": "explain the answer (implemented needs a narrative)",
        "row": 1,
    }
    answers = [
        {"criterion": line["criterion"]["id"], "status": "implemented", "narrative": "Done."}
        for line in profile["lines"]
    ]
    saved = client.put(
        f"{API}/members/{mid}/profile/answers", headers=trade, json={"answers": answers}
    )
    assert saved.status_code == 200
    assert saved.json()["answered"] == profile["total"]

    up = client.post(
        f"{API}/members/{mid}/evidence",
        headers=trade,
        files={"file": ("seal-policy.pdf", PDF, "application/pdf")},
        data={"criterion": "6.1"},
    )
    assert up.status_code == 201, up.text
    ev = up.json()
    assert len(ev["sha256"]) == 64
    assert ev["content_type"] == "application/pdf"
    got = client.get(f"{API}/evidence/{ev['id']}", headers=trade)
    assert got.content == PDF
    assert got.headers["x-content-sha256"] == ev["sha256"]

    assert client.post(f"{API}/members/{mid}/profile/submit", headers=trade).status_code == 200
    # The member cannot certify itself.
    forbidden = client.post(
        f"{API}/members/{mid}/profile/review", headers=trade, json={"accept": True}
    )
    assert forbidden.status_code == 403
    accepted = client.post(
        f"{API}/members/{mid}/profile/review", headers=admin, json={"accept": True}
    )
    assert accepted.json()["status"] == "certified"
    assert accepted.json()["tier"] == 1
    assert "not validated yet" in accepted.json()["tier_reasons"][0]["text"]

    visit = today()
    scheduled = client.post(
        f"{API}/members/{mid}/validations",
        headers=admin,
        json={"mode": "on_site", "scheduled_for": visit.isoformat(), "specialist_ids": [spec.id]},  # type: ignore[attr-defined]
    )
    assert scheduled.status_code == 201, scheduled.text
    vid = scheduled.json()["id"]
    specialist = f.login(client, "spec@agency.example")
    findings = [
        {"criterion": a["criterion"], "kind": "meets"} for a in answers if a["criterion"] != "4.17"
    ]
    findings.append({"criterion": "4.17", "kind": "required_action", "note": "No MFA on e-mail."})
    findings[0]["kind"] = "best_practice"
    rec = client.put(
        f"{API}/validations/{vid}/findings", headers=specialist, json={"findings": findings}
    )
    assert rec.status_code == 200, rec.text
    done = client.post(f"{API}/validations/{vid}/complete", headers=specialist, json={})
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["outcome"] == "passed_with_actions"
    assert "4.17" in body["outcome_reasons"][0]["text"]
    (action,) = body["actions"]
    assert action["criterion"] == "4.17"
    assert action["status"] == "open"
    assert date.fromisoformat(action["due_on"]) == visit + timedelta(days=90)

    detail = client.get(f"{API}/members/{mid}", headers=trade).json()
    assert detail["status"] == "validated"
    assert detail["tier"] == 1
    assert detail["open_actions"] == 1
    assert "still open" in detail["tier_reasons"][0]["text"]

    resp = client.post(
        f"{API}/actions/{action['id']}/respond", headers=trade, json={"response": "MFA on."}
    )
    assert resp.status_code == 200
    assert resp.json()["status"] == "responded"
    closed = client.post(
        f"{API}/actions/{action['id']}/review", headers=specialist, json={"accept": True}
    )
    assert closed.json()["status"] == "closed"
    detail = client.get(f"{API}/members/{mid}", headers=trade).json()
    assert detail["tier"] == 2, detail["tier_reasons"]
    assert [e["kind"] for e in detail["events"]][:3] == [
        "applied",
        "profile_submitted",
        "profile_accepted",
    ]

    suspended = client.post(
        f"{API}/members/{mid}/suspend",
        headers=admin,
        json={"reason_code": "security_incident", "reason": "Seal tampering found at arrival."},
    )
    assert suspended.json()["status"] == "suspended"
    assert suspended.json()["tier"] is None
    back = client.post(
        f"{API}/members/{mid}/reinstate", headers=admin, json={"reason": "Investigation closed."}
    )
    assert back.json()["status"] == "validated"
    assert back.json()["tier"] == 2

    mr = client.post(
        f"{API}/members/{mid}/mutual-recognition",
        headers=admin,
        json={
            "partner_agency": "Partner Customs",
            "partner_program": "Partner AEO",
            "reference": "AEO-1",
            "validated_on": today().isoformat(),
        },
    )
    assert mr.status_code == 201
    assert mr.json()["basis"] == "mutual_recognition"
    assert "mutual recognition" in mr.json()["outcome_reasons"][0]["text"]

    removed = client.post(
        f"{API}/members/{mid}/remove",
        headers=admin,
        json={"reason_code": "member_request", "reason": "The company left the program."},
    )
    assert removed.json()["status"] == "removed"
    assert removed.json()["status_reason"] == "The company left the program."


def test_members_see_only_their_own_and_specialists_their_assigned(
    client: TestClient, session: Session
) -> None:
    ctx = _setup(session)
    spec = ctx["spec"]
    m = h.certified(session, ctx["acme"], specialist_id=spec.id)  # type: ignore[arg-type, attr-defined]
    v = h.validated(session, m, spec.id, kinds={"4.17": "required_action"})  # type: ignore[attr-defined]
    session.commit()
    action_id = client.get(
        f"{API}/validations/{v.id}", headers=f.login(client, "spec@agency.example")
    ).json()["actions"][0]["id"]
    ev = client.post(
        f"{API}/members/{m.id}/evidence",
        headers=f.login(client, "boss@acme.example"),
        files={"file": ("a.pdf", PDF, "application/pdf")},
    ).json()["id"]

    stranger = f.login(client, "boss@other.example")
    for path in (
        f"/members/{m.id}",
        f"/members/{m.id}/profile",
        f"/members/{m.id}/evidence",
        f"/evidence/{ev}",
        f"/validations/{v.id}",
    ):
        resp = client.get(API + path, headers=stranger)
        assert resp.status_code == 404, path
        assert "ACME" not in resp.text
    assert client.get(f"{API}/members", headers=stranger).json()["total"] == 0
    assert client.get(f"{API}/actions", headers=stranger).json()["total"] == 0
    assert (
        client.post(
            f"{API}/actions/{action_id}/respond", headers=stranger, json={"response": "x"}
        ).status_code
        == 404
    )
    assert (
        client.put(
            f"{API}/members/{m.id}/profile/answers",
            headers=stranger,
            json={"answers": [{"criterion": "1.1", "status": "implemented", "narrative": "x"}]},
        ).status_code
        == 404
    )

    unassigned = f.login(client, "spec2@agency.example")
    assert client.get(f"{API}/members/{m.id}", headers=unassigned).status_code == 404
    assert client.get(f"{API}/members", headers=unassigned).json()["total"] == 0
    assigned = f.login(client, "spec@agency.example")
    assert client.get(f"{API}/members", headers=assigned).json()["total"] == 1
    # A specialist reads profiles but does not write them.
    assert (
        client.put(
            f"{API}/members/{m.id}/profile/answers",
            headers=assigned,
            json={"answers": [{"criterion": "1.1", "status": "implemented", "narrative": "x"}]},
        ).status_code
        == 403
    )


def test_evidence_uploads_are_checked_for_size_and_content(
    client: TestClient, session: Session, settings: object
) -> None:
    from trustlane.settings import Settings
    from trustlane.web.app import create_app

    ctx = _setup(session)
    m = h.certified(session, ctx["acme"])  # type: ignore[arg-type]
    session.commit()
    trade = f.login(client, "boss@acme.example")
    url = f"{API}/members/{m.id}/evidence"

    renamed = client.post(
        url, headers=trade, files={"file": ("policy.pdf", b"MZ\x90\x00binary", "application/pdf")}
    )
    assert renamed.status_code == 422
    assert "not a valid PDF" in renamed.text
    exe = client.post(
        url, headers=trade, files={"file": ("tool.exe", b"MZ\x90\x00", "application/octet-stream")}
    )
    assert exe.status_code == 422
    assert "extension .exe" in exe.text
    lying = client.post(url, headers=trade, files={"file": ("photo.png", PDF, "image/png")})
    assert lying.status_code == 422
    declared = client.post(url, headers=trade, files={"file": ("a.pdf", PDF, "image/png")})
    assert declared.status_code == 422
    assert "content_type" in declared.text
    text = client.post(
        url, headers=trade, files={"file": ("log.csv", b"seal,date\n1,2024-01-01\n", "text/csv")}
    )
    assert text.status_code == 201

    small = Settings(**{**settings.model_dump(), "max_upload_mb": 1})  # type: ignore[attr-defined]
    with TestClient(create_app(small, client.app.state.database)) as tight:
        big = tight.post(
            url,
            headers=trade,
            files={"file": ("big.pdf", PDF + b"0" * (2**20), "application/pdf")},
        )
    assert big.status_code == 413


def test_reminders_list_what_falls_due(client: TestClient, session: Session) -> None:
    ctx = _setup(session)
    spec = ctx["spec"]
    long_ago = today() - timedelta(days=500)
    m = h.certified(session, ctx["acme"], on=long_ago, specialist_id=spec.id)  # type: ignore[arg-type, attr-defined]
    h.validated(
        session, m, spec.id, on=long_ago + timedelta(days=30), kinds={"4.17": "required_action"}
    )  # type: ignore[attr-defined]
    session.commit()
    found = client.get(f"{API}/reminders", headers=f.login(client, "boss@acme.example")).json()
    kinds = {(r["kind"], r["overdue"]) for r in found}
    assert ("action", True) in kinds
    assert ("profile_review", True) in kinds
    assert all(r["organization"] == "ACME Imports" for r in found)
    assert (
        client.get(f"{API}/reminders", headers=f.login(client, "boss@other.example")).json() == []
    )
