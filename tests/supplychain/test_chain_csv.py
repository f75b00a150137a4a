"""The CSV contract: what is read, and the errors that name the row."""

from __future__ import annotations

import math

import pytest

from tests.supplychain.helpers import FACILITY_HEADER, LINK_HEADER, csv_text
from trustlane.errors import InvalidInput
from trustlane.supplychain.chain_csv import parse_chain, parse_facilities

FACILITIES = csv_text(
    FACILITY_HEADER + ",region,port_code",
    [
        "M1,Spruce Mining,US,mine,500,100,60,0,0,US-NC,",
        "S1,Polysilicon One,CN,polysilicon_plant,,0,90,0,0,CN-XJ,",
        "P1,Module Assembly,US,assembly_plant,40,200,20,30,25.5,,",
        "X1,Port of Los Angeles,US,port,1000,0,7,0,0,,USLAX",
    ],
)
LINKS = csv_text(
    LINK_HEADER,
    ["M1,S1,quartz,2.8,1", "S1,X1,polysilicon,1,", "X1,P1,polysilicon,0.012,1"],
)


def test_a_good_chain_is_read_with_its_attributes() -> None:
    parsed = parse_chain(FACILITIES, LINKS)
    assert parsed.problems == []
    by_code = {f.code: f for f in parsed.facilities}
    assert by_code["S1"].capacity_per_day is None  # empty capacity = unlimited
    assert by_code["S1"].region == "CN-XJ"
    assert by_code["X1"].port_code == "USLAX"
    assert by_code["P1"].unit_profit == 25.5
    assert [link.share for link in parsed.links] == [1.0, 1.0, 1.0]  # empty share = the rest


def test_links_to_unknown_facilities_are_rejected_naming_the_row() -> None:
    links = LINKS + "Q9,P1,glass,1,1\n"
    parsed = parse_chain(FACILITIES, links)
    (problem,) = parsed.problems
    assert (problem.row, problem.field) == (5, "supplier_id")
    assert "unknown facility 'Q9'" in problem.reason
    assert len(parsed.links) == 3  # the valid rows are kept


def test_a_cycle_is_rejected_naming_every_row_of_it() -> None:
    links = LINKS + "P1,M1,modules,1,1\n"
    parsed = parse_chain(FACILITIES, links)
    (problem,) = parsed.problems
    assert problem.row == 5  # the link that closes the cycle
    assert "closes a cycle" in problem.reason
    assert "lines 2, 3, 4, 5" in problem.reason
    assert len(parsed.links) == 3


def test_a_self_link_is_rejected() -> None:
    parsed = parse_chain(FACILITIES, LINKS + "P1,P1,modules,1,1\n")
    assert [(p.row, p.field) for p in parsed.problems] == [(5, "buyer_id")]


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        ("M2,Mine Two,US,mine,-5,0,1,0,0,,", "capacity_per_day", "may not be negative"),
        ("M2,Mine Two,US,mine,5,-1,1,0,0,,", "inventory", "may not be negative"),
        ("M2,Mine Two,US,mine,5,0,1,-3,0,,", "demand_per_day", "may not be negative"),
        ("M2,Mine Two,US,mine,lots,0,1,0,0,,", "capacity_per_day", "not a number"),
        ("M2,Mine Two,Atlantis,mine,5,0,1,0,0,,", "country", "not an ISO 3166 country"),
        ("M2,Mine Two,US,mine,5,0,1,0,0,XJ,", "region", "not an ISO 3166-2"),
        ("M1,Again,US,mine,5,0,1,0,0,,", "id", "duplicate facility id"),
    ],
)
def test_bad_facility_values_are_rejected_naming_row_and_field(
    row: str, field: str, reason: str
) -> None:
    parsed = parse_chain(FACILITIES + row + "\n", LINKS)
    (problem,) = parsed.problems
    assert (problem.row, problem.field) == (6, field)
    assert reason in problem.reason
    assert "facilities.csv" in problem.reason


def test_a_row_missing_its_capacity_field_is_an_error_not_unlimited() -> None:
    short = FACILITIES + "M2,Mine Two,US,mine\n"
    parsed = parse_chain(short, LINKS)
    (problem,) = parsed.problems
    assert problem.row == 6
    assert "capacity_per_day" in problem.reason  # named among the missing fields


def test_a_file_without_the_capacity_column_is_refused() -> None:
    text = "id,name,country,kind,inventory,ttr_days,demand_per_day,unit_profit\nA,A,US,x,0,0,0,0\n"
    with pytest.raises(InvalidInput) as caught:
        parse_facilities(text)
    assert [p.field for p in caught.value.problems] == ["capacity_per_day"]


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        ("M1,P1,quartz,-2,1", "qty_per_unit", "must be positive"),
        ("M1,P1,quartz,0,1", "qty_per_unit", "must be positive"),
        ("M1,P1,quartz,2,-0.5", "share", "may not be negative"),
        ("M1,P1,quartz,2,1.5", "share", "at most 1"),
        ("M1,P1,,2,1", "material", "required"),
    ],
)
def test_bad_link_values_are_rejected(row: str, field: str, reason: str) -> None:
    parsed = parse_chain(FACILITIES, LINKS + row + "\n")
    (problem,) = parsed.problems
    assert (problem.row, problem.field) == (5, field)
    assert reason in problem.reason


def test_shares_are_settled_and_a_zero_share_is_a_backup_supplier() -> None:
    facilities = (
        FACILITIES + "M2,Mine Two,NO,mine,100,0,60,0,0,,\nM3,Mine Three,BR,mine,100,0,60,0,0,,\n"
    )
    links = LINKS + "M2,S1,quartz,2.8,0\nM3,S1,quartz,2.8,0.5\n"
    parsed = parse_chain(facilities, links)
    assert parsed.problems == []
    shares = {(x.supplier, x.material): x.share for x in parsed.links if x.buyer == "S1"}
    # M1 1 + M2 0 + M3 0.5 = 1.5: scaled to 1, with a warning; M2 stays a 0-share backup.
    assert shares[("M1", "quartz")] == pytest.approx(2 / 3)
    assert shares[("M2", "quartz")] == 0.0
    assert any("sum to 1.5" in w for w in parsed.warnings)


def test_links_of_a_rejected_facility_say_so() -> None:
    facilities = FACILITIES.replace(
        "P1,Module Assembly,US,assembly_plant,40", "P1,Module Assembly,US,assembly_plant,-40"
    )
    parsed = parse_chain(facilities, LINKS)
    reasons = [p.reason for p in parsed.problems]
    assert any("P1 was rejected" in r or "'P1' was rejected" in r for r in reasons)
    assert math.isclose(len(parsed.facilities), 3)
