"""The shift summary on a realistic morning (tickets, cases, ratings, follow-ups),
recounted from the raw rows; `report shift` as JSON, xlsx and PDF with the same
figures; the outbox, rating and follow-up commands."""

from __future__ import annotations

import io
import json
import math
from collections import Counter
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from counter_app.domain.clock import CHINA
from counter_app.domain.rating import good_levels
from counter_app.services import reports
from counter_app.store.models import Case, FollowUp, Rating, RatingSession, Ticket
from tests.printing.printing_pdf_reading import text_past_the_margin
from tests.ratings.receiver import Receiver
from tests.ratings.shift_data import populate

DAY = date(2026, 9, 29)


@pytest.fixture
def morning(runtime, clock):  # type: ignore[no-untyped-def]
    return populate(runtime, clock)


def _p90(values: list[int]) -> float:
    ordered = sorted(values)
    return float(ordered[math.ceil(0.9 * len(ordered)) - 1])


def test_summary_matches_a_count_from_raw_rows(runtime, morning) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    with rt.uow() as session:
        s = reports.shift_summary(session, rt.deps, rt.settings, DAY)
        tickets = session.scalars(select(Ticket)).all()
        cases = session.scalars(select(Case).options(selectinload(Case.items))).all()
        sessions = session.scalars(select(RatingSession)).all()
        results = {r.session_id: r for r in session.scalars(select(Rating))}
        fus = session.scalars(select(FollowUp)).all()
    served = [t for t in tickets if t.status in ("serving", "parked", "done")]
    walk_ins = [c for c in cases if c.ticket_id is None]
    visits = {f"T{t.id}" for t in served} | {f"C{c.id}" for c in walk_ins}
    visits |= {rs.visit_key for rs in sessions}
    rated_keys = {rs.visit_key for rs in sessions if results[rs.id].outcome == "rated"}
    stored = [r for r in results.values() if r.outcome == "rated"]
    good = {lv.value for lv in good_levels(True)}
    assert s.visits == len(visits) == len(sessions)
    assert s.rated == len(rated_keys)
    assert s.not_rated == len(visits) - len(rated_keys)
    assert s.participation.value == pytest.approx(len(rated_keys) / len(visits))
    assert s.good.value == pytest.approx(sum(r.satisfaction in good for r in stored) / len(stored))
    assert s.bad_ratings == sum(r.bad for r in stored) == len(fus) > 0
    assert s.tickets_taken == len(tickets)
    assert s.tickets_called == sum(t.first_called_at is not None for t in tickets)
    assert s.tickets_missed == sum(t.status == "no_show" for t in tickets) > 0
    waits = [t.wait_seconds for t in tickets if t.first_called_at and t.wait_seconds is not None]
    assert s.waiting.mean == pytest.approx(sum(waits) / len(waits))
    assert s.waiting.p90 == _p90(waits)
    services = [t.service_seconds for t in tickets if t.status == "done"]
    assert s.service.p90 == _p90(services)
    assert s.cases_accepted == len(cases)
    assert sum(n for _, n in s.cases_by_window) == len(cases)
    instant = [c for c in cases if any(i.case_kind == "instant" for i in c.items)]
    within = [c for c in instant
              if all(i.status == "done" for i in c.items if i.case_kind == "instant")
              and max(i.handled_at for i in c.items if i.case_kind == "instant")
              - c.accepted_at <= reports.INSTANT_LIMIT]
    assert s.instant_cases == len(instant) and s.instant_within_30min == len(within)
    assert sum(t.visits for t in s.tellers) == s.visits
    assert sum(t.rated for t in s.tellers) == s.rated
    assert s.followups_open == len(fus)
    assert s.callbacks_done == 1  # the first follow-up was called back
    for formula in s.formulas:
        assert "=" in formula  # every rate states how it counts


def test_window_filter(runtime, morning) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    with rt.uow() as session:
        whole = reports.shift_summary(session, rt.deps, rt.settings, DAY)
        parts = [reports.shift_summary(session, rt.deps, rt.settings, DAY, w)
                 for w in ("1", "2", "3")]
    assert sum(p.visits for p in parts) == whole.visits
    assert sum(p.rated for p in parts) == whole.rated
    assert sum(p.cases_accepted for p in parts) == whole.cases_accepted
    assert all(p.window == w for p, w in zip(parts, "123", strict=True))


def test_report_shift_xlsx_has_the_same_figures_as_json(  # type: ignore[no-untyped-def]
    runtime, morning, staff_cli, tmp_path
) -> None:
    sup = supervisor(staff_cli)
    url = runtime.engine.url.render_as_string(hide_password=False)
    code, out, err = sup("--db", url, "report", "shift", "--date", DAY.isoformat(), "--json")
    assert code == 0, err
    data = json.loads(out)
    for key in ("visits", "rated", "not_rated", "participation_rate", "good_rate", "bad_ratings",
                "callbacks_done", "cases_accepted", "instant_within_30min", "overdue"):
        assert key in data
    assert "formula" in data["participation_rate"] and "formula" in data["good_rate"]
    xlsx = tmp_path / "日报.xlsx"
    pdf = tmp_path / "日报.pdf"
    code, out, err = sup("--db", url, "report", "shift", "--date", DAY.isoformat(),
                             "--xlsx", str(xlsx), "--pdf", str(pdf))
    assert code == 0, err
    wb = load_workbook(xlsx)
    sheet = wb["汇总"]
    figures = {row[0]: row[2] for row in sheet.iter_rows(min_row=3, values_only=True) if row[0]}
    assert len(figures) >= 20
    for key, value in figures.items():
        expected = data[key]["value"] if isinstance(data[key], dict) else data[key]
        assert value == (pytest.approx(expected) if isinstance(expected, float) else expected), key
    tellers = list(wb["交接班"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[3]) for r in tellers] == [(t["name"], t["visits"]) for t in data["tellers"]]
    text = "".join("".join(p.extract_text().split()) for p in
                   PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "窗口服务值班日报" in text and "参评率=" in text
    assert text_past_the_margin(pdf.read_bytes()) == []  # every formula inside its table
    assert f"{data['participation_rate']['value'] * 100:.1f}%" in text


def test_report_shift_text_and_bad_date(runtime, morning, staff_cli) -> None:  # type: ignore[no-untyped-def]
    sup = supervisor(staff_cli)
    url = runtime.engine.url.render_as_string(hide_password=False)
    code, out, _ = sup("--db", url, "report", "shift", "--date", DAY.isoformat(),
                           "--window", "2")
    assert code == 0 and "2号窗口" in out and "参评率" in out and "［参评率 =" in out
    code, _, err = sup("--db", url, "report", "shift", "--date", "29/09/2026")
    assert code == 2 and "YYYY-MM-DD" in err


def test_outbox_and_followup_commands(  # type: ignore[no-untyped-def]
    runtime, morning, run_cli, staff_cli, monkeypatch, tmp_path
) -> None:
    sup = supervisor(staff_cli)
    url = runtime.engine.url.render_as_string(hide_password=False)
    code, out, _ = run_cli("--db", url, "outbox", "status", "--json")
    before = json.loads(out)
    assert code == 0 and before["pending"] == before["pending"] > 0
    # in words, on the hall's clock (the JSON keeps the stored moment)
    from datetime import datetime

    from counter_app.domain.clock import local

    code, out, _ = run_cli("--db", url, "outbox", "status")
    oldest = local(datetime.fromisoformat(before["oldest_pending"]))
    assert code == 0 and f"最早的待发送记录: {oldest:%Y-%m-%d %H:%M:%S}" in out, out
    assert "UTC" not in out
    code, _, err = run_cli("--db", url, "outbox", "flush")
    assert code == 2 and "hcp_url" in err
    receiver = Receiver(fail_every=0).start()
    try:
        monkeypatch.setenv("COUNTER_HCP_URL", receiver.url)
        code, out, err = run_cli("--db", url, "outbox", "flush", "--json")
    finally:
        receiver.stop()
    assert code == 0, err
    assert json.loads(out)["delivered"] == before["pending"]
    assert len(receiver.data.records) == before["pending"]

    code, out, _ = run_cli("--db", url, "followup", "list", "--json")
    ledger = json.loads(out)
    assert code == 0 and ledger
    second = [f for f in ledger if f["status"] == "open"][0]["id"]
    steps = [
        ("callback", "--what", "已回访，申请人反映材料要求多。"),
        ("verify", "--finding", "valid", "--what", "核实属实。"),
        ("rectify", "--mode", "now", "--what", "当场补充一次性告知清单。"),
        ("feedback", "--what", "已反馈申请人。"),
    ]
    for step in steps:
        code, out, err = sup("--db", url, "followup", "step", str(second), *step)
        assert code == 0, err
    code, _, err = sup("--db", url, "followup", "step", str(second), "verify",
                       "--finding", "valid", "--what", "再次核实")
    assert code == 2 and "不能核实" in err
    sheet = tmp_path / "sheet.pdf"
    code, out, err = sup("--db", url, "followup", "sheet", str(second), "--out", str(sheet))
    assert code == 0 and sheet.exists(), err
    code, out, _ = run_cli("--db", url, "rating", "list", "--date", DAY.isoformat(), "--json")
    rows = json.loads(out)
    assert Counter(r["outcome"] for r in rows)["rated"] > 0


def supervisor(staff_cli):  # type: ignore[no-untyped-def]
    """The shift's supervisor 王丽 (9001, password 123456) at the command line."""
    return lambda *args: staff_cli("9001", *args, password="123456")


def test_cases_accepted_that_day_only(runtime, morning) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    with rt.uow() as session:
        s = reports.shift_summary(session, rt.deps, rt.settings, date(2026, 9, 30))
        cases = session.scalars(select(Case)).all()
    assert s.visits == 0 and s.cases_accepted == 0 and s.participation.value is None
    assert all(c.accepted_at.astimezone(CHINA).date() == DAY for c in cases)
