"""Accepting a 5-item bundle at the window with its papers, against a bare transaction
plus a bare one-page PDF; and the process's memory over 300 accepts.

    .venv/bin/python benchmarks/bench_accept.py [--db sqlite|postgresql://…] [--runs 100]

The case: 企业招用员工一件事 with the situations that make it five sub-items
(就业登记, 参保登记, 单位参保登记, 档案接收, 社保卡申领), every material received, the
form filled; `usecases.cases.submit_application` stores it in one transaction and
writes its papers (the receipt 受理通知书 and the others its state calls for) as the
teller window does. Baseline, in the same process: a bare transaction (one INSERT of
a row, commit) plus a bare one-page PDF (reportlab canvas, one line of text). Printed:
p50 / p95 of each, the ratio, and the RSS after the first 20 accepts and after 300
more. Targets (issue 12): p95 ≤ 100 ms on SQLite, ≤ 150 ms on PostgreSQL; RSS growth
≤ 10 MB over 300 accepts.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

BUNDLE = "370100-YJS-01"
SITUATIONS = {"first_insured": "yes", "archive": "yes", "sscard": "none", "medical": "no"}
SAMPLE = {"text": "济南某某有限公司", "date": "2026-09-01", "number": "3", "phone": "13812345678",
          "id_number": "11010519491231002X", "bank_account": "6222021234567890"}


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def application(rt, n: int):  # type: ignore[no-untyped-def]
    from counter_app.demo import PEOPLE
    from counter_app.domain.applicant import AgentInput, ApplicantInput
    from counter_app.domain.application import (
        Application,
        MaterialDecision,
        MaterialStatus,
        plan_case,
    )
    from counter_app.domain.catalogue import FieldKind

    # the employer applies, its 经办人 (one of the demo people) at the window
    person = PEOPLE[n % len(PEOPLE)]
    employer = ApplicantInput.unit("济南泉城劳务派遣有限公司", "91370102MA3C123456", "张建国",
                                   "053188881234")
    app = Application(employer, bundle_code=BUNDLE, situations=dict(SITUATIONS),
                      agent=AgentInput(person.name, person.id_number, "13905311234", "单位员工"))
    plan = plan_case(rt.deps.catalogue, app)
    app.materials = {m.code: MaterialDecision(MaterialStatus.RECEIVED) for m in plan.materials}
    app.form_values = {}
    for merged in plan.missing_fields:
        f = merged.field
        app.form_values[f.key] = (f.choices[0] if f.kind is FieldKind.CHOICE and f.choices
                                  else SAMPLE.get(f.kind.value, "测试"))
    app.credit_promise_signed = True
    return app


def bare(rt, pdf_dir: Path, n: int) -> None:  # type: ignore[no-untyped-def]
    from reportlab.pdfgen.canvas import Canvas
    from sqlalchemy import text

    with rt.write() as session:
        session.execute(text("INSERT INTO bench_bare (note) VALUES (:n)"), {"n": f"case {n}"})
    c = Canvas(str(pdf_dir / f"bare-{n}.pdf"))
    c.drawString(72, 720, f"Receipt {n}")
    c.showPage()
    c.save()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--soak", type=int, default=300)
    args = parser.parse_args(argv)
    from bench_queue import _scratch
    from sqlalchemy import text

    from counter_app.config import Settings
    from counter_app.runtime import open_runtime
    from counter_app.services.users import Role, actor_of, add_user
    from counter_app.usecases import cases

    with tempfile.TemporaryDirectory() as tmp:
        url, cleanup = (f"sqlite:///{Path(tmp) / 'accept.sqlite3'}", lambda: None) \
            if args.db == "sqlite" else _scratch(args.db)
        try:
            rt = open_runtime(url, Settings.of(db_url=url, papers_dir=str(Path(tmp) / "papers"),
                                               window_no="3"))
            with rt.uow() as session:
                actor = actor_of(add_user(session, "1001", "张敏", "secret1", Role.TELLER))
                session.execute(text("CREATE TABLE bench_bare (id INTEGER PRIMARY KEY, "
                                     "note VARCHAR(64))" if rt.engine.dialect.name == "sqlite"
                                     else "CREATE TABLE bench_bare (id SERIAL PRIMARY KEY, "
                                     "note VARCHAR(64))"))
            pdf_dir = Path(tmp) / "bare"
            pdf_dir.mkdir()

            def accept(n: int) -> int:
                done = cases.submit_application(rt, cases.SubmitApplication(
                    actor, application(rt, n), cases.Outcome.ACCEPT))
                assert not done.paper_errors, done.paper_errors
                return len(done.result.sub_items)

            first = accept(0)
            assert first == 5, first
            bare(rt, pdf_dir, 0)
            times, base = [], []
            for n in range(1, args.runs + 1):  # interleaved: the same load on both
                t = time.perf_counter()
                accept(n)
                times.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                bare(rt, pdf_dir, n)
                base.append((time.perf_counter() - t) * 1000)
            gc.collect()
            rss_before = _rss_mb()
            for n in range(args.runs + 1, args.runs + 1 + args.soak):
                accept(n)
            gc.collect()
            rss_after = _rss_mb()
            rt.close()
        finally:
            cleanup()
    times.sort()
    base.sort()

    def p95(values: list[float]) -> float:
        return values[min(len(values) - 1, int(len(values) * 0.95))]

    engine = "SQLite" if args.db == "sqlite" else "PostgreSQL"
    print(f"{engine}: bare transaction + one-page PDF (baseline): p50 "
          f"{statistics.median(base):.1f} ms, p95 {p95(base):.1f} ms")
    print(f"{engine}: accept a 5-item bundle with its papers:     p50 "
          f"{statistics.median(times):.1f} ms, p95 {p95(times):.1f} ms "
          f"({p95(times) / p95(base):.1f}× at p95; target ≤ "
          f"{100 if args.db == 'sqlite' else 150} ms)")
    print(f"RSS after {args.runs + 1} accepts {rss_before:.0f} MB, after {args.soak} more "
          f"{rss_after:.0f} MB: +{rss_after - rss_before:.1f} MB (target ≤ 10 MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
