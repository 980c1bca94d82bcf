"""The storage contract: every backend passes these tests unchanged, through public methods only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any

import pytest

from recipebox.domain.errors import Conflict, Invalid, NotFound
from recipebox.domain.lists import ListItem, Selection, ShoppingData
from recipebox.domain.quantity import Quantity
from recipebox.domain.recipes import IngredientLine, Page, Recipe, RecipeSummary
from recipebox.domain.users import AccessToken, Identity, User
from recipebox.store.protocol import ENTITY_KINDS, Store

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def recipe(title: str, *, minute: int = 0, foods: tuple[str, ...] = (), **fields: Any) -> Recipe:
    lines = [IngredientLine(text=food, food=food) for food in foods]
    return Recipe(
        title=title, ingredients=lines, created_at=at(minute), updated_at=at(minute), **fields
    )


def summary(r: Recipe) -> RecipeSummary:
    return RecipeSummary(
        id=r.id,
        title=r.title,
        description=r.description,
        servings=r.servings,
        tags=tuple(r.tags),
        image_url=r.image_url,
        owner_id=r.owner_id,
    )


def titles(page: Page) -> list[str]:
    return [item.title for item in page.items]


def add_user(store: Store, name: str = "ann", provider: str = "github") -> User:
    user = User(name=name, display_name=name.title(), created_at=T0)
    return store.add_user(user, Identity(provider, f"{name}-subject", user.id))


# --- recipes ---------------------------------------------------------------------------
def test_stores_and_returns_a_recipe_unchanged(store: Store) -> None:
    full = Recipe(
        title="Crêpes 🥞 for two",
        servings=2,
        description="Thin, lacy pancakes.",
        ingredients=[
            IngredientLine(
                "1 1/2 cups flour", Quantity(Fraction(3, 2)), "cup", "flour", "", "Batter"
            ),
            IngredientLine("1-2 eggs", Quantity(Fraction(1), Fraction(2)), None, "eggs", "beaten"),
            IngredientLine("salt to taste", food="salt to taste"),
        ],
        steps=["Whisk.", "Rest 30 minutes.", "Fry."],
        tags=["breakfast", "French"],
        source_url="https://example.org/crepes",
        image_url="https://example.org/crepes.jpg",
        owner_id="01HZZZZZZZZZZZZZZZZZZZZZZZ",
        created_at=datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=UTC),
        updated_at=datetime(2024, 2, 3, 4, 5, 6, tzinfo=UTC),
    )
    store.add_recipe(full)
    assert store.get_recipe(full.id) == full
    assert store.get_recipes([full.id, "missing"]) == {full.id: full}
    assert store.count_recipes() == 1


def test_adding_an_existing_recipe_id_conflicts(store: Store) -> None:
    pie = store.add_recipe(recipe("Pie"))
    with pytest.raises(Conflict):
        store.add_recipe(recipe("Other pie", id=pie.id))
    assert store.get_recipe(pie.id) == pie


def test_missing_recipes_are_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.get_recipe("01HXXXXXXXXXXXXXXXXXXXXXXX")
    with pytest.raises(NotFound):
        store.update_recipe(recipe("Ghost"))
    with pytest.raises(NotFound):
        store.delete_recipe("01HXXXXXXXXXXXXXXXXXXXXXXX")


def test_finds_a_recipe_by_its_exact_title(store: Store) -> None:
    pancakes = store.add_recipe(recipe("Pancakes"))
    store.add_recipe(recipe("Pancakes with syrup"))
    assert store.find_recipe_by_title("Pancakes") == pancakes
    for near_miss in ("pancakes", "Pancakes ", "Pancake"):
        with pytest.raises(NotFound):
            store.find_recipe_by_title(near_miss)


def test_update_replaces_the_recipe_its_tags_and_its_words(store: Store) -> None:
    soup = store.add_recipe(recipe("Tomato soup", tags=["soup", "vegan"], foods=("tomato",)))
    changed = recipe("Leek soup", id=soup.id, tags=["soup", "winter"], foods=("leek",))
    store.update_recipe(changed)
    assert store.get_recipe(soup.id) == changed
    assert store.tags() == [("soup", 1), ("winter", 1)]
    assert store.search_recipes("tomato").total == 0
    assert store.search_recipes("leek").items == (summary(changed),)


def test_deleting_a_recipe_removes_its_selections_and_tags(store: Store) -> None:
    user = add_user(store)
    stew = store.add_recipe(recipe("Stew", tags=["winter"]))
    store.select_recipe(user.id, stew.id, 4)
    store.delete_recipe(stew.id)
    with pytest.raises(NotFound):
        store.get_recipe(stew.id)
    assert store.selections(user.id) == []
    assert store.tags() == []
    assert store.count_recipes() == 0


def test_add_recipes_writes_every_batch(store: Store) -> None:
    many = [recipe(f"Recipe {n}", tags=[f"t{n % 3}"]) for n in range(2345)]
    assert store.add_recipes(iter(many)) == 2345
    assert store.count_recipes() == 2345
    assert sorted(r["id"] for r in store.dump("recipes")) == sorted(r.id for r in many)
    assert store.tags() == [("t0", 782), ("t1", 782), ("t2", 781)]


# --- search ----------------------------------------------------------------------------
@pytest.fixture
def cookbook(store: Store) -> dict[str, Recipe]:
    """A few recipes with controlled words, tags and ages (later minute = newer)."""
    book = {
        "tart": recipe("Lemon tart", minute=1, description="A sharp custard.", tags=["dessert"]),
        "cake": recipe(
            "Almond cake", minute=2, description="Moist, with lemon zest.", tags=["dessert"]
        ),
        "chicken": recipe(
            "Roast chicken", minute=3, foods=("chicken", "thyme"), tags=["dinner", "quick"]
        ),
        "salad": recipe(
            "Green salad", minute=4, foods=("lettuce", "cucumber"), tags=["quick", "vegan"]
        ),
        "bread": recipe("Rye bread", minute=5, description="Dense and dark.", tags=["baking"]),
    }
    store.add_recipes(book.values())
    return book


def test_title_match_outranks_description_match(store: Store, cookbook: dict[str, Recipe]) -> None:
    found = store.search_recipes("lemon")
    assert found == Page(
        items=(summary(cookbook["tart"]), summary(cookbook["cake"])), total=2, page=1, per_page=20
    )


def test_search_covers_foods_and_tags_and_needs_every_word(
    store: Store, cookbook: dict[str, Recipe]
) -> None:
    assert titles(store.search_recipes("thyme")) == ["Roast chicken"]
    assert titles(store.search_recipes("vegan")) == ["Green salad"]
    assert titles(store.search_recipes("chicken thyme")) == ["Roast chicken"]
    assert store.search_recipes("chicken lettuce").total == 0


def test_search_matches_word_beginnings(store: Store, cookbook: dict[str, Recipe]) -> None:
    assert titles(store.search_recipes("lem")) == ["Lemon tart", "Almond cake"]
    assert titles(store.search_recipes("cucumb")) == ["Green salad"]


def test_empty_query_lists_newest_first(store: Store, cookbook: dict[str, Recipe]) -> None:
    assert titles(store.search_recipes()) == [
        "Rye bread",
        "Green salad",
        "Roast chicken",
        "Almond cake",
        "Lemon tart",
    ]


def test_pages_split_the_results_and_count_them_all(
    store: Store, cookbook: dict[str, Recipe]
) -> None:
    pages = [store.search_recipes(per_page=2, page=n) for n in (1, 2, 3, 4)]
    assert [(titles(p), p.total, p.pages) for p in pages] == [
        (["Rye bread", "Green salad"], 5, 3),
        (["Roast chicken", "Almond cake"], 5, 3),
        (["Lemon tart"], 5, 3),
        ([], 5, 3),
    ]
    ranked = [store.search_recipes("lemon", per_page=1, page=n) for n in (1, 2)]
    assert [(titles(p), p.total) for p in ranked] == [(["Lemon tart"], 2), (["Almond cake"], 2)]
    with pytest.raises(Invalid):
        store.search_recipes(page=0)


def test_tag_filter_and_tag_counts(store: Store, cookbook: dict[str, Recipe]) -> None:
    assert store.tags() == [
        ("dessert", 2),
        ("quick", 2),
        ("baking", 1),
        ("dinner", 1),
        ("vegan", 1),
    ]
    assert store.tags(limit=2) == [("dessert", 2), ("quick", 2)]
    assert titles(store.search_recipes(tag="quick")) == ["Green salad", "Roast chicken"]
    assert titles(store.search_recipes("lemon", tag="dessert")) == ["Lemon tart", "Almond cake"]
    assert titles(store.search_recipes("chicken", tag="vegan")) == []
    assert store.search_recipes(tag="nope").total == 0


def test_owner_filter(store: Store, cookbook: dict[str, Recipe]) -> None:
    ann, bob = add_user(store, "ann"), add_user(store, "bob")
    mine = store.add_recipe(recipe("Lemon curd", minute=9, owner_id=ann.id))
    store.add_recipe(recipe("Lemon bars", minute=8, owner_id=bob.id))
    assert store.search_recipes(owner_id=ann.id).items == (summary(mine),)
    assert titles(store.search_recipes("lemon", owner_id=bob.id)) == ["Lemon bars"]


LEMONS = ["Lemon tart", "Almond cake"]
HOSTILE_QUERIES = {
    '"': [],
    "*": [],
    "AND": [],
    "-": [],
    "'": [],
    "()": [],
    "🍕": [],
    "%": [],
    "_": [],
    "\\": [],
    "(((": [],
    "NEAR(": [],
    "a" * 300: [],
    "lemon)": LEMONS,
    '"lemon': LEMONS,
    "lemon*": LEMONS,
    "-lemon": LEMONS,
    "+lemon": LEMONS,
    "^lemon~": LEMONS,
    "@lemon": LEMONS,
    "'lemon':*": LEMONS,
    "lemon OR tart": ["Lemon tart"],
    "lemon & !tart": ["Lemon tart"],
    "lemon <-> tart": ["Lemon tart"],
    'lemon NOT "tart"': ["Lemon tart"],
    "title:lemon": [],
    "lemon; DROP TABLE recipes": [],
}


def test_operators_in_queries_are_just_characters(
    store: Store, cookbook: dict[str, Recipe]
) -> None:
    pages = {query: store.search_recipes(query) for query in HOSTILE_QUERIES}
    found = {query: (titles(page), page.total) for query, page in pages.items()}
    assert found == {query: (hits, len(hits)) for query, hits in HOSTILE_QUERIES.items()}
    assert store.count_recipes() == 5


def test_a_query_without_words_matches_nothing(store: Store, cookbook: dict[str, Recipe]) -> None:
    assert store.search_recipes("🍕 !!") == Page(items=(), total=0, page=1, per_page=20)


# --- users and identities --------------------------------------------------------------
def test_users_are_found_by_id_and_identity(store: Store) -> None:
    ann = add_user(store, "ann")
    assert store.get_user(ann.id) == ann
    assert store.user_for_identity("github", "ann-subject") == ann
    assert store.user_for_identity("github", "ANN-SUBJECT") is None
    assert store.user_for_identity("google", "ann-subject") is None
    assert store.identities(ann.id) == [Identity("github", "ann-subject", ann.id)]
    renamed = User(
        name="ann", display_name="Ann B.", avatar_url="https://a/b.png", id=ann.id, created_at=T0
    )
    store.update_user(renamed)
    assert store.get_user(ann.id) == renamed
    with pytest.raises(NotFound):
        store.get_user("01HXXXXXXXXXXXXXXXXXXXXXXX")
    with pytest.raises(NotFound):
        store.update_user(User(name="ghost"))


def test_an_identity_belongs_to_one_user(store: Store) -> None:
    ann = add_user(store, "ann")
    bob = User(name="bob", created_at=T0)
    with pytest.raises(Conflict):
        store.add_user(bob, Identity("github", "ann-subject", bob.id))
    with pytest.raises(NotFound):
        store.get_user(bob.id)
    store.add_user(bob)
    with pytest.raises(Conflict):
        store.link_identity(Identity("github", "ann-subject", bob.id))
    store.link_identity(Identity("github", "ann-subject", ann.id))  # already hers: no change
    assert store.identities(ann.id) == [Identity("github", "ann-subject", ann.id)]
    assert store.identities(bob.id) == []


def test_unlinking_never_removes_the_last_identity(store: Store) -> None:
    ann = add_user(store, "ann")
    with pytest.raises(Conflict):
        store.unlink_identity(ann.id, "github")
    store.link_identity(Identity("google", "g-1", ann.id))
    assert store.identities(ann.id) == [
        Identity("github", "ann-subject", ann.id),
        Identity("google", "g-1", ann.id),
    ]
    with pytest.raises(NotFound):
        store.unlink_identity(ann.id, "gitlab")
    store.unlink_identity(ann.id, "github")
    assert store.identities(ann.id) == [Identity("google", "g-1", ann.id)]
    assert store.user_for_identity("github", "ann-subject") is None
    with pytest.raises(Conflict):
        store.unlink_identity(ann.id, "google")


# --- selections and the list ----------------------------------------------------------------
def test_selecting_twice_changes_the_servings(store: Store) -> None:
    ann = add_user(store)
    soup, stew = recipe("Soup"), recipe("Stew")
    store.add_recipes([soup, stew])
    first = store.select_recipe(ann.id, soup.id, 2)
    assert first.servings == 2
    stew_selection = store.select_recipe(ann.id, stew.id, 3)
    again = store.select_recipe(ann.id, soup.id, 6)
    assert again == Selection(soup.id, 6, first.added_at)
    assert sorted(store.selections(ann.id), key=lambda s: s.servings) == [stew_selection, again]
    store.unselect_recipe(ann.id, stew.id)
    store.unselect_recipe(ann.id, stew.id)
    assert store.selections(ann.id) == [again]
    with pytest.raises(NotFound):
        store.select_recipe(ann.id, "01HXXXXXXXXXXXXXXXXXXXXXXX", 2)


def test_list_items_are_checked_unchecked_and_deleted(store: Store) -> None:
    ann, bob = add_user(store, "ann"), add_user(store, "bob")
    towels = store.add_list_item(ListItem(ann.id, "paper towels", created_at=at(1)))
    lemons = store.add_list_item(ListItem(ann.id, "2 lemons", created_at=at(2)))
    store.set_item_checked(ann.id, towels.id, True)
    store.set_item_checked(ann.id, towels.id, True)
    assert store.shopping_data(ann.id).items == (
        ListItem(ann.id, "paper towels", True, towels.id, at(1)),
        lemons,
    )
    store.set_item_checked(ann.id, towels.id, False)
    assert store.shopping_data(ann.id).items == (towels, lemons)
    with pytest.raises(NotFound):
        store.set_item_checked(bob.id, towels.id, True)
    with pytest.raises(NotFound):
        store.delete_list_item(bob.id, towels.id)
    store.delete_list_item(ann.id, towels.id)
    assert store.shopping_data(ann.id).items == (lemons,)


def test_line_keys_are_checked_and_cleared(store: Store) -> None:
    ann, bob = add_user(store, "ann"), add_user(store, "bob")
    kept = store.add_list_item(ListItem(ann.id, "bread", created_at=at(1)))
    done = store.add_list_item(ListItem(ann.id, "milk", created_at=at(2)))
    store.set_item_checked(ann.id, done.id, True)
    for key in ("flour|g", "eggs|", "flour|g"):
        store.set_line_checked(ann.id, key, True)
    store.set_line_checked(bob.id, "flour|g", True)
    store.set_line_checked(ann.id, "eggs|", False)
    store.set_line_checked(ann.id, "never checked", False)
    assert store.shopping_data(ann.id).checked == frozenset({"flour|g"})
    store.clear_checked(ann.id)
    data = store.shopping_data(ann.id)
    assert (data.items, data.checked) == ((kept,), frozenset())
    assert store.shopping_data(bob.id).checked == frozenset({"flour|g"})


def test_staples_are_none_until_set(store: Store) -> None:
    ann = add_user(store)
    assert store.shopping_data(ann.id).staples is None
    store.set_staples(ann.id, ["salt", "olive oil"])
    store.set_staples(ann.id, iter(["salt", "pepper", "sugar"]))
    assert store.shopping_data(ann.id).staples == ("salt", "pepper", "sugar")
    store.set_staples(ann.id, [])
    assert store.shopping_data(ann.id).staples == ()


def test_shopping_data_holds_everything_the_list_needs(store: Store) -> None:
    ann, bob = add_user(store, "ann"), add_user(store, "bob")
    soup = recipe("Soup", foods=("leek", "potato"), tags=["winter"])
    cake = recipe("Cake", foods=("flour",))
    store.add_recipes([soup, cake, recipe("Unselected")])
    store.select_recipe(ann.id, soup.id, 2)
    store.select_recipe(bob.id, cake.id, 8)
    item = store.add_list_item(ListItem(ann.id, "coffee", created_at=at(1)))
    store.add_list_item(ListItem(bob.id, "tea", created_at=at(1)))
    store.set_line_checked(ann.id, "leek|", True)
    store.set_staples(ann.id, ["salt"])
    selection = store.selections(ann.id)[0]
    assert store.shopping_data(ann.id) == ShoppingData(
        selections=(selection,),
        recipes={soup.id: soup},
        items=(item,),
        checked=frozenset({"leek|"}),
        staples=("salt",),
    )
    assert store.shopping_data("01HXXXXXXXXXXXXXXXXXXXXXXX") == ShoppingData(
        selections=(), recipes={}, items=(), checked=frozenset(), staples=None
    )


# --- access tokens ----------------------------------------------------------------------
def test_tokens_find_their_user_and_only_the_owner_revokes(store: Store) -> None:
    ann, bob = add_user(store, "ann"), add_user(store, "bob")
    laptop = store.add_token(AccessToken(ann.id, "laptop", "a" * 64, created_at=at(1)))
    phone = store.add_token(AccessToken(ann.id, "phone", "b" * 64, created_at=at(2)))
    assert store.tokens(ann.id) == [laptop, phone]
    assert store.tokens(bob.id) == []
    assert store.user_for_token("a" * 64) == ann
    assert store.user_for_token("c" * 64) is None
    with pytest.raises(Conflict):
        store.add_token(AccessToken(bob.id, "copy", "a" * 64))
    with pytest.raises(NotFound):
        store.revoke_token(bob.id, laptop.id)
    assert store.user_for_token("a" * 64) == ann
    store.revoke_token(ann.id, laptop.id)
    assert store.user_for_token("a" * 64) is None
    assert store.tokens(ann.id) == [phone]


# --- export and import ------------------------------------------------------------------
def dumped(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Every record of every kind, in a backend-independent order."""
    return {kind: sorted(store.dump(kind), key=repr) for kind in ENTITY_KINDS}


def populate(store: Store) -> User:
    ann = add_user(store, "ann")
    store.link_identity(Identity("google", "g-1", ann.id))
    soup = store.add_recipe(recipe("Soup", foods=("leek",), tags=["winter"], owner_id=ann.id))
    store.select_recipe(ann.id, soup.id, 3)
    store.add_list_item(ListItem(ann.id, "coffee", created_at=at(1)))
    store.set_line_checked(ann.id, "leek|", True)
    store.set_staples(ann.id, ["salt"])
    store.add_token(AccessToken(ann.id, "laptop", "a" * 64, created_at=at(2)))
    return ann


def test_dump_then_load_restores_every_record_exactly(store: Store) -> None:
    ann = populate(store)
    before = dumped(store)
    assert [len(before[kind]) for kind in ENTITY_KINDS] == [1, 2, 1, 1, 1, 1, 1, 1]
    assert before["users"] == [
        {
            "id": ann.id,
            "name": "ann",
            "display_name": "Ann",
            "avatar_url": None,
            "created_at": "2024-05-01T12:00:00+00:00",
        }
    ]
    assert before["checked"] == [{"user_id": ann.id, "line_key": "leek|"}]
    assert before["staples"] == [{"user_id": ann.id, "staples": ["salt"]}]
    store.update_user(User(name="changed", id=ann.id, created_at=at(5)))
    soup = store.find_recipe_by_title("Soup")
    store.update_recipe(recipe("Changed soup", id=soup.id, tags=["summer"]))
    store.set_staples(ann.id, ["pepper"])
    store.load(before)
    assert dumped(store) == before
    assert store.tags() == [("winter", 1)]
    assert titles(store.search_recipes("leek")) == ["Soup"]


def test_a_bad_record_loads_nothing(store: Store) -> None:
    populate(store)
    before = dumped(store)
    newcomer = User(name="newcomer", created_at=T0)
    records = {
        "users": [{**before["users"][0], "name": "renamed"}, {"id": newcomer.id}],
        "recipes": [{**before["recipes"][0], "title": "Renamed"}],
    }
    with pytest.raises(Invalid):
        store.load(records)
    later_bad = {
        "users": [{**before["users"][0], "name": "renamed"}],
        "recipes": [{**before["recipes"][0], "title": "Renamed"}, {"title": "no id"}],
    }
    with pytest.raises(Invalid):
        store.load(later_bad)
    with pytest.raises(Invalid):
        store.load({"users": before["users"], "gadgets": [{}]})
    with pytest.raises(Invalid):
        store.dump("gadgets")
    assert dumped(store) == before


def test_a_record_repeated_in_one_load_ends_as_its_last_copy(store: Store) -> None:
    ann = add_user(store, "ann")
    first = {**next(iter(store.dump("users"))), "name": "first"}
    last = {**first, "name": "last"}
    store.load({"users": [first, last], "staples": [{"user_id": ann.id, "staples": ["a"]}] * 2})
    assert store.get_user(ann.id).name == "last"
    assert store.shopping_data(ann.id).staples == ("a",)
