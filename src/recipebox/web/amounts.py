"""Ingredient lines as the recipe page shows them, with what site.js needs to rescale them.

The page writes each amount with `format_amount`; `data-*` attributes carry the same amount
as plain numbers in the unit shown, so the servings control can rescale without a request
(site.js rounds the way `recipebox.domain.units.format_number` does).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from recipebox.domain.quantity import Quantity
from recipebox.domain.recipes import IngredientLine
from recipebox.domain.units import UNITS, System, convert, format_amount


@dataclass(frozen=True, slots=True)
class ShownLine:
    """One line of the ingredient list: a section heading or an ingredient."""

    text: str
    amount: str = ""
    note: str = ""
    heading: bool = False
    data: tuple[tuple[str, str], ...] = ()


def _number(value: Fraction) -> str:
    return f"{float(value):.6g}"


def _shown_unit(text: str, unit: str) -> str:
    """The unit key `format_amount` wrote at the end of `text` (it may have converted)."""
    dimension = UNITS[unit].dimension
    best, best_size = unit, 0
    for spec in UNITS.values():
        for name in (spec.singular, spec.plural):
            if spec.dimension == dimension and text.endswith(" " + name) and len(name) > best_size:
                best, best_size = spec.key, len(name)
    return best


def _scaling_data(line: IngredientLine, amount: str) -> tuple[tuple[str, str], ...]:
    quantity = line.quantity
    if quantity is None:
        return ()
    shown: Quantity = quantity
    one = many = ""
    kitchen = True
    if line.unit is not None:
        key = _shown_unit(amount, line.unit)
        shown = convert(quantity, line.unit, key) if key != line.unit else quantity
        spec = UNITS[key]
        one, many, kitchen = spec.singular, spec.plural, spec.system != "metric"
    data = [("low", _number(shown.low))]
    if shown.is_range and shown.high is not None:
        data.append(("high", _number(shown.high)))
    data += [("one", one), ("many", many), ("kitchen", "1" if kitchen else "0")]
    return tuple(data)


def shown_lines(lines: list[IngredientLine], system: System | None) -> list[ShownLine]:
    """Headings and ingredient lines in order, amounts written in `system`."""
    shown: list[ShownLine] = []
    section: str | None = None
    for line in lines:
        if line.section and line.section != section:
            shown.append(ShownLine(text=line.section, heading=True))
        section = line.section
        if line.quantity is None and line.unit is None:
            shown.append(ShownLine(text=line.text))
            continue
        amount = format_amount(line.quantity, line.unit, system)
        shown.append(
            ShownLine(
                text=line.food or line.text,
                amount=amount,
                note=line.note,
                data=_scaling_data(line, amount),
            )
        )
    return shown
