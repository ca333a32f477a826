"""快办柜台 core: domain rules, services, storage and the headless CLI (no Qt here)."""

__version__ = "0.1.0"
