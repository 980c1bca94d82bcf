"""Domain objects as the API's JSON: the shapes `schemas.py` documents, built in one place."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from recipebox.domain.lists import ListItem, Selection
from recipebox.domain.recipes import IngredientLine, Page, Recipe, RecipeSummary
from recipebox.domain.units import System, format_amount
from recipebox.domain.users import AccessToken, User

Payload = dict[str, Any]


def _time(value: datetime) -> str:
    return value.isoformat()


def line_payload(line: IngredientLine, system: System | None = None) -> Payload:
    """An ingredient line with its readable amount, converted to `system` when given."""
    amount = format_amount(line.quantity, line.unit, system)
    if line.quantity is None and line.unit is None:
        display = line.text
    else:
        display = " ".join(part for part in (amount, line.food) if part)
        if line.note:
            display += f", {line.note}"
    return {
        "text": line.text,
        "quantity": None if line.quantity is None else line.quantity.to_json(),
        "unit": line.unit,
        "food": line.food,
        "note": line.note,
        "section": line.section,
        "amount": amount,
        "display": display,
    }


def recipe_payload(
    recipe: Recipe,
    *,
    viewer: User,
    base_servings: int | None = None,
    system: System | None = None,
) -> Payload:
    """A whole recipe; `base_servings` is the stored servings when `recipe` was scaled."""
    return {
        "id": recipe.id,
        "title": recipe.title,
        "description": recipe.description,
        "servings": recipe.servings,
        "base_servings": base_servings or recipe.servings,
        "units": system,
        "ingredients": [line_payload(line, system) for line in recipe.ingredients],
        "steps": list(recipe.steps),
        "tags": list(recipe.tags),
        "source_url": recipe.source_url,
        "image_url": recipe.image_url,
        "owner_id": recipe.owner_id,
        "editable": recipe.owner_id is not None and recipe.owner_id == viewer.id,
        "created_at": _time(recipe.created_at),
        "updated_at": _time(recipe.updated_at),
    }


def summary_payload(summary: RecipeSummary) -> Payload:
    return {
        "id": summary.id,
        "title": summary.title,
        "description": summary.description,
        "servings": summary.servings,
        "tags": list(summary.tags),
        "image_url": summary.image_url,
        "owner_id": summary.owner_id,
    }


def page_payload(page: Page) -> Payload:
    return {
        "items": [summary_payload(item) for item in page.items],
        "total": page.total,
        "total_is_estimate": page.total_is_estimate,
        "page": page.page,
        "per_page": page.per_page,
        "pages": page.pages,
    }


def selection_payload(selection: Selection, title: str | None) -> Payload:
    return {
        "recipe_id": selection.recipe_id,
        "title": title,
        "servings": selection.servings,
        "added_at": _time(selection.added_at),
    }


def item_payload(item: ListItem) -> Payload:
    return {
        "id": item.id,
        "text": item.text,
        "checked": item.checked,
        "created_at": _time(item.created_at),
    }


def token_payload(token: AccessToken) -> Payload:
    return {"id": token.id, "name": token.name, "created_at": _time(token.created_at)}


def user_payload(user: User, *, authenticated_by: str) -> Payload:
    return {
        "id": user.id,
        "name": user.name,
        "display_name": user.display_name,
        "avatar_url": user.avatar_url,
        "created_at": _time(user.created_at),
        "authenticated_by": authenticated_by,
    }
