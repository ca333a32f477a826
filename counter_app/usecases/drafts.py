"""The teller's unfinished visit (a draft): saved as it is typed, offered again when
the window starts, removed once the visit is submitted or discarded. No database:
the draft lives in a file under the app's data folder (counter_app.infra.drafts)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from counter_app.config import data_dir
from counter_app.domain.roles import Actor
from counter_app.infra.drafts import DraftStore, draft_path
from counter_app.runtime import Runtime


def draft_store(rt: Runtime, actor: Actor, folder: Path | None = None) -> DraftStore:
    hall = rt.settings.hall
    return DraftStore(draft_path(folder or data_dir(), rt.db_url, hall.window_no,
                                 actor.staff_no))


def save_draft(store: DraftStore, data: dict[str, Any]) -> None:
    store.save(data)


def load_draft(store: DraftStore) -> dict[str, Any] | None:
    return store.load()


def discard_draft(store: DraftStore) -> None:
    store.discard()
