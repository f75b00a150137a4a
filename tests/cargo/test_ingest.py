"""Ingest through the use case on a real database: profiles, rejects, versions, atomicity."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tests import factories as f
from tests.cargo.helpers import (
    FIXTURES,
    KR_ROW,
    count,
    example,
    kr_rows,
    read_rejects,
    run,
    write_csv,
)
from trustlane.access.principal import Principal
from trustlane.access.roles import Role
from trustlane.cargo import store
from trustlane.cargo.models import Inspection, Shipment
from trustlane.cargo.profiles import PROFILES
from trustlane.db import Database
from trustlane.errors import InvalidInput
from trustlane.registry.schemas import IdentifierIn


@pytest.mark.parametrize("name", [n for n in PROFILES if n != "carrier-events"])
def test_each_profile_loads_its_example(database: Database, name: str, tmp_path: Path) -> None:
    path = tmp_path / example(name).name
    path.write_bytes(example(name).read_bytes())
    summary = run(database, path, name)
    assert summary.rows_rejected == 0, read_rejects(summary.rejects_path)
    assert summary.rows_loaded == summary.rows_read > 0
    kind = PROFILES[name].kind
    assert count(database, "shipments", f"WHERE kind = '{kind}'") == summary.filings_new > 0
    assert count(database, "shipment_lines") == summary.lines_written == summary.rows_read
    assert count(database, "shipment_parties") == summary.parties_written > 0
    with database.sessions() as session:
        shipment = session.scalars(sa.select(Shipment).order_by(Shipment.id)).first()
        assert shipment is not None
        assert shipment.profile == name
        assert shipment.importer_org_id is not None  # the tenant party was resolved/proposed
        assert shipment.lines
        assert shipment.parties
        assert all(p.resolution in ("identifier", "name", "proposed") for p in shipment.parties)


def test_carrier_events_load_once(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_bytes(example("carrier-events").read_bytes())
    first = run(database, path, "carrier-events")
    assert first.events_new == first.rows_read > 0
    again = run(database, path, "carrier-events")
    assert (again.events_new, again.events_unchanged) == (0, first.rows_read)
    assert count(database, "transport_events") == first.rows_read


def test_public_declarations_keep_their_fraud_labels_as_outcomes(database: Database) -> None:
    sample = FIXTURES / "customs_kr_sample.csv"
    summary = run(database, sample, "customs-kr")
    labels = pd.read_csv(sample, dtype=str)
    assert summary.rows_loaded == len(labels)
    assert summary.rows_rejected == 0
    with database.sessions() as session:
        outcomes = session.scalars(sa.select(Inspection)).all()
        assert len(outcomes) == len(labels)
        assert {o.source for o in outcomes} == {"ingest:customs-kr"}
        assert sum(o.fraud for o in outcomes) == int((labels["Fraud"] == "1").sum())
        assert sum(o.critical == 2 for o in outcomes) == int(
            (labels["Critical Fraud"] == "2").sum()
        )


def test_rejects_name_row_and_field_and_every_valid_row_loads(
    database: Database, tmp_path: Path
) -> None:
    rows = kr_rows(6)
    rows[1]["Date"] = "2020-02-30"
    rows[3]["Country of Origin"] = "Narnia"
    rows[3]["HS6 Code"] = "39A690"
    rows[4]["Importer ID"] = ""
    path = write_csv(tmp_path / "mixed.csv", rows)
    with path.open("a") as fh:  # a ragged record and a blank line
        fh.write("10000099,2020-01-03,40\n\n")
    summary = run(database, path, "customs-kr")
    assert summary.rows_read == 7
    assert summary.rows_rejected == 4
    assert summary.filings_new == summary.rows_loaded == 3
    rejects = read_rejects(summary.rejects_path)
    assert [(r["row"], r["field"]) for r in rejects] == [
        ("3", "Date"),
        ("5", "HS6 Code"),
        ("5", "Country of Origin"),
        ("6", "Importer ID"),
        ("8", "(record)"),
    ]
    assert rejects[2]["value"] == "Narnia"
    assert "ISO 3166" in rejects[2]["reason"]
    assert "3 fields" in rejects[-1]["reason"]
    loaded = {"10000001", "10000003", "10000006"}
    with database.sessions() as session:
        assert set(session.scalars(sa.select(Shipment.external_id))) == loaded


def test_missing_required_columns_is_a_clear_error(database: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "short.csv", kr_rows(2), ["Declaration ID", "Date"])
    with pytest.raises(InvalidInput) as err:
        run(database, path, "customs-kr")
    missing = {p.field for p in err.value.problems}
    assert {"Office ID", "Importer ID", "HS6 Code"} <= missing
    assert count(database, "shipments") == 0


def test_same_file_twice_is_unchanged_and_a_change_is_a_new_version(
    database: Database, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "a.csv", kr_rows(4))
    first = run(database, path, "customs-kr")
    again = run(database, path, "customs-kr")
    assert (first.filings_new, again.filings_new, again.filings_unchanged) == (4, 0, 4)
    assert count(database, "shipments") == 4
    assert count(database, "inspections") == 4

    changed = kr_rows(4)
    changed[2]["Item Price"] = "999999.0"
    summary = run(database, write_csv(tmp_path / "b.csv", changed), "customs-kr")
    assert (summary.filings_changed, summary.filings_unchanged) == (1, 3)
    with database.sessions() as session:
        versions = store.versions_of(session, "declaration", "10000003")
        assert [(v.version, v.is_current) for v in versions] == [(2, True), (1, False)]
        assert versions[1].superseded_at is not None
        assert versions[0].total_value == 999999.0
        assert versions[1].total_value == 350000.0
        assert versions[0].content_hash != versions[1].content_hash
        assert [len(v.lines) for v in versions] == [1, 1]


def test_formats_share_content_hashes(database: Database, tmp_path: Path) -> None:
    rows = kr_rows(3)
    run(database, write_csv(tmp_path / "a.csv", rows), "customs-kr")
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert run(database, jsonl, "customs-kr").filings_unchanged == 3
    typed = pd.DataFrame(rows).astype({"Tax Rate": float, "Net Mass": float, "Item Price": float})
    pq.write_table(pa.Table.from_pandas(typed, preserve_index=False), tmp_path / "a.parquet")
    assert run(database, tmp_path / "a.parquet", "customs-kr").filings_unchanged == 3


def _isf_lines(path: Path) -> pd.DataFrame:
    return pd.read_csv(example("isf"), dtype=str, keep_default_na=False)


def test_multi_line_filings_stay_whole_across_chunks(database: Database, tmp_path: Path) -> None:
    frame = _isf_lines(tmp_path)
    filings = frame["isf_number"].nunique()
    assert filings < len(frame)  # the example has multi-line filings
    path = tmp_path / "isf.csv"
    frame.to_csv(path, index=False)
    summary = run(database, path, "isf", chunk_rows=2)
    assert summary.rows_rejected == 0, read_rejects(summary.rejects_path)
    assert summary.filings_new == filings == count(database, "shipments")
    assert count(database, "shipment_lines") == len(frame)


def test_a_key_coming_back_later_is_a_duplicate(database: Database, tmp_path: Path) -> None:
    frame = _isf_lines(tmp_path)
    first_key = frame["isf_number"].iloc[0]
    again = frame[frame["isf_number"] == first_key]
    path = tmp_path / "dup.csv"
    pd.concat([frame, again], ignore_index=True).to_csv(path, index=False)
    for chunk_rows in (1000, 3):  # in the same chunk, and across chunks
        summary = run(database, path, "isf", chunk_rows=chunk_rows)
        rejects = read_rejects(summary.rejects_path)
        assert summary.rows_rejected == len(again)
        assert {r["field"] for r in rejects} == {"isf_number"}
        assert all("duplicate key" in r["reason"] for r in rejects)
        assert [int(r["row"]) for r in rejects] == list(
            range(len(frame) + 2, len(frame) + 2 + len(again))
        )
    assert count(database, "shipments") == frame["isf_number"].nunique()


def test_lines_disagreeing_on_the_filing_header_are_rejected(
    database: Database, tmp_path: Path
) -> None:
    frame = _isf_lines(tmp_path)
    sizes = frame.groupby("isf_number", sort=False).size()
    key = sizes[sizes > 1].index[0]
    second = frame.index[frame["isf_number"] == key][1]
    frame.loc[second, "bill_of_lading"] = "OTHER123"
    path = tmp_path / "isf.csv"
    frame.to_csv(path, index=False)
    summary = run(database, path, "isf")
    rejects = read_rejects(summary.rejects_path)
    assert [(int(r["row"]), r["field"]) for r in rejects] == [(second + 2, "bill_of_lading")]
    assert "first line of this filing" in rejects[0]["reason"]


def test_a_failed_chunk_leaves_no_trace_and_earlier_chunks_stay(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(tmp_path / "a.csv", kr_rows(6))
    real = store.insert_frame
    calls = {"shipments": 0}

    def failing(conn: sa.engine.Connection, table: sa.Table, frame: pd.DataFrame) -> int:
        written = real(conn, table, frame)
        if table.name == "shipment_parties":
            calls["shipments"] += 1
            if calls["shipments"] == 2:  # second chunk: after its shipments and lines
                raise RuntimeError("disk full")
        return written

    monkeypatch.setattr(store, "insert_frame", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        run(database, path, "customs-kr", chunk_rows=3)
    assert count(database, "shipments") == 3
    assert count(database, "shipment_lines") == 3
    monkeypatch.setattr(store, "insert_frame", real)
    summary = run(database, path, "customs-kr", chunk_rows=3)
    assert (summary.filings_unchanged, summary.filings_new) == (3, 3)


def test_trade_admin_loads_only_filings_of_its_own_organization(
    database: Database, session: Session, tmp_path: Path
) -> None:
    mine = f.trade_org(
        session,
        "Mine Imports",
        identifiers=[IdentifierIn(scheme="kr_importer_id", value="MINE001")],
    )
    f.trade_org(
        session,
        "Other Imports",
        identifiers=[IdentifierIn(scheme="kr_importer_id", value="OTHR001")],
    )
    session.commit()
    admin = Principal("boss@mine.example", Role.trade_admin, mine.id)
    rows = kr_rows(2, **{"Importer ID": "MINE001"}) + kr_rows(
        2, 20000001, **{"Importer ID": "OTHR001"}
    )
    summary = run(database, write_csv(tmp_path / "a.csv", rows), "customs-kr", actor=admin)
    assert (summary.filings_new, summary.rows_rejected) == (2, 2)
    rejects = read_rejects(summary.rejects_path)
    assert {r["field"] for r in rejects} == {"Importer ID"}
    with database.sessions() as s:
        assert set(s.scalars(sa.select(Shipment.importer_org_id))) == {mine.id}
    user = Principal("user@mine.example", Role.trade_user, mine.id)
    with pytest.raises(Exception, match="may not"):
        run(database, write_csv(tmp_path / "b.csv", rows), "customs-kr", actor=user)


def test_late_filings_show_in_the_lead_time(database: Database, tmp_path: Path) -> None:
    frame = _isf_lines(tmp_path).copy()
    key = frame["isf_number"].iloc[0]
    rows = frame["isf_number"] == key
    frame.loc[rows, "estimated_lading_at"] = "2024-03-01T12:00:00Z"
    frame.loc[rows, "filed_at"] = "2024-03-01T02:00:00+00:00"
    path = tmp_path / "late.csv"
    frame.to_csv(path, index=False)
    run(database, path, "isf")
    from trustlane.cargo.schemas import ShipmentSummary

    with database.sessions() as session:
        shipment = session.scalars(sa.select(Shipment).where(Shipment.external_id == key)).one()
        assert ShipmentSummary.model_validate(shipment).filing_lead_hours == 10.0


def test_kr_row_constants(database: Database, tmp_path: Path) -> None:
    run(database, write_csv(tmp_path / "a.csv", [dict(KR_ROW)]), "customs-kr")
    with database.sessions() as session:
        shipment = session.scalars(sa.select(Shipment)).one()
        assert (shipment.currency, shipment.country_destination) == ("KRW", "KR")
        assert shipment.attributes == {
            "process_type": "B",
            "import_type": "11",
            "import_use": "21",
            "payment_type": "11",
        }
        assert shipment.lines[0].hs6 == "392690"
        assert {p.role for p in shipment.parties} == {"declarant", "importer", "seller"}
