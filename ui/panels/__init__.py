"""Widgets that make up the windows: the teller's panels, dialogs, charts."""
