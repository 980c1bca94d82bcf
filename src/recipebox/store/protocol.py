"""The storage interface every backend implements, in domain words."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from recipebox.domain.lists import ListItem, Selection, ShoppingData
from recipebox.domain.recipes import Page, Recipe
from recipebox.domain.users import AccessToken, Identity, User

# Entity kinds in export/import/copy order (parents before children).
ENTITY_KINDS: tuple[str, ...] = (
    "users",
    "identities",
    "recipes",
    "selections",
    "list_items",
    "checked",
    "staples",
    "tokens",
)


class Store(Protocol):
    """Storage for recipebox. Every method is one transaction; errors are domain errors."""

    # --- lifecycle -------------------------------------------------------------
    def upgrade(self) -> None:
        """Create or migrate the schema to the current version (idempotent)."""

    def check(self) -> str:
        """Verify the backend is reachable and migrated; return a one-line description."""

    def close(self) -> None:
        """Release connections."""

    # --- recipes ----------------------------------------------------------------
    def add_recipe(self, recipe: Recipe) -> Recipe: ...

    def add_recipes(self, recipes: Iterable[Recipe]) -> int:
        """Insert many recipes in batches; return how many were written."""

    def get_recipe(self, recipe_id: str) -> Recipe:
        """Return the recipe or raise NotFound."""

    def get_recipes(self, recipe_ids: Iterable[str]) -> dict[str, Recipe]:
        """Return the recipes that exist among `recipe_ids`, keyed by id."""

    def find_recipe_by_title(self, title: str) -> Recipe:
        """Return the recipe with exactly this title or raise NotFound."""

    def update_recipe(self, recipe: Recipe) -> Recipe:
        """Replace the stored recipe with the same id (NotFound if absent)."""

    def delete_recipe(self, recipe_id: str) -> None:
        """Delete the recipe and every selection of it (NotFound if absent)."""

    def search_recipes(
        self,
        query: str = "",
        *,
        tag: str | None = None,
        owner_id: str | None = None,
        page: int = 1,
        per_page: int = 20,
    ) -> Page:
        """Full-text search ranked by relevance (newest first without a query)."""

    def count_recipes(self) -> int: ...

    def tags(self, limit: int = 50) -> list[tuple[str, int]]:
        """The most used tags with their counts, most used first."""

    # --- users and sign-in identities --------------------------------------------
    def get_user(self, user_id: str) -> User: ...

    def user_for_identity(self, provider: str, subject: str) -> User | None: ...

    def add_user(self, user: User, identity: Identity | None = None) -> User:
        """Create a user, optionally with its first sign-in identity (Conflict if taken)."""

    def update_user(self, user: User) -> User: ...

    def link_identity(self, identity: Identity) -> None:
        """Attach a sign-in identity to an existing user (Conflict if it belongs to another)."""

    def unlink_identity(self, user_id: str, provider: str) -> None:
        """Detach the user's identity at `provider`; Conflict when it is the last one."""

    def identities(self, user_id: str) -> list[Identity]: ...

    # --- selections and the list ------------------------------------------------
    def select_recipe(self, user_id: str, recipe_id: str, servings: int) -> Selection:
        """Add the recipe to the user's list, or change its servings if already there."""

    def unselect_recipe(self, user_id: str, recipe_id: str) -> None: ...

    def selections(self, user_id: str) -> list[Selection]: ...

    def add_list_item(self, item: ListItem) -> ListItem: ...

    def set_item_checked(self, user_id: str, item_id: str, checked: bool) -> None:
        """Check or uncheck a manual item (NotFound unless it is the user's)."""

    def delete_list_item(self, user_id: str, item_id: str) -> None: ...

    def set_line_checked(self, user_id: str, line_key: str, checked: bool) -> None:
        """Check or uncheck a merged shopping line by its key; atomic, no read-modify-write."""

    def clear_checked(self, user_id: str) -> None:
        """Delete checked manual items and forget checked line keys."""

    def set_staples(self, user_id: str, staples: Iterable[str]) -> None: ...

    def shopping_data(self, user_id: str) -> ShoppingData:
        """Everything the user's shopping list is computed from, in the fewest round trips."""

    # --- access tokens ------------------------------------------------------------
    def add_token(self, token: AccessToken) -> AccessToken: ...

    def tokens(self, user_id: str) -> list[AccessToken]: ...

    def user_for_token(self, token_hash: str) -> User | None: ...

    def revoke_token(self, user_id: str, token_id: str) -> None: ...

    # --- bulk: export, import, copy-data ----------------------------------------
    def dump(self, kind: str) -> Iterator[dict[str, Any]]:
        """Yield every record of entity `kind` (one of ENTITY_KINDS) as a JSON-ready dict."""

    def load(self, records: dict[str, list[dict[str, Any]]]) -> None:
        """Write records from `dump` all or nothing; records with existing ids replace them."""
