"""What the teller's Submit does in one background call: store the outcome in one
transaction, then write its papers as PDFs (a paper that fails to render never
undoes the stored case; it can be printed again from the case list)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from counter_app.domain.application import Application
from counter_app.runtime import Runtime
from counter_app.services import acceptance, papers
from counter_app.services.acceptance import AcceptResult
from counter_app.services.backoffice import find_case

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Submitted:
    result: AcceptResult
    papers: dict[str, Path]
    paper_errors: dict[str, str] = field(default_factory=dict)


def submit(
    rt: Runtime,
    teller_id: int | None,
    app: Application,
    outcome: str = "accept",
    reason: str = "",
    ticket_id: int | None = None,
) -> Submitted:
    desk = rt.desk(teller_id, ticket_id)
    with rt.uow() as session:
        if outcome == "accept":
            result = acceptance.accept(session, rt.deps, desk, app)
        elif outcome == "supplement":
            result = acceptance.supplement(session, rt.deps, desk, app, rt.settings.supplement_days)
        elif outcome == "reject":
            result = acceptance.reject(session, rt.deps, desk, app, reason)
        else:
            raise ValueError(outcome)
    written, errors = render_papers(rt, result.case_no)
    return Submitted(result, written, errors)


def render_papers(
    rt: Runtime, case_no: str, docs: tuple[str, ...] | None = None
) -> tuple[dict[str, Path], dict[str, str]]:
    """Write the case's papers to the papers folder; returns paths and failures."""
    folder = rt.settings.effective_papers_dir / case_no
    written: dict[str, Path] = {}
    errors: dict[str, str] = {}
    with rt.uow() as session:
        case = find_case(session, case_no)
        if case is None:
            raise papers.PaperError(f"未找到办件 {case_no}")
        for doc in docs or papers.available_papers(case):
            try:
                written[doc] = papers.render(case, rt.settings, doc, folder / f"{doc}.pdf")
            except Exception as exc:  # one bad paper must not hide the others
                log.exception("paper %s of %s failed", doc, case_no)
                errors[doc] = str(exc)
    return written, errors
