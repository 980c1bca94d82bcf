"""Exact quantities: a fraction, a decimal or a range, kept as `Fraction` so sums never drift."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class Quantity:
    """An amount: `low`, or the range `low`..`high` ("1-2 cloves")."""

    low: Fraction
    high: Fraction | None = None

    def __post_init__(self) -> None:
        # numerator: a Fraction's sign, without Fraction.__lt__'s slow general comparison.
        if self.low.numerator < 0 or (self.high is not None and self.high < self.low):
            raise ValueError(f"invalid quantity {self.low}..{self.high}")

    @property
    def is_range(self) -> bool:
        return self.high is not None and self.high != self.low

    def scaled(self, factor: Fraction) -> Quantity:
        """Return this quantity multiplied by `factor`."""
        return Quantity(self.low * factor, None if self.high is None else self.high * factor)

    def __add__(self, other: Quantity) -> Quantity:
        if self.high is None and other.high is None:
            return Quantity(self.low + other.low)
        return Quantity(
            self.low + other.low,
            (self.high if self.high is not None else self.low)
            + (other.high if other.high is not None else other.low),
        )

    def to_json(self) -> str:
        """Serialise exactly: "3/2" or "1/2-1"."""
        return str(self.low) if self.high is None else f"{self.low}-{self.high}"

    @classmethod
    def from_json(cls, text: str) -> Quantity:
        """Inverse of `to_json`."""
        low, sep, high = text.partition("-")
        return cls(_fraction(low), _fraction(high) if sep else None)


@lru_cache(maxsize=4096)
def _fraction(text: str) -> Fraction:
    """Parse "3/2" once: a shopping list reads the same few amounts many times."""
    return Fraction(text)
