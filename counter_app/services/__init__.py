"""Use cases. A service takes what it needs (a session, a clock, the catalogue, the
calendar) as arguments and never commits: the caller's unit of work does."""
