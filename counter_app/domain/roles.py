"""Who may do what, no I/O: staff roles, the permissions each carries, and the
actor a use case is performed by.

Every use case that acts for a person takes an `Actor` (an authenticated user: the
GUI's login, or a CLI that asked for the password) and checks the permission here,
so the screens, the command line and a script all meet the same rule. Unattended
surfaces (the kiosk, an online channel delivering applications, the sweep) act as
a system actor with the few permissions they need.
"""

from __future__ import annotations

from dataclasses import dataclass

from counter_app.domain.transitions import LabelledEnum


class Role(LabelledEnum):
    TELLER = "teller", "综合柜员"
    BACKOFFICE = "backoffice", "后台经办"
    SUPERVISOR = "supervisor", "值班长"
    ADMIN = "admin", "管理员"
    SYSTEM = "system", "系统"  # kiosk, online channel, sweep: never a person's account


class Permission(LabelledEnum):
    ACCEPT_AT_WINDOW = "accept_at_window", "窗口受理"
    ACCEPT_ONLINE = "accept_online", "受理网上申请"
    SUPPLY_MATERIAL = "supply_material", "补交材料"
    HANDLE_SUB_ITEM = "handle_sub_item", "后台办结或退回子事项"
    VIEW_CASE = "view_case", "查看办件"
    VIEW_UNMASKED = "view_unmasked", "查看完整证件号码"
    SERVE_WINDOW = "serve_window", "窗口叫号"
    TAKE_TICKET = "take_ticket", "取号"
    ASK_RATING = "ask_rating", "请申请人评价"
    ADD_RATING = "add_rating", "补充评价"
    FOLLOW_UP = "follow_up", "处理差评工单"
    VIEW_REPORTS = "view_reports", "查看统计报表"
    DELIVER_OUTBOX = "deliver_outbox", "上报好差评"
    SWEEP = "sweep", "处理到期办件"
    MANAGE_USERS = "manage_users", "管理账号"
    VIEW_AUDIT = "view_audit", "查看审计记录"
    CHANGE_SETTINGS = "change_settings", "修改设置"


_P = Permission
_STAFF = {_P.VIEW_CASE, _P.SUPPLY_MATERIAL}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.TELLER: frozenset(_STAFF | {_P.ACCEPT_AT_WINDOW, _P.SERVE_WINDOW, _P.ASK_RATING,
                                     _P.TAKE_TICKET}),
    Role.BACKOFFICE: frozenset(_STAFF | {_P.HANDLE_SUB_ITEM}),
    Role.SUPERVISOR: frozenset(
        _STAFF | {_P.ACCEPT_AT_WINDOW, _P.SERVE_WINDOW, _P.ASK_RATING, _P.TAKE_TICKET,
                  _P.HANDLE_SUB_ITEM, _P.VIEW_UNMASKED, _P.FOLLOW_UP, _P.VIEW_REPORTS,
                  _P.DELIVER_OUTBOX, _P.SWEEP, _P.ADD_RATING, _P.VIEW_AUDIT}
    ),
    Role.ADMIN: frozenset(Permission),
    # the online channel also takes materials supplied later (容缺 / 补正) online
    Role.SYSTEM: frozenset({_P.ACCEPT_ONLINE, _P.SUPPLY_MATERIAL, _P.TAKE_TICKET, _P.ADD_RATING,
                            _P.DELIVER_OUTBOX, _P.SWEEP, _P.VIEW_CASE}),
}


class PermissionDenied(PermissionError):
    """The actor may not do this; the message is Chinese."""


@dataclass(frozen=True)
class Actor:
    """Who performs a use case: a logged-in staff member, or a system surface."""

    user_id: int | None
    staff_no: str
    name: str
    role: Role
    window_no: str = ""
    unit_code: str | None = None  # a back-office handler's unit

    @classmethod
    def system(cls, name: str, window_no: str = "") -> Actor:
        """The kiosk, an online channel, the sweep: acts with the SYSTEM role."""
        return cls(None, "", name, Role.SYSTEM, window_no)

    @property
    def is_person(self) -> bool:
        return self.role is not Role.SYSTEM

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise PermissionDenied(f"{self.role.label}{self.name}无权{permission.label}")

    @property
    def display(self) -> str:
        return f"{self.name}（{self.staff_no}）" if self.staff_no else self.name
