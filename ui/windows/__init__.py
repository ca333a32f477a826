"""Top-level windows: one per surface (teller, back office, supervisor, kiosk, display,
software pad) and the login dialog."""
