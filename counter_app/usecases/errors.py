"""Which failures are meant for the person at the screen or the keyboard.

A use case refuses bad input or an action that does not fit with an exception
carrying a Chinese message (naming the field or the state). Anything else is a
fault: it is logged, and the person sees a short message without its details (a
driver's message may quote the SQL and its personal data).
"""

from __future__ import annotations

from counter_app.config import SettingsError
from counter_app.domain.application import ApplicationError
from counter_app.domain.queue import QueueError
from counter_app.domain.rating import RatingError
from counter_app.domain.roles import PermissionDenied
from counter_app.domain.transitions import TransitionError
from counter_app.services.backoffice import BackOfficeError
from counter_app.services.followup import FollowUpError
from counter_app.services.lifecycle import LifecycleError
from counter_app.services.papers import PaperError
from counter_app.services.users import UserError
from counter_app.store.hall_roles import HallRoleError
from counter_app.usecases.cases import CaseNotFound
from counter_app.usecases.outbox import NotConfigured

USER_ERRORS: tuple[type[BaseException], ...] = (
    ApplicationError, QueueError, RatingError, PermissionDenied, TransitionError,
    BackOfficeError, FollowUpError, PaperError, UserError, CaseNotFound, NotConfigured,
    SettingsError, HallRoleError, LifecycleError,
)

FAULT_MESSAGE = "操作失败，未保存。请重试；如仍失败，请联系技术人员（详情已记录在日志中）"


def is_user_error(exc: BaseException) -> bool:
    return isinstance(exc, USER_ERRORS)


def user_message(exc: BaseException) -> str:
    """What to show: the Chinese reason of a refusal, or a short fault message."""
    if isinstance(exc, ApplicationError):
        return "请更正：" + "；".join(e.message for e in exc.errors)
    if is_user_error(exc):
        return str(exc)
    from sqlalchemy.exc import OperationalError

    if isinstance(exc, OperationalError):
        return "无法连接数据库，请检查网络或联系技术人员；已填写的内容仍在窗口中"
    return FAULT_MESSAGE
