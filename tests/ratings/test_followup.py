"""Done-when #3: a bad rating walks the whole loop to the 政务服务差评事项核查整改情况
报告单, whose text read back holds the case number, the rating, the callback and the
rectification. Plus deadlines in working days, the appeal path, and the alert that
reaches a supervisor on another PC within seconds."""

from __future__ import annotations

import io
import threading
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader

from counter_app.config import Settings
from counter_app.domain.rating import Reason, Satisfaction, rating_input
from counter_app.infra import hall_listener
from counter_app.runtime import open_runtime
from counter_app.services import followup, ratings, reports
from counter_app.services.context import Desk
from counter_app.services.followup import FollowUpError, Sla
from printing.pdf import followup_report
from tests.printing.printing_pdf_reading import text_past_the_margin
from tests.ratings.helpers import accept_case

CALLBACK = "电话回访申请人王女士，反映窗口人员解释政策不耐心。"
VERIFY = "调取窗口录像并询问经办人，答复语气生硬，情况属实。"
RECTIFY = "对经办人进行批评教育，组织全员文明服务培训。"
FEEDBACK = "已电话告知申请人整改情况，申请人表示认可。"


def bad_rating(rt, staff, level=Satisfaction.DISSATISFIED, comment=""):  # type: ignore[no-untyped-def]
    desk = Desk(rt.settings.hall.code, "3", staff["1001"])
    case_no = accept_case(rt, desk)
    with rt.uow() as session:
        opened = ratings.open_session(session, rt.deps, desk,
                                      ratings.visit_of_case(session, case_no))
        done = ratings.record_rating(session, rt.deps, rt.settings, opened.id,
                                     rating_input(level, [Reason.ATTITUDE], comment))
    assert done.followup_id is not None
    return case_no, done.followup_id


def pdf_text(data: bytes) -> str:
    return "".join("".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def test_bad_rating_walks_the_loop_to_the_report_sheet(runtime, staff, clock, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    case_no, fid = bad_rating(rt, staff)
    with rt.uow() as session:
        sup = followup.actor_of(session, staff["9001"])
        row = followup.get_row(session, rt.deps, rt.settings, fid)
        assert row.status == followup.Status.OPEN and row.real_name
        # Tuesday 2026-09-29 + 5 working days across National Day → Monday 10-12
        assert row.rectify_due == date(2026, 10, 12)
        with pytest.raises(FollowUpError):  # verification before a callback
            followup.verify(session, rt.deps, fid, sup, "valid", VERIFY)
    clock.now += timedelta(hours=1)
    with rt.uow() as session:
        followup.callback(session, rt.deps, fid, sup, CALLBACK)
    clock.now += timedelta(hours=2)
    with rt.uow() as session:
        followup.verify(session, rt.deps, fid, sup, "valid", VERIFY)
        with pytest.raises(FollowUpError):  # a valid finding cannot be appealed
            followup.appeal(session, rt.deps, fid, sup, "误评")
    with rt.uow() as session:  # … nor offered (the 申诉 button stays off)
        assert "appeal" not in followup.get_row(session, rt.deps, rt.settings, fid).next_actions
    clock.now += timedelta(days=1)
    with rt.uow() as session:
        followup.rectify(session, rt.deps, rt.settings, fid, sup, "ledger", RECTIFY,
                         deadline=date(2026, 10, 9))
    with rt.uow() as session:
        row = followup.get_row(session, rt.deps, rt.settings, fid)
        assert row.status_label == "整改中" and row.rectify_due == date(2026, 10, 9)
    clock.now = datetime(2026, 10, 8, 3, 0, tzinfo=UTC)  # after the holiday
    with rt.uow() as session:
        followup.rectify_done(session, rt.deps, rt.settings, fid, sup,
                              "培训已完成，经办人已调整岗位。")
        followup.feedback(session, rt.deps, fid, sup, FEEDBACK)
    with rt.uow() as session:
        row = followup.get_row(session, rt.deps, rt.settings, fid)
        assert row.status == followup.Status.CLOSED
        # 5 working days after Thursday 10-08: 09, Saturday 10 (调休), 12, 13, 14
        assert row.report_due == date(2026, 10, 14)
        assert row.sla is Sla.OK and "报告单" in row.sla_text
        # fed back, but not 已办结 while the 报告单 is still to be sent
        assert row.status_label == "已反馈·待报送报告单"
        data = followup.report_sheet_data(session, rt.deps, rt.settings, fid)
        followup.mark_reported(session, rt.deps, fid, sup)
    with rt.uow() as session:
        assert followup.get_row(session, rt.deps, rt.settings, fid).status_label == "已办结"
    who = [s.actor for s in row.steps if s.kind != "opened"]
    assert who and all(a == "王丽" for a in who)  # who did each step is recorded
    assert [s.kind for s in row.steps] == ["opened", "callback", "verify", "rectify",
                                           "rectify_done", "feedback"]

    path = followup_report.render(data, tmp_path / "报告单.pdf")
    text = pdf_text(path.read_bytes())
    assert followup_report.TITLE in text
    assert case_no in text
    assert "不满意" in text and "服务态度差" in text
    assert "".join(CALLBACK.split()) in text
    assert "".join(RECTIFY.split()) in text and "列入台账限期整改" in text
    assert "".join(FEEDBACK.split()) in text
    assert "11010519491231002X" not in text  # masked on paper
    assert text_past_the_margin(path.read_bytes()) == []

    # The day's report counts the loop.
    with rt.uow() as session:
        s = reports.shift_summary(session, rt.deps, rt.settings, date(2026, 9, 29))
    assert s.bad_ratings == 1 and s.callbacks_done == 1
    assert (s.callback_rate.numerator, s.callback_rate.denominator) == (1, 1)
    assert (s.rectify_rate.numerator, s.timely_rate.numerator) == (1, 1)


def test_wrong_rating_is_appealed_and_not_adopted(runtime, staff) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    _, fid = bad_rating(rt, staff, Satisfaction.VERY_DISSATISFIED, "按错了")
    with rt.uow() as session:
        sup = followup.actor_of(session, staff["9001"])
        followup.callback(session, rt.deps, fid, sup, "申请人称误触评价器。")
        followup.verify(session, rt.deps, fid, sup, "wrong", "申请人确认误评。")
        assert "appeal" in followup.get_row(session, rt.deps, rt.settings, fid).next_actions
        followup.appeal(session, rt.deps, fid, sup, "申请人书面确认误评，申请复核。")
        followup.review_appeal(session, rt.deps, rt.settings, fid, sup, True,
                               "申诉成立，不予采纳。")
        row = followup.get_row(session, rt.deps, rt.settings, fid)
        assert row.status == followup.Status.NOT_ADOPTED
        assert row.report_due is not None
        followup.feedback(session, rt.deps, fid, sup, "已告知申请人。")
        data = followup.report_sheet_data(session, rt.deps, rt.settings, fid)
    text = pdf_text(followup_report.pdf_bytes(data))
    assert "误评" in text and "申诉成立" in text


def test_unreached_callback_keeps_it_open_and_deadlines_turn_red(runtime, staff, clock) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    _, fid = bad_rating(rt, staff)
    with rt.uow() as session:
        sup = followup.actor_of(session, staff["9001"])
        followup.callback(session, rt.deps, fid, sup, "电话无人接听。", reached=False)
        assert followup.awaiting_callback(session, rt.settings.hall.code) == 1
        assert followup.awaiting_callback(session, rt.settings.hall.code, staff["1001"]) == 1
    clock.now = datetime(2026, 10, 10, 2, 0, tzinfo=UTC)  # 调休 Saturday: one day left
    with rt.uow() as session:
        row = followup.get_row(session, rt.deps, rt.settings, fid)
        assert row.sla is Sla.DUE_SOON and not row.callback_done
    clock.now = datetime(2026, 10, 13, 2, 0, tzinfo=UTC)
    with rt.uow() as session:
        row = followup.get_row(session, rt.deps, rt.settings, fid)
        assert row.sla is Sla.OVERDUE and "逾期" in row.sla_text
        s = reports.shift_summary(session, rt.deps, rt.settings, date(2026, 9, 29))
    assert s.followups_overdue == 1 and s.callbacks_done == 0
    assert (s.callback_rate.numerator, s.callback_rate.denominator) == (0, 1)


def test_deadlines_are_configurable(db_url, clock) -> None:  # type: ignore[no-untyped-def]
    from tests.ratings.helpers import add_staff

    rt = open_runtime(db_url, Settings.of(db_url=db_url, followup_rectify_days=10), clock=clock)
    try:
        staff = add_staff(rt)
        _, fid = bad_rating(rt, staff)
        with rt.uow() as session:
            row = followup.get_row(session, rt.deps, rt.settings, fid)
        assert row.rectify_due == date(2026, 10, 19)  # Taiyuan's 10 working days
    finally:
        rt.close()


def test_a_bad_rating_needs_a_reason() -> None:
    from counter_app.domain.rating import RatingError, RatingInput

    with pytest.raises(RatingError):
        RatingInput(Satisfaction.DISSATISFIED)
    assert rating_input("不满意", comment="等太久").comment == "等太久"
    assert rating_input(Satisfaction.SATISFIED, [Reason.SLOW]).reasons == ()
    # a reason by its words as well as its code; an unknown one named, with the list
    assert rating_input("不满意", ["办事效率低、等候时间长", "attitude"]).reasons == (
        Reason.SLOW, Reason.ATTITUDE)
    with pytest.raises(RatingError, match="未知的差评原因“办理慢”，可用：attitude（服务态度差）"):
        rating_input("不满意", ["办理慢"])


def test_supervisor_on_another_pc_is_alerted_within_seconds(runtime, staff) -> None:  # type: ignore[no-untyped-def]
    """Two runtimes on one database stand for two PCs: the supervisor's listener wakes
    when the teller's bad rating commits, and the alert names the window."""
    rt = runtime
    url = rt.engine.url.render_as_string(hide_password=False)
    other = open_runtime(url, Settings.of(db_url=url), clock=rt.deps.clock)
    listener = hall_listener.open_listener(other.engine)
    try:
        with other.uow() as session:
            last = followup.last_followup_id(session, other.settings.hall.code)
        listener.wait(0.01)  # prime
        woke = threading.Event()

        def watch() -> None:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                if listener.wait(0.5):
                    with other.uow() as session:
                        if followup.alerts_since(session, other.settings.hall.code, last):
                            woke.set()
                            return

        thread = threading.Thread(target=watch)
        thread.start()
        time.sleep(0.2)
        started = time.monotonic()
        bad_rating(rt, staff)
        thread.join(12)
        assert woke.is_set() and time.monotonic() - started < 5
        with other.uow() as session:
            alerts = followup.alerts_since(session, other.settings.hall.code, last)
        assert alerts[0].window_no == "3" and alerts[0].level == "不满意"
        assert alerts[0].teller == "张敏"
    finally:
        listener.close()
        other.close()


def test_add_rating_within_five_working_days(runtime, staff, clock) -> None:  # type: ignore[no-untyped-def]
    rt = runtime
    desk = Desk(rt.settings.hall.code, "1", staff["1001"])
    case_no = accept_case(rt, desk)
    with rt.uow() as session:
        opened = ratings.open_session(session, rt.deps, desk,
                                      ratings.visit_of_case(session, case_no))
        ratings.record_not_rated(session, rt.deps, opened.id, ratings.NotRatedCause.TIMEOUT)
    clock.now = datetime(2026, 10, 12, 2, 0, tzinfo=UTC)  # the 5th working day
    with rt.uow() as session:
        done = ratings.add_rating(session, rt.deps, rt.settings, case_no,
                                  rating_input(Satisfaction.VERY_SATISFIED))
        row = session.get(ratings.Rating, done.rating_id)
        assert row.session.assess_number == 2 and row.session.channel == "online"
    with pytest.raises(ratings.RatingError), rt.uow() as session:  # only once
        ratings.add_rating(session, rt.deps, rt.settings, case_no,
                           rating_input(Satisfaction.SATISFIED))
    case2 = accept_case(rt, desk, at=datetime(2026, 10, 12, 1, 0, tzinfo=UTC))
    clock.now = datetime(2026, 10, 20, 2, 0, tzinfo=UTC)  # 6 working days later
    with pytest.raises(ratings.RatingError, match="5个工作日"), rt.uow() as session:
        ratings.add_rating(session, rt.deps, rt.settings, case2,
                           rating_input(Satisfaction.SATISFIED))
    with rt.uow() as session:
        s = reports.shift_summary(session, rt.deps, rt.settings, date(2026, 9, 29))
    assert s.visits == 1 and s.rated == 1  # the added rating counts for its visit


def test_one_result_per_session_is_a_database_constraint(runtime, staff) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy.exc import IntegrityError

    rt = runtime
    desk = Desk(rt.settings.hall.code, "1", staff["1001"])
    case_no = accept_case(rt, desk)
    with rt.uow() as session:
        opened = ratings.open_session(session, rt.deps, desk,
                                      ratings.visit_of_case(session, case_no))
        done = ratings.record_rating(session, rt.deps, rt.settings, opened.id,
                                     rating_input(Satisfaction.SATISFIED))
    with pytest.raises(ratings.AlreadyRecorded), rt.uow() as session:
        ratings.record_not_rated(session, rt.deps, opened.id, ratings.NotRatedCause.TIMEOUT)
    with pytest.raises(IntegrityError), rt.uow() as session:  # even bypassing the service
        first = session.get(ratings.Rating, done.rating_id)
        session.add(ratings.Rating(
            session_id=first.session_id, outcome="not_rated", cause="timeout",
            hall_code=first.hall_code, day=first.day, recorded_at=first.recorded_at))
        session.flush()
