"""Domain objects to table rows and back: the one place that knows both shapes."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from recipebox.domain.lists import ListItem, Selection
from recipebox.domain.recipes import Recipe, RecipeSummary
from recipebox.domain.records import line_from_record, line_to_record
from recipebox.domain.users import AccessToken, Identity, User
from recipebox.store.sql.schema import (
    AccessTokenRow,
    IdentityRow,
    ListItemRow,
    RecipeRow,
    SelectionRow,
    UserRow,
)

Values = dict[str, Any]
AnyRow = sa.Row[*tuple[Any, ...]]

RECIPE_COLUMNS = (
    RecipeRow.id,
    RecipeRow.title,
    RecipeRow.description,
    RecipeRow.servings,
    RecipeRow.ingredients,
    RecipeRow.steps,
    RecipeRow.tags,
    RecipeRow.source_url,
    RecipeRow.image_url,
    RecipeRow.owner_id,
    RecipeRow.created_at,
    RecipeRow.updated_at,
)
SUMMARY_COLUMNS = (
    RecipeRow.id,
    RecipeRow.title,
    RecipeRow.description,
    RecipeRow.servings,
    RecipeRow.tags,
    RecipeRow.image_url,
    RecipeRow.owner_id,
)
USER_COLUMNS = (
    UserRow.id,
    UserRow.name,
    UserRow.display_name,
    UserRow.avatar_url,
    UserRow.created_at,
)
SELECTION_COLUMNS = (SelectionRow.recipe_id, SelectionRow.servings, SelectionRow.added_at)
ITEM_COLUMNS = (
    ListItemRow.id,
    ListItemRow.user_id,
    ListItemRow.text,
    ListItemRow.checked,
    ListItemRow.created_at,
)
TOKEN_COLUMNS = (
    AccessTokenRow.id,
    AccessTokenRow.user_id,
    AccessTokenRow.name,
    AccessTokenRow.token_hash,
    AccessTokenRow.created_at,
)
IDENTITY_COLUMNS = (IdentityRow.provider, IdentityRow.subject, IdentityRow.user_id)


def recipe_values(recipe: Recipe) -> Values:
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
        "created_at": recipe.created_at,
        "updated_at": recipe.updated_at,
    }


def search_values(recipe: Recipe) -> Values:
    """The recipe's words for the full-text index; keywords are its foods and tags."""
    foods = [line.food for line in recipe.ingredients if line.food]
    return {
        "recipe_id": recipe.id,
        "title": recipe.title,
        "description": recipe.description,
        "keywords": " ".join(foods + recipe.tags),
    }


def tag_values(recipe: Recipe) -> list[Values]:
    return [
        {"recipe_id": recipe.id, "tag": tag, "created_at": recipe.created_at}
        for tag in dict.fromkeys(recipe.tags)
    ]


def recipe_from_row(row: AnyRow) -> Recipe:
    return Recipe(
        id=row.id,
        title=row.title,
        description=row.description,
        servings=row.servings,
        ingredients=[line_from_record(line) for line in row.ingredients],
        steps=list(row.steps),
        tags=list(row.tags),
        source_url=row.source_url,
        image_url=row.image_url,
        owner_id=row.owner_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def summary_from_row(row: AnyRow) -> RecipeSummary:
    return RecipeSummary(
        id=row.id,
        title=row.title,
        description=row.description,
        servings=row.servings,
        tags=tuple(row.tags),
        image_url=row.image_url,
        owner_id=row.owner_id,
    )


def user_values(user: User) -> Values:
    return {
        "id": user.id,
        "name": user.name,
        "display_name": user.display_name,
        "avatar_url": user.avatar_url,
        "created_at": user.created_at,
    }


def user_from_row(row: AnyRow) -> User:
    return User(
        id=row.id,
        name=row.name,
        display_name=row.display_name,
        avatar_url=row.avatar_url,
        created_at=row.created_at,
    )


def identity_values(identity: Identity) -> Values:
    return {"provider": identity.provider, "subject": identity.subject, "user_id": identity.user_id}


def identity_from_row(row: AnyRow) -> Identity:
    return Identity(provider=row.provider, subject=row.subject, user_id=row.user_id)


def selection_values(user_id: str, selection: Selection) -> Values:
    return {
        "user_id": user_id,
        "recipe_id": selection.recipe_id,
        "servings": selection.servings,
        "added_at": selection.added_at,
    }


def selection_from_row(row: AnyRow) -> Selection:
    return Selection(recipe_id=row.recipe_id, servings=row.servings, added_at=row.added_at)


def item_values(item: ListItem) -> Values:
    return {
        "id": item.id,
        "user_id": item.user_id,
        "text": item.text,
        "checked": item.checked,
        "created_at": item.created_at,
    }


def item_from_row(row: AnyRow) -> ListItem:
    return ListItem(
        id=row.id,
        user_id=row.user_id,
        text=row.text,
        checked=bool(row.checked),
        created_at=row.created_at,
    )


def token_values(token: AccessToken) -> Values:
    return {
        "id": token.id,
        "user_id": token.user_id,
        "name": token.name,
        "token_hash": token.token_hash,
        "created_at": token.created_at,
    }


def token_from_row(row: AnyRow) -> AccessToken:
    return AccessToken(
        id=row.id,
        user_id=row.user_id,
        name=row.name,
        token_hash=row.token_hash,
        created_at=row.created_at,
    )
