"""Per-visitor display preferences kept in the session (they need no account)."""

from __future__ import annotations

from typing import Literal, cast

from flask import request, session

from recipebox.domain.units import System

UNITS_KEY = "units"
UnitsChoice = Literal["original", "metric", "us"]
UNITS_CHOICES: tuple[tuple[UnitsChoice, str], ...] = (
    ("original", "As written"),
    ("metric", "Metric"),
    ("us", "US"),
)


def units_choice() -> UnitsChoice:
    """The units to show: `?units=` when given (and remembered), else the session's."""
    asked = request.args.get("units")
    if asked in ("original", "metric", "us"):
        if session.get(UNITS_KEY, "original") != asked:
            session[UNITS_KEY] = asked
        return cast(UnitsChoice, asked)
    stored = session.get(UNITS_KEY)
    return cast(UnitsChoice, stored) if stored in ("metric", "us") else "original"


def units_system() -> System | None:
    """The unit system to convert to, or None to keep units as written."""
    choice = units_choice()
    return None if choice == "original" else choice


def remember_units(choice: str) -> None:
    """Store a units choice posted from the settings page (ignores unknown values)."""
    if choice in ("original", "metric", "us"):
        session[UNITS_KEY] = choice
