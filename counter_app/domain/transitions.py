"""One transition table per stateful thing (case, sub-item, ticket, rating session,
follow-up, outbox row): which action is allowed in which state and where it leads.

The same table guards the use cases (an action that does not fit the state is
refused with a Chinese message) and tells the screens which buttons to enable, so
the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar


class LabelledEnum(StrEnum):
    """A StrEnum whose members carry their Chinese label:
    `ACCEPTED = "accepted", "已受理"` gives a member equal to "accepted" whose
    `.label` is 已受理."""

    _label: str

    def __new__(cls, value: str, label: str = "") -> LabelledEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label or value
        return member

    @property
    def label(self) -> str:
        return self._label


S = TypeVar("S", bound=LabelledEnum)
A = TypeVar("A", bound=LabelledEnum)


class TransitionError(ValueError):
    """An action that does not fit the current state; the message is Chinese."""


@dataclass(frozen=True)
class Transitions(Generic[S, A]):
    """(state, action) → the states the action may lead to (usually one)."""

    what: str  # what the states are of, in Chinese: 办件, 子事项, 号票 …
    table: Mapping[tuple[S, A], frozenset[S]]

    @classmethod
    def of(cls, what: str, rows: Iterable[tuple[S, A, S | Iterable[S]]]) -> Transitions[S, A]:
        table: dict[tuple[S, A], frozenset[S]] = {}
        for state, action, to in rows:
            targets = frozenset([to]) if isinstance(to, StrEnum) else frozenset(to)
            table[(state, action)] = table.get((state, action), frozenset()) | targets
        return cls(what, table)

    def allowed(self, state: S) -> tuple[A, ...]:
        """The actions possible in `state`, in declaration order (enabled buttons)."""
        return tuple(dict.fromkeys(a for (s, a) in self.table if s == state))

    def can(self, state: S, action: A) -> bool:
        return (state, action) in self.table

    def targets(self, state: S, action: A) -> frozenset[S]:
        """Where `action` may lead from `state`; refuses an action that does not fit."""
        targets = self.table.get((state, action))
        if targets is None:
            raise TransitionError(f"{self.what}当前为“{state.label}”，不能{action.label}")
        return targets

    def next(self, state: S, action: A, to: S | None = None) -> S:
        """The state after `action`; `to` picks among several possible outcomes."""
        targets = self.targets(state, action)
        if to is None:
            if len(targets) != 1:
                raise ValueError(f"{action} from {state} has several outcomes: name one")
            return next(iter(targets))
        if to not in targets:
            raise TransitionError(
                f"{self.what}当前为“{state.label}”，{action.label}后不能成为“{to.label}”"
            )
        return to

    def states(self) -> frozenset[S]:
        found: set[S] = set()
        for (state, _action), targets in self.table.items():
            found.add(state)
            found |= targets
        return frozenset(found)
