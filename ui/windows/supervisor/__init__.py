"""The supervisor view (值班长): one widget per tab (overview, handover, follow-up
ledger, outbox to the province) around a window that loads the board off the GUI
thread and, after a change in the hall, reloads only what changed."""

from ui.windows.supervisor.window import SupervisorWindow

__all__ = ["SupervisorWindow"]
