"""Numbers typed into a rating comment or a follow-up step (an applicant leaving a
phone number for the callback) are masked on the 报告单 and in the provincial record."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import select

from counter_app.domain.rating import Reason, Satisfaction, rating_input
from counter_app.services import followup, ratings
from counter_app.services.context import Desk
from counter_app.services.hcp_export import load_profile
from counter_app.store.models import OutboxMessage
from printing.pdf import followup_report
from tests.ratings.helpers import accept_case

COMMENT = "态度差，请回电 138 1234 5678 或 13905311234，我的身份证 110105194912310021"
CALLBACK = "已回访，申请人留了新号码１３９８７６５４３２１。"
FULL = ("138 1234 5678", "13812345678", "13905311234", "110105194912310021",
        "１３９８７６５４３２１", "13987654321")


def pdf_text(data: bytes) -> str:
    return "".join("".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def test_free_text_is_masked_on_the_report_sheet_and_to_the_province(runtime, staff) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    desk = Desk(rt.settings.hall.code, "3", staff["1001"])
    case_no = accept_case(rt, desk)
    with rt.uow() as session:
        opened = ratings.open_session(session, rt.deps, desk,
                                      ratings.visit_of_case(session, case_no))
        done = ratings.record_rating(
            session, rt.deps, rt.settings, opened.id,
            rating_input(Satisfaction.DISSATISFIED, [Reason.ATTITUDE], COMMENT),
        )
    with rt.uow() as session:
        sup = followup.actor_of(session, staff["9001"])
        followup.callback(session, rt.deps, done.followup_id, sup, CALLBACK)
        sheet = followup.report_sheet_data(session, rt.deps, rt.settings, done.followup_id)
        [message] = session.scalars(select(OutboxMessage)).all()
        payload = dict(message.payload)

    text = pdf_text(followup_report.pdf_bytes(sheet))
    assert "态度差" in text and "138****5678" in text and "139****1234" in text
    assert "110105********0021" in text and "139****4321" in text
    assert not [f for f in FULL if "".join(f.split()) in text]

    sent = load_profile().record(payload)  # what goes to the province
    assert "138****5678" in payload["comment"] and "139****1234" in payload["comment"]
    body = str(sent)
    assert "态度差" in body and not [f for f in FULL if f in body]

    # a record queued before masking existed is masked when it is sent
    older = load_profile().record(dict(payload, comment=COMMENT))
    assert not [f for f in FULL if f in str(older)]
