"""Process targets for the multi-process queue tests (importable under spawn)."""

from __future__ import annotations

import time
from typing import Any


def call_until_empty(url: str, hall_code: str, window: str, barrier: Any, results: Any) -> None:
    """One window: call next until nobody is waiting; report what it called."""
    from sqlalchemy.exc import OperationalError

    from counter_app.services.queue import Hall, call_next
    from counter_app.store.db import make_engine, session_factory, unit_of_work

    engine = make_engine(url)
    sessions = session_factory(engine)
    hall = Hall(hall_code)
    with engine.connect():  # connect before the start line
        pass
    called: list[str] = []
    retries = 0
    barrier.wait()
    started = time.perf_counter()
    while True:
        try:
            with unit_of_work(sessions) as session:
                got = call_next(session, hall, window)
                number = got.ticket.number if got else None
        except OperationalError:  # SQLite: busy past the timeout; try again
            retries += 1
            continue
        if number is None:
            break
        called.append(number)
    results.put((window, called, time.perf_counter() - started, retries))
    engine.dispose()


def call_once_on_signal(url: str, hall_code: str, window: str, go: Any, done: Any) -> None:
    """Wait for `go`, call next at `window`, then report the commit time (epoch s)."""
    from counter_app.services.queue import Hall, call_next
    from counter_app.store.db import make_engine, session_factory, unit_of_work

    engine = make_engine(url)
    sessions = session_factory(engine)
    with engine.connect():
        pass
    done.put(("ready", 0.0))
    go.wait(30)
    with unit_of_work(sessions) as session:
        got = call_next(session, Hall(hall_code), window)
    done.put((got.ticket.number if got else "", time.time()))
    engine.dispose()
