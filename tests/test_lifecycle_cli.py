"""The case lifecycle through `counter-app case …` (in-process, both engines), papers
read back from the PDF (issue 10)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from sqlalchemy import func, select

from counter_app.domain.clock import CHINA
from counter_app.store.db import make_engine
from counter_app.store.models import Applicant, Case

PERSON = {"id_number": "11010519491231002X", "name": "王䶮", "phone": "13812345678"}
UNIT = {"kind": "unit", "name": "济南泉城劳务派遣有限公司", "credit_code": "91370102MA3C123456",
        "legal_rep": "张建国", "phone": "0531-86001234"}
CLERK = {"name": "李娜", "id_number": "370102198001011237", "phone": "13905311234",
         "relation": "单位员工"}
DISPATCH = {
    "applicant": UNIT, "agent": CLERK, "items": ["370100-LD-0001"],
    "materials": {"business_license": "shared", "dispatch_capital_proof": "received",
                  "dispatch_rules": "received", "id_card": "received",
                  "power_of_attorney": "received", "agent_id_card": "received"},
    "form": {"applicant_name": "张建国", "registered_capital": "300"},
}
RETIREMENT: dict[str, Any] = {
    "applicant": PERSON, "bundle": "370100-YJS-07",
    "situations": {"retire_type": "special", "medical": "no"},
    "materials": {"id_card": "received", "photo": "shared", "personnel_archive": "received",
                  "special_job_record": "received", "bank_card": "received"},
    "credit_promise": True, "tolerance_promise": True,
}


def days_ago(n: int) -> datetime:
    """n days ago at 10:00 China time (a time the CLI accepts: not in the future)."""
    now = datetime.now(CHINA)
    return (now - timedelta(days=n)).replace(hour=10, minute=0, second=0, microsecond=0)


def accept(run_cli, db: str, tmp: Path, data: dict) -> tuple[int, Any, str]:  # type: ignore[no-untyped-def]
    path = tmp / "application.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out, err = run_cli("--db", db, "case", "accept", str(path), "--json")
    return code, (json.loads(out) if code == 0 else None), err


def show(run_cli, db: str, case_no: str) -> dict:  # type: ignore[no-untyped-def]
    code, out, err = run_cli("--db", db, "case", "show", case_no, "--json")
    assert code == 0, err
    return json.loads(out)


def pdf_text(run_cli, db: str, case_no: str, doc: str, tmp: Path) -> str:  # type: ignore[no-untyped-def]
    out = tmp / f"{case_no}-{doc}.pdf"
    code, _, err = run_cli("--db", db, "case", "print", case_no, "--doc", doc, "--out", str(out))
    assert code == 0, err
    return "".join("".join(p.extract_text().split()) for p in PdfReader(out).pages)


def stored(db: str, model: type) -> int:
    engine = make_engine(db)
    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(model)).scalar_one()
    engine.dispose()
    return int(n)


def test_a_unit_applies_through_an_agent(db_url: str, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    code, case, err = accept(run_cli, db_url, tmp_path, DISPATCH)
    assert code == 0, err
    data = show(run_cli, db_url, case["case_no"])
    assert data["applicant"]["kind"] == "unit"
    assert data["applicant"]["credit_code"] == "91370102MA3C123456"
    assert data["agent"]["id_number"] == "370102********1237"
    text = pdf_text(run_cli, db_url, case["case_no"], "receipt", tmp_path)
    assert "申请单位" in text and "济南泉城劳务派遣有限公司" in text
    assert "91370102MA3C123456" in text  # public: in full
    assert "法定代表人" in text and "张建国" in text
    assert "单位经办人" in text and "李娜（370102********1237，单位员工）" in text
    assert "370102198001011237" not in text  # the agent's number masked
    assert "授权委托书" in text  # the agent's letter is a material of the case
    assert "申请单位（盖章）" in text


def test_a_wrong_check_character_names_the_credit_code(  # type: ignore[no-untyped-def]
    db_url: str, tmp_path: Path, run_cli
) -> None:
    bad = dict(DISPATCH, applicant=dict(UNIT, credit_code="91370102MA3C123457"))
    code, _, err = accept(run_cli, db_url, tmp_path, bad)
    assert code == 2
    assert "applicant.credit_code" in err and "校验位" in err
    assert stored(db_url, Case) == 0 and stored(db_url, Applicant) == 0


def test_tolerance_supplied_or_broken(db_url: str, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    # supplied later: the material reads received
    kept = dict(RETIREMENT, materials=dict(RETIREMENT["materials"], bank_card="tolerated"))
    code, case, err = accept(run_cli, db_url, tmp_path, kept)
    assert code == 0, err
    code, out, err = run_cli("--db", db_url, "case", "supply", case["case_no"],
                             "--material", "bank_card", "--json")
    assert code == 0, err
    bank = next(m for m in json.loads(out)["materials"] if m["code"] == "bank_card")
    assert bank["status"] == "received" and bank["supplied_at"]
    # promised for a day now past: terminated by the sweep
    start = days_ago(20)
    promised = (start + timedelta(days=3)).date().isoformat()
    late = dict(RETIREMENT, applicant=dict(PERSON, id_number="370102198001011237", name="李娜"),
                accepted_at=start.isoformat(),
                materials=dict(RETIREMENT["materials"],
                               bank_card={"status": "tolerated", "promised_date": promised}))
    code, broken, err = accept(run_cli, db_url, tmp_path, late)
    assert code == 0, err
    code, out, err = run_cli("--db", db_url, "case", "sweep", "--json")
    assert code == 0, err
    assert json.loads(out)["terminated"] == [broken["case_no"]]
    data = show(run_cli, db_url, broken["case_no"])
    assert data["status"] == "terminated" and "逾期未补交" in data["reason"]
    code, out, _ = run_cli("--db", db_url, "case", "sweep", "--json")
    assert json.loads(out)["terminated"] == []  # idempotent
    # the same applicant's next 容缺 request: refused, saying why
    again = dict(late, accepted_at=None, materials=dict(RETIREMENT["materials"],
                                                        bank_card="tolerated"))
    del again["accepted_at"]
    code, _, err = accept(run_cli, db_url, tmp_path, again)
    assert code == 2
    assert "materials.bank_card" in err and broken["case_no"] in err
    assert "不再适用容缺受理" in err


def test_supplement_accepted_or_withdrawn(db_url: str, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    code, case, err = accept(run_cli, db_url, tmp_path,
                             {"applicant": PERSON, "items": ["370100-SB-0026"]})
    assert code == 0 and case["status"] == "supplement"
    text = pdf_text(run_cli, db_url, case["case_no"], "supplement", tmp_path)
    assert "收件时间" in text and "受理时间" not in text  # not accepted yet
    code, out, err = run_cli("--db", db_url, "case", "supply", case["case_no"],
                             "--material", "id_card", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["status"] == "accepted"
    today = datetime.now(CHINA).date()
    [item] = data["sub_items"]
    assert item["status"] == "pending" and item["due_date"] > today.isoformat()
    assert data["materials_complete_at"][:10] == today.isoformat()
    receipt = pdf_text(run_cli, db_url, case["case_no"], "receipt", tmp_path)
    assert "受理时间" in receipt and "补齐全部材料" in receipt
    # unanswered: withdrawn once its deadline has passed
    old = {"applicant": PERSON, "items": ["370100-SB-0026"],
           "accepted_at": days_ago(20).isoformat()}
    code, stale, err = accept(run_cli, db_url, tmp_path, old)
    assert code == 0 and stale["status"] == "supplement", err
    code, out, err = run_cli("--db", db_url, "case", "sweep", "--json")
    assert code == 0, err
    assert json.loads(out)["withdrawn"] == [stale["case_no"]]
    assert show(run_cli, db_url, stale["case_no"])["status"] == "withdrawn"


def test_online_money_without_promise_and_duplicates(  # type: ignore[no-untyped-def]
    db_url: str, tmp_path: Path, run_cli
) -> None:
    unpromised = dict(RETIREMENT, credit_promise=False, channel="online")
    code, _, err = accept(run_cli, db_url, tmp_path, unpromised)
    assert code == 2 and "credit_promise" in err and "信用承诺书" in err
    assert stored(db_url, Case) == 0
    once = dict(RETIREMENT, application_id="WS-2026-000042")
    code, first, err = accept(run_cli, db_url, tmp_path, once)
    assert code == 0 and first["duplicate"] is False, err
    code, second, err = accept(run_cli, db_url, tmp_path, once)
    assert code == 0, err
    assert second["case_no"] == first["case_no"] and second["duplicate"] is True
    assert stored(db_url, Case) == 1


def test_sick_retirement_waits_and_the_receipt_says_why(  # type: ignore[no-untyped-def]
    db_url: str, tmp_path: Path, run_cli
) -> None:
    sick = dict(RETIREMENT, situations={"retire_type": "illness", "medical": "no"},
                materials={"id_card": "received", "photo": "shared",
                           "personnel_archive": "received", "bank_card": "received",
                           "medical_records": "received", "appraisal_conclusion": "received"})
    code, case, err = accept(run_cli, db_url, tmp_path, sick)
    assert code == 0, err
    items = {s["item_code"]: s for s in case["sub_items"]}
    assert items["370100-SB-0009"]["status"] == "waiting"
    assert items["370100-SB-0009"]["waits_for"] == ["370100-SB-0010"]
    assert items["370100-SB-0009"]["due_date"] is None
    text = pdf_text(run_cli, db_url, case["case_no"], "receipt", tmp_path)
    assert "分段办理" in text and "前置事项办结后起算" in text
    # each item's own legal basis, not one generic sentence
    assert "《工伤保险条例》第二十三条至第二十五条" in text  # 劳动能力鉴定
    assert "《中华人民共和国社会保险法》第十六条" in text  # 养老待遇
    assert "相关法律、法规、规章及本地经办规程" not in text
    assert "按工作日计算的，法定节假日和休息日不计入" in text  # mixed units: both rules
    assert "按自然日计算的" in text  # 劳动能力鉴定: 40 natural days


def test_the_rejection_notice(db_url: str, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    refused = {"applicant": PERSON, "items": ["370100-SB-0007"], "outcome": "reject",
               "reason": "未达到法定退休年龄", "credit_promise": True,
               "materials": {"id_card": "received"}}
    code, case, err = accept(run_cli, db_url, tmp_path, refused)
    assert code == 0, err
    assert [s["item_code"] for s in case["sub_items"]] == ["370100-SB-0007"]
    text = pdf_text(run_cli, db_url, case["case_no"], "rejection", tmp_path)
    assert "基本养老保险待遇申领" in text and "370100-SB-0007" in text  # the item
    assert "未达到法定退休年龄" in text
    assert "六十日内向济南市历下区人民政府申请行政复议" in text
    assert "六个月内向济南市历下区人民法院提起行政诉讼" in text
    assert "济南市历下区人力资源和社会保障局" in text  # issued by the organ
    assert "收件时间" in text and "受理时间" not in text
