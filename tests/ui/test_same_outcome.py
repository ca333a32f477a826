"""One application, two doors, one outcome (issue 9).

The same applicant, form, materials, promises and clock go once through the teller
window, driven by keys as a teller would, and once through `counter-app case accept
FILE --json` as an online channel hands it in. Both outcomes are then compared field
by field: what each door answered on submission (status, sub-items with their units
and due dates, the papers offered, warnings) and what each stored, read back the same
way for both (`case show CASE_NO --json`: applicant, sub-items, materials
with their promised dates, form, situations, reason, deadlines). Case numbers are
ignored (two databases number independently), and so is the channel (window / online
is the one thing that differs by design). A refusal must name the same field through
both doors and store nothing in either."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from counter_app.store.db import make_engine
from counter_app.store.models import Applicant, Case
from tests.ui.keyboard import Keys
from tests.ui.test_teller_flow import choose, fill_rest_of_form

Key = Qt.Key
CTRL, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier

# the applicant, typed in the applicant panel (Ctrl+L) and written in the JSON
ID, NAME = "11010519491231002X", "王䶮"
PHONE, ADDRESS = "13812345678", "济南市历下区泉城路1号"
RETIREMENT = "370100-YJS-07"  # 职工退休一件事 (zgtx)
# the clock of the `clock` fixture (2026-09-29 02:00 UTC), on the hall's wall clock
ACCEPTED_AT = "2026-09-29T10:00:00+08:00"
# what tests.ui.test_teller_flow.fill_rest_of_form types into the fields left empty
# once the applicant is in (sex and birth date come from the ID number); the JSON
# door gets the same values written out
FORM = {
    "applicant_name": NAME, "id_number": ID, "sex": "女", "birth_date": "1949-12-31",
    "phone": PHONE, "address": ADDRESS, "retire_type": "特殊工种提前退休",
    "work_start_date": "1970-07-01", "bank_name": "济南某机械厂",
    "bank_account": "6222021234567890", "employer_name": "济南某机械厂",
    "special_job_name": "济南某机械厂", "special_job_years": "12",
}
# the materials as the window's table shows them before the teller changes any
# (共享获取 where the item allows it, else 已收取)
MATERIALS = {"id_card": "received", "personnel_archive": "received", "photo": "shared",
             "bank_card": "received", "special_job_record": "received"}


@dataclass(frozen=True)
class Visit:
    """One application: the material the teller changes (by its digit in the
    materials table), the promises signed, and how it is submitted."""

    changed: dict[str, str] = field(default_factory=dict)  # material code → status
    credit: bool = True  # 信用承诺书 signed (Alt+X)
    tolerance: bool = False  # 容缺受理承诺书 signed (Alt+Q)
    supplement: bool = False  # 一次性告知 (Ctrl+G) rather than 受理 (Ctrl+Return)


DIGIT = {"tolerated": Key.Key_3, "missing": Key.Key_5}  # ui.panels.materials

VISITS = {
    "accepted": Visit(),
    "supplement": Visit(changed={"personnel_archive": "missing"}, supplement=True),
    "tolerated": Visit(changed={"bank_card": "tolerated"}, tolerance=True),
    "no-credit-promise": Visit(credit=False),
}


def application_json(visit: Visit) -> dict[str, Any]:
    return {
        "applicant": {"id_number": ID, "name": NAME, "phone": PHONE, "address": ADDRESS},
        "bundle": RETIREMENT,
        "situations": {"retire_type": "special"},
        "form": dict(FORM),
        "materials": {**MATERIALS, **visit.changed},
        "credit_promise": visit.credit,
        "tolerance_promise": visit.tolerance,
        "accepted_at": ACCEPTED_AT,
    }


def cli(run_cli, *args: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    """`counter-app ARGS…` in this process but off the GUI thread, where the window
    forbids database work (tests/conftest.py: COUNTER_STRICT_THREADS)."""
    done: list[tuple[int, str, str]] = []
    worker = threading.Thread(target=lambda: done.append(run_cli(*args)))
    worker.start()
    worker.join(timeout=60)
    assert done, f"counter-app {' '.join(args)} did not finish"
    return done[0]


def show(run_cli, db: str, case_no: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    code, out, err = cli(run_cli, "--db", db, "case", "show", case_no, "--json")
    assert code == 0, err
    return json.loads(out)


def stored(db: str) -> tuple[int, int]:
    """(cases, applicants) in the database."""
    engine = make_engine(db)
    with engine.connect() as conn:
        counts = tuple(int(conn.execute(select(func.count()).select_from(m)).scalar_one())
                       for m in (Case, Applicant))
    engine.dispose()
    return counts  # type: ignore[return-value]


# who and where, which differ by door and database by design
DOOR_COLUMNS = {"id", "case_no", "window_no", "teller_id", "applicant_id", "ticket_id",
                "channel"}


def case_row(db: str, case_no: str) -> dict[str, Any]:
    """The stored case row itself (the promises signed, the applicant's phone and
    address …, more than `case show` prints), without the door's columns."""
    engine = make_engine(db)
    with engine.connect() as conn:
        row = conn.execute(select(Case.__table__).where(Case.case_no == case_no)).one()
    engine.dispose()
    return {k: v for k, v in row._mapping.items() if k not in DOOR_COLUMNS}


def comparable(detail: dict[str, Any]) -> dict[str, Any]:
    """A stored case without what differs by design: its number and its channel."""
    return {k: v for k, v in detail.items() if k not in ("case_no", "channel")}


def answered(result: dict[str, Any]) -> dict[str, Any]:
    """What a door answers on submission, without the case number."""
    keep = ("status", "title", "sub_items", "warnings", "papers", "duplicate")
    return {k: result[k] for k in keep if k in result}


def through_the_window(qtbot, w, visit: Visit) -> Keys:  # type: ignore[no-untyped-def]
    """The visit by keys: applicant, item, situation, the rest of the form, the
    materials, the promises, then submit."""
    k = Keys(qtbot)
    k.press(w, Key.Key_L, CTRL)  # the applicant panel: number, name, phone, address
    k.type_here(ID)
    k.press_here(Key.Key_Tab)
    k.type_here(NAME)
    k.type(w.applicant.phone, PHONE)
    k.type(w.applicant.address, ADDRESS)
    choose(k, w, "zgtx")
    assert k.focused() is w.accept.situations.combos["retire_type"]
    k.press_here(Key.Key_2)  # 特殊工种提前退休
    fill_rest_of_form(k, w)
    assert w.accept.form.values() == FORM
    codes = [m.code for m in w.accept.materials.materials]
    assert {c: str(d.status) for c, d in w.accept.materials.decisions().items()} == MATERIALS
    for code, status in visit.changed.items():
        k.press(w, Key.Key_M, CTRL)  # the materials table, first row
        k.press_here(Key.Key_Down, times=codes.index(code))
        k.press_here(DIGIT[status])
    if visit.tolerance:
        k.press(w, Key.Key_Q, ALT)
    if visit.credit:
        k.press(w, Key.Key_X, ALT)
    assert w.accept.credit_signed.isChecked() is visit.credit
    k.press(w, Key.Key_G if visit.supplement else Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: w.last_submitted is not None or "请更正" in w.accept.message.text(),
                    timeout=20_000)
    w.runner.wait_idle()
    return k


@pytest.mark.parametrize("name", list(VISITS))
def test_the_same_application_has_the_same_outcome_through_both_doors(  # type: ignore[no-untyped-def]
        qtbot, teller_window, run_cli, tmp_path: Path, name: str) -> None:
    visit = VISITS[name]
    w = teller_window
    window_db = f"sqlite:///{tmp_path / 'counter.sqlite3'}"  # the fixture's database
    cli_db = f"sqlite:///{tmp_path / 'cli.sqlite3'}"

    through_the_window(qtbot, w, visit)
    path = tmp_path / "application.json"
    path.write_text(json.dumps(application_json(visit), ensure_ascii=False), encoding="utf-8")
    code, out, err = cli(run_cli, "--db", cli_db, "case", "accept", str(path), "--json")

    if name == "no-credit-promise":
        # the window refuses, naming the 信用承诺书 and its field; the CLI exits 2
        # naming the same field; neither stores anything
        assert w.last_submitted is None
        assert [e.field for e in w.accept.errors] == ["credit_promise"]
        assert "信用承诺书" in w.accept.message.text() or any(
            "信用承诺书" in e.message for e in w.accept.errors)
        assert code == 2 and out == "", (code, out)
        assert "credit_promise" in err and "信用承诺书" in err, err
        assert stored(window_db) == (0, 0) and stored(cli_db) == (0, 0)
        return

    assert w.last_submitted is not None, w.accept.message.text()
    assert code == 0, err
    by_window = w.last_submitted.result.as_json()
    by_cli = json.loads(out)
    assert answered(by_window) == answered(by_cli)
    assert sorted(w.last_submitted.papers) == sorted(by_cli["papers"])  # the papers offered

    kept_window = show(run_cli, window_db, by_window["case_no"])
    kept_cli = show(run_cli, cli_db, by_cli["case_no"])
    assert comparable(kept_window) == comparable(kept_cli)
    assert (kept_window["channel"], kept_cli["channel"]) == ("window", "online")
    row_window = case_row(window_db, by_window["case_no"])
    assert row_window == case_row(cli_db, by_cli["case_no"])
    assert (row_window["credit_promise"], row_window["tolerance_promise"]) == (
        visit.credit, visit.tolerance)

    # and that outcome is the one this application calls for (not merely the same
    # mistake twice): accepted 2026-09-29, the three items with their units and
    # committed due dates (held, without one, while a material is missing)
    status, papers = {"accepted": ("accepted", ["receipt", "credit"]),
                      "supplement": ("supplement", ["supplement"]),
                      "tolerated": ("accepted", ["receipt", "tolerance", "credit"])}[name]
    assert (by_cli["status"], by_cli["papers"], by_cli["warnings"]) == (status, papers, [])
    held = status == "supplement"
    assert [(s["item_code"], s["unit"], s["due_date"], s["status"])
            for s in by_cli["sub_items"]] == [
        ("370100-SB-0007", "YLK", None if held else "2026-10-19", "held" if held else "pending"),
        ("370100-SB-0008", "YLC", None if held else "2026-10-26", "held" if held else "pending"),
        ("370100-SB-0026", "YBZX", None if held else "2026-10-12", "held" if held else "pending"),
    ]
    assert kept_cli["form"] == FORM and kept_cli["applicant"]["name"] == NAME
    assert kept_cli["situations"]["retire_type"] == "special"
    assert kept_cli["supplement_deadline"] == ("2026-10-12" if held else None)
    materials = {m["code"]: (m["status"], m["promised_date"]) for m in kept_cli["materials"]}
    assert materials == {code: (status, "2026-10-19" if status == "tolerated" else None)
                         for code, status in {**MATERIALS, **visit.changed}.items()}
