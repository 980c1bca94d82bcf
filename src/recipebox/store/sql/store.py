"""`SqlStore`: the `Store` protocol on SQLite, MySQL/MariaDB or PostgreSQL via SQLAlchemy Core."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

import sqlalchemy as sa

from recipebox.domain.errors import Conflict, Invalid, NotFound
from recipebox.domain.lists import ListItem, Selection, ShoppingData
from recipebox.domain.recipes import Page, Recipe
from recipebox.domain.users import AccessToken, Identity, User
from recipebox.store.sql import bulk, writes
from recipebox.store.sql.counts import Counts, popular_tags, recipe_total
from recipebox.store.sql.database import Database, Pool
from recipebox.store.sql.rows import (
    IDENTITY_COLUMNS,
    ITEM_COLUMNS,
    RECIPE_COLUMNS,
    SELECTION_COLUMNS,
    SUMMARY_COLUMNS,
    TOKEN_COLUMNS,
    USER_COLUMNS,
    identity_from_row,
    identity_values,
    item_from_row,
    item_values,
    recipe_from_row,
    selection_from_row,
    summary_from_row,
    token_from_row,
    token_values,
    user_from_row,
    user_values,
)
from recipebox.store.sql.schema import (
    AccessTokenRow,
    CheckedLineRow,
    IdentityRow,
    ListItemRow,
    RecipeRow,
    SelectionRow,
    StaplesRow,
    UserRow,
)
from recipebox.store.sql.search import find
from recipebox.store.sql.writes import BATCH_SIZE, upsert


class SqlStore:
    """Recipes, users and lists in an SQL database; one transaction per method.

    The engine is built on first use. `pool="lambda"` keeps one connection per container.
    """

    def __init__(self, url: str, *, pool: Pool = "server", echo: bool = False) -> None:
        self.db = Database(url, pool=pool, echo=echo)

    def __repr__(self) -> str:
        return f"SqlStore({str(self.db)!r}, pool={self.db.pool!r})"

    # --- lifecycle ---------------------------------------------------------------
    def upgrade(self) -> None:
        self.db.upgrade()

    def check(self) -> str:
        return self.db.check()

    def close(self) -> None:
        self.db.close()

    # --- recipes -----------------------------------------------------------------
    def add_recipe(self, recipe: Recipe) -> Recipe:
        self.add_recipes([recipe])
        return recipe

    def add_recipes(self, recipes: Iterable[Recipe]) -> int:
        written = 0
        iterator = iter(recipes)
        counts = Counts()
        with self.db.write() as conn:
            while batch := list(islice(iterator, BATCH_SIZE)):
                writes.insert_recipes(conn, batch, counts)
                written += len(batch)
            counts.apply(conn)
            writes.refresh_statistics(conn, written)
        return written

    def get_recipe(self, recipe_id: str) -> Recipe:
        found = self.get_recipes([recipe_id])
        if recipe_id not in found:
            raise NotFound(f"no recipe {recipe_id}")
        return found[recipe_id]

    def get_recipes(self, recipe_ids: Iterable[str]) -> dict[str, Recipe]:
        ids = list(dict.fromkeys(recipe_ids))
        found: dict[str, Recipe] = {}
        with self.db.read() as conn:
            for start in range(0, len(ids), BATCH_SIZE):
                chunk = ids[start : start + BATCH_SIZE]
                rows = conn.execute(sa.select(*RECIPE_COLUMNS).where(RecipeRow.id.in_(chunk)))
                found.update((row.id, recipe_from_row(row)) for row in rows)
        return {recipe_id: found[recipe_id] for recipe_id in ids if recipe_id in found}

    def find_recipe_by_title(self, title: str) -> Recipe:
        query = sa.select(*RECIPE_COLUMNS).where(RecipeRow.title == title).order_by(RecipeRow.id)
        with self.db.read() as conn:
            rows = conn.execute(query).all()
        # MySQL compares titles ignoring case and trailing spaces; keep only the exact title.
        for row in rows:
            if row.title == title:
                return recipe_from_row(row)
        raise NotFound(f"no recipe titled {title!r}")

    def update_recipe(self, recipe: Recipe) -> Recipe:
        counts = Counts()
        with self.db.write() as conn:
            if conn.scalar(writes.lock_recipes([recipe.id])) is None:
                raise NotFound(f"no recipe {recipe.id}")
            writes.replace_recipes(conn, [recipe], counts)
            counts.apply(conn)
        return recipe

    def delete_recipe(self, recipe_id: str) -> None:
        counts = Counts()
        with self.db.write() as conn:
            if not writes.delete_recipe(conn, recipe_id, counts):
                raise NotFound(f"no recipe {recipe_id}")
            counts.apply(conn)

    def search_recipes(
        self,
        query: str = "",
        *,
        tag: str | None = None,
        owner_id: str | None = None,
        page: int = 1,
        per_page: int = 20,
    ) -> Page:
        if page < 1 or per_page < 1:
            raise Invalid("page and per_page start at 1")
        offset = (page - 1) * per_page
        with self.db.read() as conn:
            hits = find(conn, query, tag=tag, owner_id=owner_id, offset=offset, limit=per_page)
            summaries = sa.select(*SUMMARY_COLUMNS).where(RecipeRow.id.in_(hits.ids))
            rows = conn.execute(summaries).all() if hits.ids else []
        found = {row.id: summary_from_row(row) for row in rows}
        items = tuple(found[recipe_id] for recipe_id in hits.ids if recipe_id in found)
        return Page(items, hits.total, page, per_page, total_is_estimate=hits.estimate)

    def count_recipes(self) -> int:
        with self.db.read() as conn:
            return recipe_total(conn)

    def tags(self, limit: int = 50) -> list[tuple[str, int]]:
        with self.db.read() as conn:
            return popular_tags(conn, limit)

    # --- users and sign-in identities ----------------------------------------------
    def get_user(self, user_id: str) -> User:
        with self.db.read() as conn:
            row = conn.execute(sa.select(*USER_COLUMNS).where(UserRow.id == user_id)).first()
        if row is None:
            raise NotFound(f"no user {user_id}")
        return user_from_row(row)

    def user_for_identity(self, provider: str, subject: str) -> User | None:
        query = (
            sa.select(*USER_COLUMNS)
            .join(IdentityRow.__table__, IdentityRow.user_id == UserRow.id)
            .where(IdentityRow.provider == provider, IdentityRow.subject == subject)
        )
        with self.db.read() as conn:
            row = conn.execute(query).first()
        return None if row is None else user_from_row(row)

    def add_user(self, user: User, identity: Identity | None = None) -> User:
        if identity is not None and identity.user_id != user.id:
            raise Invalid("the identity belongs to another user id")
        with self.db.write() as conn:
            conn.execute(sa.insert(UserRow.__table__), [user_values(user)])
            if identity is not None:
                conn.execute(sa.insert(IdentityRow.__table__), [identity_values(identity)])
        return user

    def update_user(self, user: User) -> User:
        values = user_values(user)
        del values["id"]
        with self.db.write() as conn:
            result = conn.execute(
                sa.update(UserRow.__table__).where(UserRow.id == user.id).values(values)
            )
            if result.rowcount == 0:
                raise NotFound(f"no user {user.id}")
        return user

    def link_identity(self, identity: Identity) -> None:
        owner = sa.select(IdentityRow.user_id).where(
            IdentityRow.provider == identity.provider, IdentityRow.subject == identity.subject
        )
        with self.db.write() as conn:
            current = conn.scalar(owner)
            if current == identity.user_id:
                return
            if current is not None:
                raise Conflict(f"this {identity.provider} account is linked to another user")
            conn.execute(sa.insert(IdentityRow.__table__), [identity_values(identity)])

    def unlink_identity(self, user_id: str, provider: str) -> None:
        with self.db.write() as conn:
            # Lock the user row so two concurrent unlinks cannot both see a second identity.
            conn.execute(sa.select(UserRow.id).where(UserRow.id == user_id).with_for_update())
            providers = conn.scalars(
                sa.select(IdentityRow.provider).where(IdentityRow.user_id == user_id)
            ).all()
            if provider not in providers:
                raise NotFound(f"no {provider} identity for user {user_id}")
            if len(providers) == 1:
                raise Conflict("cannot unlink the last sign-in identity")
            conn.execute(
                sa.delete(IdentityRow.__table__).where(
                    IdentityRow.user_id == user_id, IdentityRow.provider == provider
                )
            )

    def identities(self, user_id: str) -> list[Identity]:
        query = (
            sa.select(*IDENTITY_COLUMNS)
            .where(IdentityRow.user_id == user_id)
            .order_by(IdentityRow.provider, IdentityRow.subject)
        )
        with self.db.read() as conn:
            return [identity_from_row(row) for row in conn.execute(query)]

    # --- selections and the list ------------------------------------------------------
    def select_recipe(self, user_id: str, recipe_id: str, servings: int) -> Selection:
        if servings < 1:
            raise Invalid("servings must be at least 1")
        row = {"user_id": user_id, "recipe_id": recipe_id, "servings": servings}
        table = SelectionRow.__table__
        with self.db.write() as conn:
            stmt = upsert(conn.dialect.name, table, ("user_id", "recipe_id"), ("servings",))
            conn.execute(stmt, [row | {"added_at": Selection(recipe_id, servings).added_at}])
            stored = conn.execute(
                sa.select(*SELECTION_COLUMNS).where(
                    SelectionRow.user_id == user_id, SelectionRow.recipe_id == recipe_id
                )
            ).one()
        return selection_from_row(stored)

    def unselect_recipe(self, user_id: str, recipe_id: str) -> None:
        with self.db.write() as conn:
            conn.execute(
                sa.delete(SelectionRow.__table__).where(
                    SelectionRow.user_id == user_id, SelectionRow.recipe_id == recipe_id
                )
            )

    def selections(self, user_id: str) -> list[Selection]:
        with self.db.read() as conn:
            return [selection_from_row(row) for row in conn.execute(_selections(user_id))]

    def add_list_item(self, item: ListItem) -> ListItem:
        with self.db.write() as conn:
            conn.execute(sa.insert(ListItemRow.__table__), [item_values(item)])
        return item

    def set_item_checked(self, user_id: str, item_id: str, checked: bool) -> None:
        with self.db.write() as conn:
            # One UPDATE: concurrent checks of other items on the same list never collide.
            result = conn.execute(
                sa.update(ListItemRow.__table__)
                .where(ListItemRow.id == item_id, ListItemRow.user_id == user_id)
                .values(checked=checked)
            )
            if result.rowcount == 0:
                raise NotFound(f"no list item {item_id}")

    def delete_list_item(self, user_id: str, item_id: str) -> None:
        with self.db.write() as conn:
            result = conn.execute(
                sa.delete(ListItemRow.__table__).where(
                    ListItemRow.id == item_id, ListItemRow.user_id == user_id
                )
            )
            if result.rowcount == 0:
                raise NotFound(f"no list item {item_id}")

    def set_line_checked(self, user_id: str, line_key: str, checked: bool) -> None:
        table = CheckedLineRow.__table__
        with self.db.write() as conn:
            if checked:
                stmt = upsert(conn.dialect.name, table, ("user_id", "line_key"))
                conn.execute(stmt, [{"user_id": user_id, "line_key": line_key}])
            else:
                conn.execute(
                    sa.delete(CheckedLineRow.__table__).where(
                        CheckedLineRow.user_id == user_id, CheckedLineRow.line_key == line_key
                    )
                )

    def clear_checked(self, user_id: str) -> None:
        with self.db.write() as conn:
            # Lock the user's row, then their items, before deleting. Under PostgreSQL's READ
            # COMMITTED each statement reads its own snapshot: without the locks, a client
            # that checks an item and then a line between the two DELETEs keeps the item but
            # loses the line, an outcome of no serial order (tests/integration/
            # test_serial_checks.py). The user's row lock holds back new checked lines (their
            # foreign-key check locks it); SQLite ignores FOR UPDATE (its writers take turns).
            conn.execute(sa.select(UserRow.id).where(UserRow.id == user_id).with_for_update())
            conn.execute(
                sa.select(ListItemRow.id).where(ListItemRow.user_id == user_id).with_for_update()
            )
            conn.execute(
                sa.delete(ListItemRow.__table__).where(
                    ListItemRow.user_id == user_id, ListItemRow.checked
                )
            )
            conn.execute(
                sa.delete(CheckedLineRow.__table__).where(CheckedLineRow.user_id == user_id)
            )

    def set_staples(self, user_id: str, staples: Iterable[str]) -> None:
        row = {"user_id": user_id, "foods": list(staples)}
        with self.db.write() as conn:
            stmt = upsert(conn.dialect.name, StaplesRow.__table__, ("user_id",), ("foods",))
            conn.execute(stmt, [row])

    def shopping_data(self, user_id: str) -> ShoppingData:
        # Four queries on one connection and snapshot: selected recipes joined to their
        # selections, manual items, checked line keys, staples.
        selected = (
            sa.select(
                SelectionRow.servings.label("selected_servings"),
                SelectionRow.added_at,
                *RECIPE_COLUMNS,
            )
            .join_from(SelectionRow, RecipeRow)
            .where(SelectionRow.user_id == user_id)
            .order_by(SelectionRow.added_at, SelectionRow.recipe_id)
        )
        items = (
            sa.select(*ITEM_COLUMNS)
            .where(ListItemRow.user_id == user_id)
            .order_by(ListItemRow.created_at, ListItemRow.id)
        )
        checked = sa.select(CheckedLineRow.line_key).where(CheckedLineRow.user_id == user_id)
        staples = sa.select(StaplesRow.foods).where(StaplesRow.user_id == user_id)
        with self.db.read() as conn:
            rows = conn.execute(selected).all()
            item_rows = conn.execute(items).all()
            checked_keys = frozenset(conn.scalars(checked))
            foods = conn.scalar(staples)
        return ShoppingData(
            selections=tuple(
                Selection(recipe_id=row.id, servings=row.selected_servings, added_at=row.added_at)
                for row in rows
            ),
            recipes={row.id: recipe_from_row(row) for row in rows},
            items=tuple(item_from_row(row) for row in item_rows),
            checked=checked_keys,
            staples=None if foods is None else tuple(foods),
        )

    # --- access tokens ---------------------------------------------------------------
    def add_token(self, token: AccessToken) -> AccessToken:
        with self.db.write() as conn:
            conn.execute(sa.insert(AccessTokenRow.__table__), [token_values(token)])
        return token

    def tokens(self, user_id: str) -> list[AccessToken]:
        query = (
            sa.select(*TOKEN_COLUMNS)
            .where(AccessTokenRow.user_id == user_id)
            .order_by(AccessTokenRow.created_at, AccessTokenRow.id)
        )
        with self.db.read() as conn:
            return [token_from_row(row) for row in conn.execute(query)]

    def user_for_token(self, token_hash: str) -> User | None:
        query = (
            sa.select(*USER_COLUMNS)
            .join(AccessTokenRow.__table__, AccessTokenRow.user_id == UserRow.id)
            .where(AccessTokenRow.token_hash == token_hash)
        )
        with self.db.read() as conn:
            row = conn.execute(query).first()
        return None if row is None else user_from_row(row)

    def revoke_token(self, user_id: str, token_id: str) -> None:
        with self.db.write() as conn:
            result = conn.execute(
                sa.delete(AccessTokenRow.__table__).where(
                    AccessTokenRow.id == token_id, AccessTokenRow.user_id == user_id
                )
            )
            if result.rowcount == 0:
                raise NotFound(f"no token {token_id}")

    # --- bulk: export, import, copy-data --------------------------------------------------
    def dump(self, kind: str) -> Iterator[dict[str, Any]]:
        return bulk.dump(self.db.read, kind)

    def load(self, records: dict[str, list[dict[str, Any]]]) -> None:
        with self.db.write() as conn:
            bulk.load(conn, records)


def _selections(user_id: str) -> sa.Select[*tuple[Any, ...]]:
    return (
        sa.select(*SELECTION_COLUMNS)
        .where(SelectionRow.user_id == user_id)
        .order_by(SelectionRow.added_at, SelectionRow.recipe_id)
    )
