"""Party resolution benchmark: parties/s on 20,000-row frames, and how well names link.

Builds a scratch database (SQLite file, or a scratch PostgreSQL database that is dropped at
the end) with a seeded registry of a few thousand organizations made through the real use
case, then times ``registry.resolve.resolve_parties`` on 20,000-row frames:

- ``customs ids, first sight``: parties of the public customs declarations
  (``Importer ID``, ``Seller ID``, ``Declarant ID`` as free-form identifiers), none known
  yet: every distinct party is proposed;
- ``customs ids, known``: the same frame again: every party links by identifier;
- ``registry ids``: parties carrying identifiers of registry organizations written the way
  filings write them (lower case, spaces, EIN without its hyphen), 10 % unknown;
- ``names``: parties with names only: 70 % variants of registry names (case, punctuation,
  legal form spelled differently, one typo, sometimes an address), 30 % names the registry
  does not have. Besides speed it reports how many variants link to the right organization,
  how many link to a wrong one, and how many unknown names link to anything.

Then the quality of the name decision alone on the labelled company name pairs of
``screening-eval/name_pairs_dev.csv`` (Company, Organization, LegalEntity): precision and
recall of "links" (name similarity ≥ the link threshold, no country or address). The
thresholds in ``registry.matching`` were set before this file was looked at; nothing here
tunes them.

    .venv/bin/python benchmarks/registry_resolve.py                   # SQLite
    .venv/bin/python benchmarks/registry_resolve.py --backend postgresql
    .venv/bin/python benchmarks/registry_resolve.py --orgs 5000 --rows 20000

Data paths: ``--customs`` (default ``$TRUSTLANE_SHARED_DATA/customs/df_syn_train_eng.csv``)
and ``--pairs`` (default ``$TRUSTLANE_SHARED_DATA/screening-eval/name_pairs_dev.csv``), with
``TRUSTLANE_SHARED_DATA`` defaulting to ``/work/shared/data``.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import string
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from stdnum.iso7064 import mod_97_10
from stdnum.us import ein

from trustlane.access.principal import Principal
from trustlane.db import Database
from trustlane.migrate import upgrade
from trustlane.registry.identifiers import build_manufacturer_id
from trustlane.registry.matching import LINK_THRESHOLD, name_similarity
from trustlane.registry.names import core_name
from trustlane.registry.orgs import create_organization
from trustlane.registry.resolve import resolve_parties
from trustlane.registry.schemas import AddressIn, IdentifierIn, OrgCreate

SHARED = Path(os.environ.get("TRUSTLANE_SHARED_DATA", "/work/shared/data"))
PG_SERVER = os.environ.get(
    "TRUSTLANE_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
ACTOR = Principal.system("benchmark")

COUNTRIES = {
    "CN": (["Co., Ltd.", "Company Limited", "Ltd."], ["Shanghai", "Shenzhen", "Ningbo", "Xiamen"]),
    "US": (["Inc.", "LLC", "Corporation"], ["Houston", "Seattle", "Newark", "Chicago"]),
    "DE": (["GmbH", "AG", "GmbH & Co. KG"], ["Hamburg", "Bremen", "Munich", "Stuttgart"]),
    "VN": (["Co., Ltd", "Joint Stock Company"], ["Hanoi", "Haiphong", "Da Nang"]),
    "MX": (["S.A. de C.V.", "S. de R.L. de C.V."], ["Monterrey", "Tijuana", "Puebla"]),
    "IN": (["Pvt. Ltd.", "Private Limited", "Limited"], ["Mumbai", "Chennai", "Pune"]),
    "KR": (["Co., Ltd.", "Corporation"], ["Busan", "Incheon", "Seoul"]),
    "JP": (["K.K.", "Co., Ltd.", "Corporation"], ["Osaka", "Yokohama", "Nagoya"]),
    "TR": (["A.S.", "Ltd. Sti."], ["Istanbul", "Izmir", "Mersin"]),
    "BR": (["Ltda.", "S.A."], ["Santos", "Sao Paulo", "Curitiba"]),
    "IT": (["S.p.A.", "S.r.l."], ["Genoa", "Milan", "Naples"]),
    "NL": (["B.V.", "N.V."], ["Rotterdam", "Amsterdam", "Eindhoven"]),
}
# fmt: off
STEMS = [
    "Acme", "Apex", "Aurora", "Beacon", "Cedar", "Crest", "Delta", "Eagle", "Emerald",
    "Evergreen", "Falcon", "Golden", "Granite", "Harbor", "Horizon", "Jade", "Keystone",
    "Lotus", "Maple", "Meridian", "Nova", "Oak", "Orient", "Pacific", "Phoenix", "Pioneer",
    "Prime", "Quantum", "Radiant", "Redwood", "Sapphire", "Silver", "Sky", "Solar", "Star",
    "Summit", "Sun", "Titan", "Unity", "Vanguard", "Vertex", "Victory", "Zenith", "Amber",
    "Atlas", "Blue", "Bright", "Coral", "Crown", "Dragon", "Ever", "Grand", "Great", "Lucky",
    "New", "Noble", "Ocean", "Royal", "Swift"
]
TRADES = [
    "Trading", "Textiles", "Garments", "Electronics", "Machinery", "Steel", "Metals",
    "Plastics", "Chemicals", "Foods", "Furniture", "Toys", "Auto", "Parts", "Logistics",
    "Shipping", "Pharma", "Paper", "Rubber", "Glass", "Ceramics", "Tools", "Lighting",
    "Footwear", "Apparel", "Components", "Industries", "Manufacturing", "Import", "Export"
]
# fmt: on


def lei(rng: random.Random) -> str:
    base = "".join(rng.choices(string.digits + string.ascii_uppercase, k=18))
    return base + mod_97_10.calc_check_digits(base)


def ein_number(rng: random.Random) -> str:
    while True:
        text = f"{rng.randint(1, 99):02d}-{rng.randint(0, 9_999_999):07d}"
        if ein.is_valid(text):
            return text


def build_registry(database: Database, count: int, seed: int) -> list[dict[str, Any]]:
    """Create ``count`` organizations through the use case; returns what was made."""
    rng = random.Random(seed)
    made: list[dict[str, Any]] = []
    used: set[str] = set()
    with database.session() as session:
        while len(made) < count:
            country = rng.choice(list(COUNTRIES))
            forms, cities = COUNTRIES[country]
            words = [rng.choice(STEMS), rng.choice(TRADES)]
            if rng.random() < 0.4:
                words.insert(1, rng.choice(STEMS))
            core = " ".join(words)
            if core.lower() in used:
                continue
            used.add(core.lower())
            name = f"{core} {rng.choice(forms)}"
            city = rng.choice(cities)
            street = f"{rng.randint(1, 2999)} {rng.choice(STEMS)} Road"
            ids: dict[str, str] = {}
            if rng.random() < 0.5:
                ids["lei"] = lei(rng)
            if country == "US":
                ids["importer_of_record"] = ein_number(rng)
            else:
                ids["manufacturer_id"] = build_manufacturer_id(name, street, city, country)
            data = OrgCreate(
                name=name,
                country=country,
                identifiers=[IdentifierIn(scheme=s, value=v) for s, v in ids.items()],
                addresses=[AddressIn(street=street, city=city, country=country)],
            )
            try:
                org = create_organization(session, ACTOR, data)
            except Exception:
                continue
            made.append(
                {
                    "id": org.id,
                    "name": name,
                    "country": country,
                    "city": city,
                    "street": street,
                    "ids": ids,
                }
            )
    return made


def customs_frame(path: Path, rows: int) -> pd.DataFrame:
    columns = {"Importer ID": "importer", "Seller ID": "seller", "Declarant ID": "declarant"}
    data = pd.read_csv(path, usecols=list(columns), dtype=str, nrows=rows)
    parts = []
    for column, role in columns.items():
        ids = data[column].dropna()
        parts.append(
            pd.DataFrame(
                {
                    "role": role,
                    "name": None,
                    "address": None,
                    "city": None,
                    "country": "KR" if role != "seller" else None,
                    "identifiers": [{f"kr_{role}_id": v} for v in ids],
                }
            )
        )
    return pd.concat(parts, ignore_index=True).head(rows)


def registry_id_frame(orgs: list[dict[str, Any]], rows: int, rng: random.Random) -> pd.DataFrame:
    out = []
    for _ in range(rows):
        org = rng.choice(orgs)
        if rng.random() < 0.1:
            ids = {"lei": lei(rng)}  # valid, not in the registry
        else:
            scheme, value = rng.choice(list(org["ids"].items()))
            if scheme == "importer_of_record":
                value = value.replace("-", "")
            ids = {scheme.upper() if rng.random() < 0.5 else scheme: value.lower()}
        out.append(
            {
                "role": "seller",
                "name": org["name"],
                "address": None,
                "city": None,
                "country": org["country"],
                "identifiers": ids,
            }
        )
    return pd.DataFrame(out)


def variant(name: str, rng: random.Random) -> str:
    """How filings misspell a company: case, punctuation, legal form, a typo."""
    core = name
    for forms, _ in COUNTRIES.values():
        for form in forms:
            if core.endswith(" " + form):
                core = core[: -len(form) - 1]
    form = rng.choice(["CO LTD", "LIMITED", "LTD", "INC", "CORP", "", "COMPANY"])
    text = f"{core} {form}".strip()
    if rng.random() < 0.5:
        text = text.upper()
    if rng.random() < 0.3:
        text = text.replace(" ", ", ", 1)
    if rng.random() < 0.25:
        i = rng.randrange(1, len(core) - 1)
        text = text[:i] + text[i + 1 :]
    return text


def name_frame(
    orgs: list[dict[str, Any]], rows: int, rng: random.Random
) -> tuple[pd.DataFrame, list[int | None]]:
    out, truth = [], []
    for _ in range(rows):
        if rng.random() < 0.7:
            org = rng.choice(orgs)
            with_address = rng.random() < 0.5
            out.append(
                {
                    "role": "manufacturer",
                    "name": variant(org["name"], rng),
                    "address": org["street"].upper() if with_address else None,
                    "city": org["city"] if with_address else None,
                    "country": org["country"],
                    "identifiers": None,
                }
            )
            truth.append(org["id"])
        else:
            words = [rng.choice(STEMS), rng.choice(STEMS), rng.choice(TRADES), "Holdings"]
            out.append(
                {
                    "role": "buyer",
                    "name": " ".join(words) + f" {rng.randint(1, 99)}",
                    "address": None,
                    "city": None,
                    "country": rng.choice(list(COUNTRIES)),
                    "identifiers": None,
                }
            )
            truth.append(None)
    return pd.DataFrame(out), truth


def timed(
    database: Database, frame: pd.DataFrame, *, keep: bool = False
) -> tuple[float, pd.DataFrame]:
    """Seconds to resolve ``frame`` in one transaction (rolled back unless ``keep``)."""
    with database.sessions() as session:
        started = time.perf_counter()
        out = resolve_parties(session, ACTOR, frame)
        session.flush()
        seconds = time.perf_counter() - started
        session.commit() if keep else session.rollback()
    return seconds, out


def name_pair_quality(path: Path) -> tuple[int, float, float, float]:
    with path.open(encoding="utf-8") as fh:
        rows = [
            r
            for r in csv.DictReader(fh)
            if r["schema"] in ("Company", "Organization", "LegalEntity")
        ]
    tp = fp = fn = 0
    for r in rows:
        links = name_similarity(core_name(r["name1"]), core_name(r["name2"])) >= LINK_THRESHOLD
        match = r["is_match"].strip().lower() == "true"
        tp += links and match
        fp += links and not match
        fn += (not links) and match
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return len(rows), precision, recall, f1


@contextmanager
def scratch_database(backend: str) -> Iterator[Database]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/bench.db"
            upgrade(url)
            database = Database(url)
            try:
                yield database
            finally:
                database.dispose()
        return
    name = f"trustlane_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(
        PG_SERVER.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = f"{PG_SERVER.rsplit('/', 1)[0]}/{name}"
    try:
        upgrade(url)
        database = Database(url)
        try:
            yield database
        finally:
            database.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--orgs", type=int, default=3000, help="registry size")
    parser.add_argument("--rows", type=int, default=20_000, help="parties per frame")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--customs", type=Path, default=SHARED / "customs/df_syn_train_eng.csv")
    parser.add_argument("--pairs", type=Path, default=SHARED / "screening-eval/name_pairs_dev.csv")
    args = parser.parse_args()
    rng = random.Random(args.seed + 1)

    with scratch_database(args.backend) as database:
        started = time.perf_counter()
        orgs = build_registry(database, args.orgs, args.seed)
        print(
            f"registry: {len(orgs):,} organizations on {database.dialect} "
            f"({time.perf_counter() - started:.1f} s to create through the use case)"
        )
        report: Callable[[str, float, int], None] = lambda label, seconds, n: print(  # noqa: E731
            f"{label:<28} {n:>7,} parties  {seconds:6.3f} s  {n / seconds:>10,.0f} parties/s"
        )
        customs = customs_frame(args.customs, args.rows)
        seconds, first = timed(database, customs, keep=True)
        report("customs ids, first sight", seconds, len(customs))
        print(f"{'':<28} {first['organization_id'].nunique():,} organizations proposed")
        seconds, again = timed(database, customs)
        report("customs ids, known", seconds, len(customs))
        assert (again["resolution"] == "identifier").all()

        frame = registry_id_frame(orgs, args.rows, rng)
        seconds, out = timed(database, frame)
        report("registry ids (10% unknown)", seconds, len(frame))
        print(f"{'':<28} {(out['resolution'] == 'identifier').mean():.1%} linked by identifier")

        frame, truth = name_frame(orgs, args.rows, rng)
        seconds, out = timed(database, frame)
        report("names (70% known)", seconds, len(frame))
        got = out["organization_id"].tolist()
        linked = out["resolution"].eq("name").tolist()
        known = [i for i, t in enumerate(truth) if t is not None]
        unknown = [i for i, t in enumerate(truth) if t is None]
        right = sum(1 for i in known if linked[i] and got[i] == truth[i])
        wrong = sum(1 for i in known if linked[i] and got[i] != truth[i])
        false_links = sum(1 for i in unknown if linked[i])
        print(
            f"{'':<28} known names: {right / len(known):.1%} linked right, "
            f"{wrong / len(known):.2%} linked wrong; unknown names linked: "
            f"{false_links / len(unknown):.2%}"
        )

    if args.pairs.is_file():
        n, precision, recall, f1 = name_pair_quality(args.pairs)
        print(
            f"name pairs ({n} company pairs, threshold {LINK_THRESHOLD}): precision "
            f"{precision:.2f}, recall {recall:.2f}, F1 {f1:.2f}"
        )


if __name__ == "__main__":
    main()
