"""The caller's list over the API: selections, the shopping list, items, staples; one per person."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from api_callers import API, Caller


def lines(shopping_list: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every line of a shopping list by key."""
    found = [line for aisle in shopping_list["aisles"] for line in aisle["lines"]]
    return {line["key"]: line for line in [*found, *shopping_list["staples"]]}


def line_url(key: str, action: str) -> str:
    return f"{API}/shopping-list/lines/{quote(key, safe='')}/{action}"


# --- selections --------------------------------------------------------------------------


def test_selecting_defaults_to_the_recipes_servings_and_updates_in_place(
    alice: Caller, demo_id: str
) -> None:
    first = alice.put(f"{API}/selections/{demo_id}")
    second = alice.put(f"{API}/selections/{demo_id}", json={"servings": 2})

    assert first.status_code == second.status_code == 200
    assert (first.get_json()["servings"], second.get_json()["servings"]) == (6, 2)
    assert alice.get(f"{API}/selections").get_json() == {
        "selections": [
            {
                "recipe_id": demo_id,
                "title": "Spaghetti Bolognese",
                "servings": 2,
                "added_at": first.get_json()["added_at"],
            }
        ]
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"servings": 0}, "servings: must be between 1 and 100"),
        ({"servings": "2"}, "servings: must be an integer"),
        ({"serves": 2}, "serves: unknown field (allowed: servings)"),
    ],
)
def test_selecting_validates_servings(
    alice: Caller, demo_id: str, body: dict[str, Any], message: str
) -> None:
    response = alice.put(f"{API}/selections/{demo_id}", json=body)

    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == message


def test_selecting_an_unknown_recipe_is_404(alice: Caller) -> None:
    assert alice.put(f"{API}/selections/0NOSUCHRECIPE", json={}).status_code == 404


def test_unselecting(alice: Caller, demo_id: str) -> None:
    alice.put(f"{API}/selections/{demo_id}", json={})

    assert alice.delete(f"{API}/selections/{demo_id}").status_code == 204
    assert alice.get(f"{API}/selections").get_json() == {"selections": []}
    assert alice.delete(f"{API}/selections/{demo_id}").status_code == 404


def test_selections_are_per_person(alice: Caller, bob: Caller, demo_id: str) -> None:
    alice.put(f"{API}/selections/{demo_id}", json={"servings": 3})

    assert bob.get(f"{API}/selections").get_json() == {"selections": []}
    assert bob.delete(f"{API}/selections/{demo_id}").status_code == 404
    assert bob.get(f"{API}/shopping-list").get_json()["total"] == 0
    assert len(alice.get(f"{API}/selections").get_json()["selections"]) == 1


# --- the shopping list -----------------------------------------------------------------------


def test_the_shopping_list_merges_selected_recipes(alice: Caller, demo_id: str) -> None:
    alice.put(f"{API}/selections/{demo_id}", json={"servings": 3})

    shopping = alice.get(f"{API}/shopping-list").get_json()

    assert shopping["recipes"] == [{"id": demo_id, "title": "Spaghetti Bolognese", "servings": 3}]
    assert shopping["system"] is None
    assert lines(shopping)["pancetta|mass"]["amount"] == "50 g"
    assert shopping["total"] == len(lines(shopping))


def test_the_shopping_list_converts_units(alice: Caller, demo_id: str) -> None:
    alice.put(f"{API}/selections/{demo_id}", json={"servings": 3})

    shopping = alice.get(f"{API}/shopping-list?units=us").get_json()

    assert shopping["system"] == "us"
    assert lines(shopping)["pancetta|mass"]["amount"] == "1 ¾ oz"
    assert alice.get(f"{API}/shopping-list?units=kg").status_code == 400


def test_checking_and_unchecking_lines(alice: Caller, demo_id: str) -> None:
    alice.put(f"{API}/selections/{demo_id}", json={})

    assert alice.post(line_url("pancetta|mass", "check")).status_code == 204
    shopping = alice.get(f"{API}/shopping-list").get_json()
    assert lines(shopping)["pancetta|mass"]["checked"] is True
    assert shopping["checked"] == 1

    assert alice.post(line_url("pancetta|mass", "uncheck")).status_code == 204
    assert alice.get(f"{API}/shopping-list").get_json()["checked"] == 0


def test_checking_a_line_not_on_the_list_is_404(alice: Caller, bob: Caller, demo_id: str) -> None:
    alice.put(f"{API}/selections/{demo_id}", json={})

    assert alice.post(line_url("unicorn|mass", "check")).status_code == 404
    assert bob.post(line_url("pancetta|mass", "check")).status_code == 404


def test_checking_an_items_line_checks_the_item(alice: Caller) -> None:
    item = alice.post(f"{API}/shopping-list/items", json={"text": "paper towels"}).get_json()

    assert alice.post(line_url(f"item:{item['id']}", "check")).status_code == 204

    assert alice.get(f"{API}/shopping-list/items").get_json()["items"][0]["checked"] is True


def test_clearing_checked_drops_checked_items_and_unchecks_lines(
    alice: Caller, demo_id: str
) -> None:
    alice.put(f"{API}/selections/{demo_id}", json={})
    keep = alice.post(f"{API}/shopping-list/items", json={"text": "soap"}).get_json()
    alice.post(f"{API}/shopping-list/items", json={"text": "bread", "checked": True})
    alice.post(line_url("pancetta|mass", "check"))

    assert alice.post(f"{API}/shopping-list/clear-checked").status_code == 204

    assert alice.get(f"{API}/shopping-list/items").get_json() == {"items": [keep]}
    assert alice.get(f"{API}/shopping-list").get_json()["checked"] == 0


# --- manual items --------------------------------------------------------------------------


def test_adding_checking_and_deleting_items(alice: Caller) -> None:
    response = alice.post(f"{API}/shopping-list/items", json={"text": "  2   lemons "})
    assert response.status_code == 201
    item = response.get_json()
    assert (item["text"], item["checked"]) == ("2 lemons", False)
    url = f"{API}/shopping-list/items/{item['id']}"

    assert alice.post(f"{url}/check").status_code == 204
    assert alice.get(f"{API}/shopping-list/items").get_json() == {
        "items": [item | {"checked": True}]
    }
    assert alice.post(f"{url}/uncheck").status_code == 204
    assert alice.get(f"{API}/shopping-list/items").get_json() == {"items": [item]}
    assert alice.delete(url).status_code == 204
    assert alice.get(f"{API}/shopping-list/items").get_json() == {"items": []}
    assert alice.delete(url).status_code == 404


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "text: is required"),
        ({"text": ""}, "text: must not be empty"),
        ({"text": ["soap"]}, "text: must be a string"),
        ({"text": "x" * 201}, "text: must be at most 200 characters"),
        ({"text": "soap", "checked": "yes"}, "checked: must be true or false"),
    ],
)
def test_items_are_validated(alice: Caller, body: dict[str, Any], message: str) -> None:
    response = alice.post(f"{API}/shopping-list/items", json=body)

    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == message


def test_nobody_touches_another_persons_items(alice: Caller, bob: Caller) -> None:
    item = alice.post(f"{API}/shopping-list/items", json={"text": "soap"}).get_json()
    url = f"{API}/shopping-list/items/{item['id']}"

    assert bob.get(f"{API}/shopping-list/items").get_json() == {"items": []}
    assert bob.post(f"{url}/check").status_code == 404
    assert bob.post(f"{url}/uncheck").status_code == 404
    assert bob.delete(url).status_code == 404
    assert bob.post(line_url(f"item:{item['id']}", "check")).status_code == 404
    assert alice.get(f"{API}/shopping-list/items").get_json() == {"items": [item]}


# --- pantry staples ------------------------------------------------------------------------


def test_staples_start_as_the_defaults_and_are_replaced(alice: Caller, bob: Caller) -> None:
    assert alice.get(f"{API}/staples").get_json() == {
        "staples": ["salt", "pepper", "water", "oil"],
        "defaults": True,
    }

    response = alice.put(f"{API}/staples", json={"staples": ["Salt", " olive  oil", "salt"]})

    assert response.status_code == 200
    assert response.get_json() == {"staples": ["salt", "olive oil"], "defaults": False}
    assert alice.get(f"{API}/staples").get_json() == response.get_json()
    assert bob.get(f"{API}/staples").get_json()["defaults"] is True


def test_staples_move_recipe_foods_to_check_at_home(alice: Caller, demo_id: str) -> None:
    alice.put(f"{API}/selections/{demo_id}", json={})
    alice.put(f"{API}/staples", json={"staples": ["pancetta"]})

    shopping = alice.get(f"{API}/shopping-list").get_json()

    assert [line["key"] for line in shopping["staples"]] == ["pancetta|mass"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "staples: is required"),
        ({"staples": "salt"}, "staples: must be a list of strings"),
        ({"staples": ["salt", None]}, "staples[1]: must be a string"),
        ({"staples": ["x"] * 201}, "staples: must have at most 200 entries"),
    ],
)
def test_staples_are_validated(alice: Caller, body: dict[str, Any], message: str) -> None:
    response = alice.put(f"{API}/staples", json=body)

    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == message
