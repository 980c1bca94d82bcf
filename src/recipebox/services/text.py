"""Plain-text rendering of a shopping list, for the terminal."""

from __future__ import annotations

from recipebox.domain.shopping import ShoppingLine, ShoppingList


def _line(line: ShoppingLine) -> str:
    box = "[x]" if line.checked else "[ ]"
    amount = f"{line.amount} " if line.amount else ""
    origin = ", ".join(ref.title for ref in line.recipes)
    return f"  {box} {amount}{line.name}" + (f"  ({origin})" if origin else "")


def render_shopping_list(shopping: ShoppingList) -> str:
    """The list grouped by aisle, then the staples to check at home."""
    if not shopping.total:
        return "The shopping list is empty: select some recipes first.\n"
    out = ["For: " + ", ".join(f"{r.title} ({r.servings})" for r in shopping.recipes), ""]
    for group in shopping.aisles:
        out.append(group.aisle.capitalize())
        out.extend(_line(line) for line in group.lines)
        out.append("")
    if shopping.staples:
        out.append("Check you have")
        out.extend(_line(line) for line in shopping.staples)
        out.append("")
    return "\n".join(out)
