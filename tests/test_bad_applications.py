"""Malformed applications through `counter-app case accept` (in-process, both engines):
each exits 2 with a Chinese message naming the field, stores nothing, prints no
traceback and no full ID or phone number, on stdout, stderr or in the log."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from counter_app.domain.idnumber import check_char, upgrade15
from counter_app.store.db import make_engine
from counter_app.store.models import Applicant, Case, CaseCounter, CaseMaterial

GOOD_ID = "11010519491231002X"
GOOD_PHONE = "13812345678"
PERSON = {"id_number": GOOD_ID, "name": "王䶮", "phone": GOOD_PHONE}
ITEM = "370100-SB-0026"
BASE: dict[str, Any] = {"applicant": PERSON, "items": [ITEM], "materials": {"id_card": "received"}}
BIG = "王" * (10 * 1024 * 1024 // 3)  # 10 MB of UTF-8
BIG_ASCII = "a" * (10 * 1024 * 1024)


def with_id(first17: str) -> str:
    """A number whose check character is right, so only the part under test is wrong."""
    return first17 + check_char(first17)


def app(**top: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(BASE))
    data.update(top)
    return data


def person(**fields: Any) -> dict[str, Any]:
    data = app()
    data["applicant"].update(fields)
    for key, value in list(fields.items()):
        if value is DROP:
            del data["applicant"][key]
    return data


DROP = object()
OLD15 = "110105491231002"

# (case id, the file's content (JSON data, or raw bytes), the field the message names)
CASES: list[tuple[str, Any, str]] = [
    # -- the ID number: date, area, type ------------------------------------------------
    ("birth-2099", person(id_number=with_id("11010520990101002")), "applicant.id_number"),
    ("area-000000", person(id_number=with_id("00000019491231002")), "applicant.id_number"),
    ("area-no-province", person(id_number=with_id("70010519491231002")), "applicant.id_number"),
    ("area-province-only", person(id_number=with_id("11000019491231002")),
     "applicant.id_number"),
    ("type-Y-resident-no", person(id_type="Y"), "applicant.id_number"),
    ("type-J-resident-no", person(id_type="J"), "applicant.id_number"),
    ("type-resident-permit-no", person(id_number=with_id("81000019800101002")),
     "applicant.id_number"),
    ("type-I-bad-shape", person(id_type="I", id_number="AB1234"), "applicant.id_number"),
    ("type-unknown", person(id_type="X"), "applicant.id_type"),
    ("type-number", person(id_type=1), "applicant.id_type"),
    ("id-15-digit", person(id_number=OLD15), "applicant.id_number"),
    ("id-check-digit", person(id_number="110105194912310021"), "applicant.id_number"),
    ("id-born-1800", person(id_number=with_id("11010518000101002")), "applicant.id_number"),
    ("id-bad-date", person(id_number=with_id("11010519491331002")), "applicant.id_number"),
    ("id-number-type", person(id_number=110105194912310021), "applicant.id_number"),
    ("id-null", person(id_number=None), "applicant.id_number"),
    ("id-missing", person(id_number=DROP), "applicant.id_number"),
    ("id-over-column", person(id_number="1" * 33), "applicant.id_number"),
    ("id-10MB", person(id_number=BIG_ASCII), "applicant.id_number"),
    ("id-nul", person(id_number=GOOD_ID[:10] + "\x00" + GOOD_ID[10:]), "applicant.id_number"),
    # -- the name ---------------------------------------------------------------------------
    ("name-null", person(name=None), "applicant.name"),
    ("name-number", person(name=123), "applicant.name"),
    ("name-list", person(name=["王"]), "applicant.name"),
    ("name-empty", person(name=""), "applicant.name"),
    ("name-blank", person(name="   "), "applicant.name"),
    ("name-bell", person(name="王\x07䶮"), "applicant.name"),
    ("name-nul", person(name="王\x00䶮"), "applicant.name"),
    ("name-bidi-override", person(name="王\u202e䶮"), "applicant.name"),
    ("name-bidi-isolate", person(name="\u2067王䶮"), "applicant.name"),
    ("name-zero-width", person(name="王\u200b䶮"), "applicant.name"),
    ("name-newline", person(name="王\n䶮"), "applicant.name"),
    ("name-digits", person(name="王3"), "applicant.name"),
    ("name-symbol", person(name="王<b>"), "applicant.name"),
    ("name-emoji", person(name="王😀"), "applicant.name"),
    ("name-over-column", person(name="王" * 129), "applicant.name"),
    ("name-10MB", person(name=BIG), "applicant.name"),
    ("name-dot-first", person(name="·王"), "applicant.name"),
    # -- phone, sex, birth date, address, unknown keys --------------------------------------
    ("phone-short", person(phone="1381234"), "applicant.phone"),
    ("phone-number", person(phone=13812345678), "applicant.phone"),
    ("phone-10MB", person(phone="1" * (10 * 1024 * 1024)), "applicant.phone"),
    ("phone-nul", person(phone="138\x0012345678"), "applicant.phone"),
    ("sex-unknown", person(sex="X"), "applicant.sex"),
    ("sex-mismatch", person(sex="男"), "applicant.sex"),
    ("birth-field-2099", person(birth_date="2099-01-01"), "applicant.birth_date"),
    ("birth-field-mismatch", person(birth_date="1950-01-01"), "applicant.birth_date"),
    ("birth-field-bad", person(birth_date="1949-13-01"), "applicant.birth_date"),
    ("birth-field-number", person(birth_date=19491231), "applicant.birth_date"),
    ("address-over-column", person(address="街" * 256), "applicant.address"),
    ("address-nul", person(address="北京\x00西城"), "applicant.address"),
    ("applicant-unknown-key", person(ssn="x"), "applicant.ssn"),
    ("applicant-string", app(applicant="王䶮"), "applicant"),
    ("applicant-missing", {"items": [ITEM]}, "applicant"),
    # -- promises, time, channel, outcome, reason -------------------------------------------
    ("credit-string-false", app(credit_promise="false"), "credit_promise"),
    ("credit-null", app(credit_promise=None), "credit_promise"),
    ("tolerance-int", app(tolerance_promise=1), "tolerance_promise"),
    ("accepted-1900", app(accepted_at="1900-01-01T10:00:00+08:00"), "accepted_at"),
    ("accepted-2099", app(accepted_at="2099-01-01T10:00:00+08:00"), "accepted_at"),
    ("accepted-garbage", app(accepted_at="yesterday"), "accepted_at"),
    ("accepted-number", app(accepted_at=20260929), "accepted_at"),
    ("accepted-year-1", app(accepted_at="0001-01-01T00:00:00+14:00"), "accepted_at"),
    ("channel-any", app(channel="anything"), "channel"),
    ("channel-10MB", app(channel=BIG_ASCII), "channel"),
    ("channel-null", app(channel=None), "channel"),
    ("outcome-maybe", app(outcome="maybe"), "outcome"),
    ("reject-no-reason", app(outcome="reject"), "reason"),
    ("reason-10MB", app(outcome="reject", reason=BIG), "reason"),
    ("reason-nul", app(outcome="reject", reason="材料\x00不全"), "reason"),
    # -- what is applied for ----------------------------------------------------------------
    ("bundle-unknown", app(bundle="370100-YJS-99", items=[]), "bundle"),
    ("bundle-number", app(bundle=7), "bundle"),
    ("bundle-10MB", app(bundle=BIG_ASCII, items=[]), "bundle"),
    ("items-string", app(items=ITEM), "items"),
    ("items-number-inside", app(items=[ITEM, 5]), "items[2]"),
    ("items-unknown", app(items=["370100-XX-9999"]), "items"),
    ("items-too-many", app(items=[ITEM] * 51), "items"),
    ("nothing-applied-for", app(items=[]), "bundle"),
    ("situations-list", app(situations=["x"]), "situations"),
    ("situations-unknown-key", app(bundle="370100-YJS-07", items=[], situations={"nope": "x"}),
     "situations.nope"),
    ("situations-number", app(bundle="370100-YJS-07", items=[], situations={"retire_type": 1}),
     "situations.retire_type"),
    # -- materials and form -----------------------------------------------------------------
    ("material-status-bad", app(materials={"id_card": "maybe"}), "materials.id_card"),
    ("material-status-null", app(materials={"id_card": None}), "materials.id_card"),
    ("material-unknown-key", app(materials={"id_card": {"status": "received", "x": 1}}),
     "materials.id_card.x"),
    ("material-promised-bad", app(materials={"id_card": {"status": "tolerated",
                                                          "promised_date": "2026-02-30"}}),
     "materials.id_card.promised_date"),
    ("material-not-needed", app(materials={"id_card": "received", "photo": "received"}),
     "materials.photo"),
    ("material-key-nul", app(materials={"id\x00card": "received"}), "materials.id\\u0000card"),
    ("form-list", app(form=["x"]), "form"),
    ("form-10MB", app(form={"applicant_name": BIG}), "form.applicant_name"),
    ("form-nul", app(form={"applicant_name": "王\x00"}), "form.applicant_name"),
    ("form-number", app(form={"applicant_name": 5}), "form.applicant_name"),
    ("form-unknown-field", app(form={"no_such_field": "x"}), "form.no_such_field"),
    ("top-unknown-key", app(bundel="x"), "bundel"),
    ("root-list", [BASE], "(根)"),
    # -- the file itself ---------------------------------------------------------------------
    ("file-gbk", json.dumps(person(name="王敏"), ensure_ascii=False).encode("gbk"), "UTF-8"),
    ("file-deep-nesting", b"[" * 100_000 + b"]" * 100_000, "嵌套"),
    ("file-bad-json", b'{"applicant": ', "JSON"),
    ("file-empty", b"", "JSON"),
    ("file-lone-surrogate", json.dumps(person(name="\ud800王")).encode(), "applicant.name"),
]


def _write(path: Path, content: Any) -> None:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8",
                        errors="surrogatepass")


def _secrets(content: Any) -> set[str]:
    """The full ID and phone numbers a case carries: none may be printed."""
    found = {GOOD_ID, GOOD_PHONE, upgrade15(OLD15)}
    if isinstance(content, dict) and isinstance(content.get("applicant"), dict):
        for key in ("id_number", "phone"):
            value = content["applicant"].get(key)
            if isinstance(value, str | int) and 11 <= len(str(value)) <= 40:
                found.add(str(value).replace("\x00", ""))
    return found


def test_there_are_at_least_sixty_cases() -> None:
    assert len(CASES) >= 60
    assert len({c[0] for c in CASES}) == len(CASES)


def test_malformed_applications_are_refused(  # type: ignore[no-untyped-def]
    db_url: str, tmp_path: Path, run_cli, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    engine = make_engine(db_url)
    path = tmp_path / "application.json"
    failures = []
    try:
        for name, content, field in CASES:
            _write(path, content)
            caplog.clear()
            code, out, err = run_cli("--db", db_url, "case", "accept", str(path), "--json")
            with engine.connect() as conn:
                stored = [conn.execute(select(func.count()).select_from(m)).scalar_one()
                          for m in (Case, Applicant, CaseCounter, CaseMaterial)]
            printed = out + err + caplog.text
            problems = []
            if code != 2:
                problems.append(f"exit {code}")
            if out:
                problems.append("stdout not empty")
            if field not in err or "错误" not in err:
                problems.append(f"field {field!r} not named")
            if "Traceback" in printed:
                problems.append("traceback")
            if any(stored):
                problems.append(f"stored {stored}")
            leaked = [s for s in _secrets(content) if s in printed]
            if leaked:
                problems.append("personal data printed")
            if problems:
                failures.append(f"{name}: {', '.join(problems)}: {err[:300]!r}")
    finally:
        engine.dispose()
    assert failures == []


def test_an_invalid_applicant_adds_no_false_material_lines(  # type: ignore[no-untyped-def]
    sqlite_url: str, tmp_path: Path, run_cli
) -> None:
    path = tmp_path / "application.json"
    _write(path, person(name="王\x00", phone="1381234"))
    code, _, err = run_cli("--db", sqlite_url, "case", "accept", str(path))
    assert code == 2
    assert "applicant.name" in err and "applicant.phone" in err
    assert "materials" not in err and "不需要这份材料" not in err


def test_fifteen_digit_number_is_offered_the_upgrade(  # type: ignore[no-untyped-def]
    sqlite_url: str, tmp_path: Path, run_cli
) -> None:
    path = tmp_path / "application.json"
    _write(path, person(id_number=OLD15))
    code, _, err = run_cli("--db", sqlite_url, "case", "accept", str(path))
    new = upgrade15(OLD15)
    assert code == 2 and "15位" in err and "“19”" in err and f"“{new[-1]}”" in err
    assert new not in err and OLD15 not in err
    _write(path, person(id_number=new))  # the upgraded number is accepted
    code, out, err = run_cli("--db", sqlite_url, "case", "accept", str(path), "--json")
    assert code == 0, err


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        ("阿卜杜·热合曼", {}),
        ("王䶮", {}),
        ("𠀀𪚥", {}),  # CJK extension B
        ("JOHN O'BRIEN-SMITH", {"id_type": "I", "id_number": "USA123456789012"}),
    ],
)
def test_names_may_hold_dots_and_rare_characters(  # type: ignore[no-untyped-def]
    sqlite_url: str, tmp_path: Path, run_cli, name: str, fields: dict[str, str]
) -> None:
    path = tmp_path / "application.json"
    _write(path, person(name=name, **fields))
    code, out, err = run_cli("--db", sqlite_url, "case", "accept", str(path), "--json")
    assert code == 0, err
    case_no = json.loads(out)["case_no"]
    code, out, _ = run_cli("--db", sqlite_url, "case", "show", case_no, "--json")
    assert json.loads(out)["applicant"]["name"] == name


def test_permits_are_accepted_with_their_type(  # type: ignore[no-untyped-def]
    sqlite_url: str, tmp_path: Path, run_cli
) -> None:
    path = tmp_path / "application.json"
    for id_type, first17 in (("J", "81000019800101002"), ("Y", "93184019800101002")):
        _write(path, person(id_type=id_type, id_number=with_id(first17)))
        code, _, err = run_cli("--db", sqlite_url, "case", "accept", str(path), "--json")
        assert code == 0, err
