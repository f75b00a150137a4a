"""The supply-chain pages over HTTP: the chain list and the import form (errors next to the
field, naming the row), the chain picture, a facility's trace and dossier, exposure, the
disruption run as a job, ports; roles, CSRF refusal and what another tenant may not see.

``build_chains`` is shared with the browser tests.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.orm import Session

from tests import factories as f
from tests.supplychain.helpers import FACILITY_HEADER, LINK_HEADER, csv_text
from tests.targeting.test_pages import csrf_of, login_browser
from trustlane.access.principal import Principal
from trustlane.access.roles import Role
from trustlane.supplychain import ports, simulate
from trustlane.supplychain.generator import generate_chain
from trustlane.supplychain.ingest import import_chain
from trustlane.supplychain.models import Chain

OPERATOR = Principal.system("test")
ADMIN, ANALYST = "admin@agency.example", "specialist@agency.example"
TRADER, OTHER_TRADER = "admin@acme.example", "admin@other.example"


@dataclass
class Chains:
    critical: int  # the agency's chain (generated, 60 facilities, with a resilience run)
    acme: int  # TRADER's organization's chain (small, written as data)
    other: int  # OTHER_TRADER's organization's chain
    product: str  # a product of the critical chain
    port: str  # a port code of the critical chain


def build_chains(session: Session, tmp_path: Path) -> Chains:
    """People of every side, a generated agency chain with a run and port equipment, and a
    small chain for each of two trade members."""
    agency = f.agency(session)
    f.user(session, agency, Role.agency_admin, ADMIN)
    f.user(session, agency, Role.security_specialist, ANALYST)
    acme = f.trade_org(session, "Acme Imports")
    other = f.trade_org(session, "Other Imports")
    f.user(session, acme, Role.trade_admin, TRADER)
    f.user(session, other, Role.trade_admin, OTHER_TRADER)
    generated = generate_chain(60, seed=7)
    facilities, links = tmp_path / "facilities.csv", tmp_path / "links.csv"
    generated.write(str(facilities), str(links))
    critical = import_chain(
        session, OPERATOR, facilities.read_text(), links.read_text(), chain_name="critical"
    ).chain
    simulate.run_resilience(
        session, OPERATOR, critical, horizon=180, kinds=("facility", "port"), workers=1
    )
    graph = generated.graph()
    port = next(str(c) for c in graph.facilities["port_code"] if isinstance(c, str) and c.strip())
    ports.add_equipment(
        session, OPERATOR, critical, port_code=port, kind="crane", vendor="ZPMC",
        vendor_country="CN", quantity=4, remote_access=True, model=None, notes=None,
    )  # fmt: skip
    mine = small_chain(session, "acme-garments", acme.id, "Acme Mill")
    theirs = small_chain(session, "other-garments", other.id, "Secret Mill")
    session.commit()
    return Chains(critical.id, mine.id, theirs.id, graph.codes[graph.products[0]], port)


def small_chain(session: Session, name: str, tenant: int, mill: str) -> Chain:
    facilities = csv_text(
        FACILITY_HEADER,
        [
            "FARM,Cotton Farm,US,farm,,0,30,0,0",
            f"MILL,{mill},BD,mill,100,50,20,0,0",
            "SHOP,Garment Shop,US,factory,50,10,10,40,5",
        ],
    )
    links = csv_text(LINK_HEADER, ["FARM,MILL,cotton,1.2,1", "MILL,SHOP,yarn,1,1"])
    return import_chain(
        session, OPERATOR, facilities, links, chain_name=name, tenant_id=tenant
    ).chain


def upload(
    client: TestClient, token: str, chain: str, facilities: str | None, links: str | None
) -> Response:
    """Post the import form (without following the redirect)."""
    files = {
        name: (f"{name}.csv", text, "text/csv")
        for name, text in (("facilities", facilities), ("links", links))
        if text is not None
    }
    return client.post(
        "/supplychain/import",
        data={"chain": chain, "csrf_token": token},
        files=files,
        follow_redirects=False,
    )


@pytest.fixture
def world(session: Session, tmp_path: Path) -> Chains:
    return build_chains(session, tmp_path)


def test_list_search_and_pages(client: TestClient, world: Chains) -> None:
    login_browser(client, ANALYST)
    page = client.get("/supplychain")
    assert page.status_code == 200, page.text
    for name in ("critical", "acme-garments", "other-garments"):
        assert f">{name}</a>" in page.text
    assert "Acme Imports" in page.text  # the agency sees each chain's owner
    assert 'href="/supplychain"' in page.text  # in the main navigation
    assert "Import a chain" not in page.text  # a specialist reads, does not import
    found = client.get("/supplychain", params={"q": "GARM"})
    assert ">acme-garments</a>" in found.text
    assert ">critical</a>" not in found.text
    assert "No chain matches." in client.get("/supplychain", params={"q": "nope"}).text


def test_chain_page_draws_the_chain_with_linked_facilities(
    client: TestClient, world: Chains
) -> None:
    login_browser(client, ANALYST)
    page = client.get(f"/supplychain/{world.critical}")
    assert page.status_code == 200, page.text
    svg = page.text[page.text.index("<svg") : page.text.index("</svg>")]
    nodes = re.findall(rf'<a href="/supplychain/{world.critical}/facilities/(\w+)"', svg)
    assert len(nodes) == 60
    assert "exp-source" in svg  # a facility in a high-risk area (Xinjiang)
    assert ">origins</text>" in svg
    assert ">products</text>" in svg
    assert "<title>" in svg
    assert "facilities whose loss cuts a product off" in page.text
    assert 'rel="next"' in page.text  # 60 facilities, 25 a page
    second = client.get(f"/supplychain/{world.critical}", params={"offset": 25})
    assert "26–50 of 60" in second.text
    ports_only = client.get(f"/supplychain/{world.critical}", params={"kind": "port"})
    table = ports_only.text[ports_only.text.index("Facilities of the chain") :]
    assert "12 of 12" in table
    named = client.get(f"/supplychain/{world.critical}", params={"q": world.product})
    assert "1–1 of 1" in named.text


def test_facility_page_traces_and_links_the_dossier(client: TestClient, world: Chains) -> None:
    login_browser(client, ANALYST)
    url = f"/supplychain/{world.critical}/facilities/{world.product}"
    page = client.get(url)
    assert page.status_code == 200, page.text
    assert "upstream facilities, by tier" in page.text
    assert "Origins of each raw material, by country" in page.text
    api = f"/api/supplychain/chains/{world.critical}"
    zip_href = f"{api}/dossier/{world.product}?format=zip"
    assert f'href="{zip_href}"' in page.text
    packed = client.get(zip_href)  # the API route reads the pages' login cookie
    assert packed.status_code == 200
    assert "dossier.html" in zipfile.ZipFile(io.BytesIO(packed.content)).namelist()
    html = client.get(f"{api}/dossier/{world.product}")
    assert html.status_code == 200
    assert "<svg" in html.text
    china = client.get(url, params={"q": "CN"})
    assert ">CN" in china.text
    assert "No upstream facility matches." in client.get(url, params={"q": "zzz"}).text
    assert client.get(f"/supplychain/{world.critical}/facilities/NOPE").status_code == 404


def test_exposure_and_ports(client: TestClient, world: Chains) -> None:
    login_browser(client, ANALYST)
    exposure = client.get(f"/supplychain/{world.critical}/exposure")
    assert exposure.status_code == 200, exposure.text
    assert "<code>HIGH_RISK_AREA</code>" in exposure.text
    assert "No list screening" in exposure.text or "screening" in exposure.text
    xinjiang = client.get(f"/supplychain/{world.critical}/exposure", params={"q": "CN-XJ"})
    assert "CN-XJ" in xinjiang.text
    ports_page = client.get(f"/supplychain/{world.critical}/ports")
    assert ports_page.status_code == 200, ports_page.text
    assert world.port in ports_page.text
    assert ">critical</span>" in ports_page.text  # the crane from an untrusted vendor
    assert "<code>UNTRUSTED_VENDOR</code>" in ports_page.text
    assert "<code>REMOTE_ACCESS</code>" in ports_page.text
    assert (
        "No port matches."
        in client.get(f"/supplychain/{world.critical}/ports", params={"q": "nowhere"}).text
    )


def test_resilience_report_ranks_by_lost_profit_and_runs_a_job(
    client: TestClient, world: Chains
) -> None:
    login_browser(client, ANALYST)
    url = f"/supplychain/{world.critical}/resilience"
    page = client.get(url)
    assert page.status_code == 200, page.text
    assert "Scenarios ranked by lost profit" in page.text
    assert "/chart.svg" in page.text
    body = page.text[page.text.index("<tbody>", page.text.index("ranked by lost profit")) :]
    losses = [
        float(x.replace(",", ""))
        for x in re.findall(
            r'<td class="num">([\d,]+)</td>\s*<td class="num">\d+\.\d{3}</td>', body
        )
    ]
    assert len(losses) == 25  # a page of the 60 facility and the port scenarios
    assert losses == sorted(losses, reverse=True)
    assert losses[0] > 0
    ports_only = client.get(url, params={"kind": "port"})
    assert ">facility</td>" not in ports_only.text
    token = csrf_of(page.text)
    bad = client.post(url, data={"horizon": "forever", "csrf_token": token})
    assert bad.status_code == 422
    assert 'id="e-horizon"' in bad.text
    assert 'id="e-scenarios"' in bad.text
    assert 'value="forever"' in bad.text
    started = client.post(
        url,
        data={"horizon": "90", "scenarios": ["facility", "country"], "csrf_token": token},
        follow_redirects=False,
    )
    assert started.status_code == 303, started.text
    job_url = started.headers["location"]
    app: FastAPI = client.app  # type: ignore[assignment]
    app.state.runner.wait(job_url.rsplit("/", 1)[1], timeout=120)
    done = client.get(job_url)
    assert "See the scenarios ranked by lost profit" in done.text
    run = re.search(r"resilience\?run=(\d+)", done.text)
    assert run
    report = client.get(url, params={"run": run.group(1), "kind": "country"})
    assert ">country</td>" in report.text


def test_import_form_shows_errors_next_to_the_file_naming_the_row(
    client: TestClient, world: Chains
) -> None:
    login_browser(client, TRADER)
    page = client.get("/supplychain")
    assert "Import a chain" in page.text
    assert "Owner organization" not in page.text  # a member imports for itself
    token = csrf_of(page.text)
    facilities = csv_text(FACILITY_HEADER, ["A,Alpha,US,farm,,0,1,0,0", "B,Beta,XX,mill,,0,1,0,0"])
    links = csv_text(LINK_HEADER, ["A,C,cotton,1,1"])
    resp = upload(client, token, "", facilities, links)
    assert resp.status_code == 422
    assert re.search(r'id="e-chain">name the chain<', resp.text)
    resp = upload(client, token, "tiny", facilities, links)
    assert resp.status_code == 303, resp.text
    chain = client.get(resp.headers["location"])
    assert "2 rows rejected" in chain.text  # the flash: country XX, unknown facility C
    assert "Rows rejected by the last import" in chain.text
    resp = upload(client, token, "broken", csv_text("id,name", []), links)
    assert resp.status_code == 422
    errors = resp.text[resp.text.index('id="e-facilities"') :]
    assert "required column missing" in errors[: errors.index("</ul>")]
    resp = upload(
        client, token, "broken", csv_text(FACILITY_HEADER, ["A,A,ZZ,farm,,0,1,0,0"]), links
    )
    assert resp.status_code == 422
    errors = resp.text[resp.text.index('id="e-facilities"') :]
    assert "row 2, column country" in errors[: errors.index("</ul>")]
    resp = upload(client, token, "x", facilities, None)
    assert resp.status_code == 422
    assert 'id="e-links"' in resp.text
    mine = client.get("/supplychain")
    assert ">tiny</a>" in mine.text
    assert ">broken</a>" not in mine.text


def test_a_member_sees_only_its_own_chains(client: TestClient, world: Chains) -> None:
    login_browser(client, TRADER)
    page = client.get("/supplychain")
    assert ">acme-garments</a>" in page.text
    assert ">other-garments</a>" not in page.text
    assert ">critical</a>" not in page.text
    assert client.get(f"/supplychain/{world.acme}").status_code == 200
    for chain in (world.other, world.critical):
        for tail in ("", "/exposure", "/resilience", "/ports", "/facilities/MILL"):
            resp = client.get(f"/supplychain/{chain}{tail}")
            assert resp.status_code == 404, (chain, tail)
            assert "Secret Mill" not in resp.text
    assert client.get(f"/api/supplychain/chains/{world.other}/dossier/SHOP").status_code == 404
    token = csrf_of(page.text)
    resp = client.post(
        f"/supplychain/{world.other}/resilience",
        data={"horizon": "30", "scenarios": "facility", "csrf_token": token},
    )
    assert resp.status_code == 404
    assert "Secret Mill" not in client.get("/supplychain", params={"q": "garments"}).text


def test_forms_refuse_a_post_without_the_csrf_token(client: TestClient, world: Chains) -> None:
    login_browser(client, ADMIN)
    resp = client.post(
        f"/supplychain/{world.critical}/resilience",
        data={"horizon": "30", "scenarios": "facility", "csrf_token": "0" * 64},
    )
    assert resp.status_code == 403
    assert upload(client, "0" * 64, "x", "id\n", "x\n").status_code == 403


def test_a_reader_may_not_import(client: TestClient, world: Chains) -> None:
    login_browser(client, ANALYST)
    token = csrf_of(client.get("/supplychain").text)
    assert upload(client, token, "x", "id\n", "x\n").status_code == 403


def test_pages_need_a_login(client: TestClient) -> None:
    resp = client.get("/supplychain", follow_redirects=False)
    assert resp.status_code in (302, 303)
    assert "/login" in resp.headers["location"]
