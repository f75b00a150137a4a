"""Small helpers for the cargo tests: write tiny files, run an ingest, count rows."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from trustlane.access.principal import Principal
from trustlane.cargo.ingest import IngestSummary, ingest_file
from trustlane.cargo.profiles import PROFILES
from trustlane.db import Database

OPERATOR = Principal.system("test")
EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"
FIXTURES = Path(__file__).parent / "fixtures"

#: One valid customs-kr row; tests change fields of copies of it.
KR_ROW = {
    "Declaration ID": "10000001",
    "Date": "2020-01-02",
    "Office ID": "40",
    "Process Type": "B",
    "Import Type": "11",
    "Import Use": "21",
    "Payment Type": "11",
    "Mode of Transport": "10",
    "Declarant ID": "DCL0001",
    "Importer ID": "IMP0001",
    "Seller ID": "SEL0001",
    "Courier ID": "",
    "HS6 Code": "392690",
    "Country of Departure": "CN",
    "Country of Origin": "CN",
    "Tax Rate": "8.0",
    "Tax Type": "A",
    "Country of Origin Indicator": "E",
    "Net Mass": "120.5",
    "Item Price": "350000.0",
    "Fraud": "0",
    "Critical Fraud": "0",
}


def kr_rows(n: int, start: int = 10000001, **changes: Any) -> list[dict[str, str]]:
    return [{**KR_ROW, "Declaration ID": str(start + i), **changes} for i in range(n)]


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    columns = columns or list(rows[0])
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def read_rejects(path: str | Path | None) -> list[dict[str, str]]:
    assert path is not None
    with Path(path).open(newline="") as fh:
        return list(csv.DictReader(fh))


def run(
    database: Database,
    path: Path,
    profile: str,
    *,
    actor: Principal = OPERATOR,
    chunk_rows: int = 20_000,
    fmt: str | None = None,
) -> IngestSummary:
    return ingest_file(
        database,
        actor,
        path,
        profile,
        fmt=fmt,
        rejects_path=path.with_name(path.name + ".rejects.csv"),
        chunk_rows=chunk_rows,
    )


def count(database: Database, table: str, where: str = "") -> int:
    sql = f"SELECT count(*) FROM {table} {where}"
    with database.engine.connect() as conn:
        return int(conn.execute(sa.text(sql)).scalar_one())


def example(profile: str) -> Path:
    return EXAMPLES / PROFILES[profile].example
