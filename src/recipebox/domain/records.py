"""JSON-ready records for every entity: the one format of exports, copy-data and remote calls."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from recipebox.domain.lists import ListItem, Selection
from recipebox.domain.quantity import Quantity
from recipebox.domain.recipes import IngredientLine, Recipe
from recipebox.domain.users import AccessToken, Identity, User

Record = dict[str, Any]


def _time(value: datetime) -> str:
    return value.isoformat()


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def line_to_record(line: IngredientLine) -> Record:
    return {
        "text": line.text,
        "quantity": None if line.quantity is None else line.quantity.to_json(),
        "unit": line.unit,
        "food": line.food,
        "note": line.note,
        "section": line.section,
    }


def line_from_record(rec: Record) -> IngredientLine:
    quantity = rec.get("quantity")
    return IngredientLine(
        text=rec["text"],
        quantity=None if quantity is None else Quantity.from_json(quantity),
        unit=rec.get("unit"),
        food=rec.get("food", ""),
        note=rec.get("note", ""),
        section=rec.get("section"),
    )


def recipe_to_record(recipe: Recipe) -> Record:
    return {
        "id": recipe.id,
        "title": recipe.title,
        "description": recipe.description,
        "servings": recipe.servings,
        "ingredients": [line_to_record(line) for line in recipe.ingredients],
        "steps": list(recipe.steps),
        "tags": list(recipe.tags),
        "source_url": recipe.source_url,
        "image_url": recipe.image_url,
        "owner_id": recipe.owner_id,
        "created_at": _time(recipe.created_at),
        "updated_at": _time(recipe.updated_at),
    }


def recipe_from_record(rec: Record) -> Recipe:
    return Recipe(
        id=rec["id"],
        title=rec["title"],
        description=rec.get("description", ""),
        servings=int(rec["servings"]),
        ingredients=[line_from_record(line) for line in rec.get("ingredients", [])],
        steps=list(rec.get("steps", [])),
        tags=list(rec.get("tags", [])),
        source_url=rec.get("source_url"),
        image_url=rec.get("image_url"),
        owner_id=rec.get("owner_id"),
        created_at=_parse_time(rec["created_at"]),
        updated_at=_parse_time(rec["updated_at"]),
    )


def user_to_record(user: User) -> Record:
    return {
        "id": user.id,
        "name": user.name,
        "display_name": user.display_name,
        "avatar_url": user.avatar_url,
        "created_at": _time(user.created_at),
    }


def user_from_record(rec: Record) -> User:
    return User(
        id=rec["id"],
        name=rec["name"],
        display_name=rec.get("display_name", ""),
        avatar_url=rec.get("avatar_url"),
        created_at=_parse_time(rec["created_at"]),
    )


def identity_to_record(identity: Identity) -> Record:
    return {"provider": identity.provider, "subject": identity.subject, "user_id": identity.user_id}


def identity_from_record(rec: Record) -> Identity:
    return Identity(provider=rec["provider"], subject=rec["subject"], user_id=rec["user_id"])


def selection_to_record(user_id: str, selection: Selection) -> Record:
    return {
        "user_id": user_id,
        "recipe_id": selection.recipe_id,
        "servings": selection.servings,
        "added_at": _time(selection.added_at),
    }


def selection_from_record(rec: Record) -> tuple[str, Selection]:
    return rec["user_id"], Selection(
        recipe_id=rec["recipe_id"],
        servings=int(rec["servings"]),
        added_at=_parse_time(rec["added_at"]),
    )


def item_to_record(item: ListItem) -> Record:
    return {
        "id": item.id,
        "user_id": item.user_id,
        "text": item.text,
        "checked": item.checked,
        "created_at": _time(item.created_at),
    }


def item_from_record(rec: Record) -> ListItem:
    return ListItem(
        id=rec["id"],
        user_id=rec["user_id"],
        text=rec["text"],
        checked=bool(rec["checked"]),
        created_at=_parse_time(rec["created_at"]),
    )


def token_to_record(token: AccessToken) -> Record:
    return {
        "id": token.id,
        "user_id": token.user_id,
        "name": token.name,
        "token_hash": token.token_hash,
        "created_at": _time(token.created_at),
    }


def token_from_record(rec: Record) -> AccessToken:
    return AccessToken(
        id=rec["id"],
        user_id=rec["user_id"],
        name=rec["name"],
        token_hash=rec["token_hash"],
        created_at=_parse_time(rec["created_at"]),
    )
