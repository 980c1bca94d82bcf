"""/api/v1/recipes: search, read scaled and converted, create, replace, patch, delete."""

from __future__ import annotations

from typing import Any

import pytest
from api_callers import API, NEW_RECIPE, Caller, assert_conforms


def test_search_finds_demo_recipes_by_words_and_tags(alice: Caller) -> None:
    hits = alice.get(f"{API}/recipes?q=bolognese").get_json()
    tagged = alice.get(f"{API}/recipes?tag=vegetarian&per_page=100").get_json()

    assert hits["items"][0]["title"] == "Spaghetti Bolognese"
    assert tagged["total"] == len(tagged["items"]) > 0
    assert all("vegetarian" in item["tags"] for item in tagged["items"])


def test_search_pages_through_everything(alice: Caller) -> None:
    first = alice.get(f"{API}/recipes?per_page=7").get_json()
    last = alice.get(f"{API}/recipes?per_page=7&page={first['pages']}").get_json()

    assert (first["page"], first["per_page"], len(first["items"])) == (1, 7, 7)
    assert first["pages"] == -(-first["total"] // 7)
    assert 0 < len(last["items"]) <= 7
    assert (
        alice.get(f"{API}/recipes?per_page=7&page={first['pages'] + 1}").get_json()["items"] == []
    )


def test_search_mine_lists_only_the_callers_recipes(
    alice: Caller, bob: Caller, alices_recipe: dict[str, Any]
) -> None:
    assert [r["id"] for r in alice.get(f"{API}/recipes?mine=true").get_json()["items"]] == [
        alices_recipe["id"]
    ]
    assert bob.get(f"{API}/recipes?mine=true").get_json()["total"] == 0


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("page=0", "page: must be between 1 and 10000"),
        ("page=x", "page: must be an integer"),
        ("per_page=101", "per_page: must be between 1 and 100"),
        ("per_page=1.5", "per_page: must be an integer"),
        ("mine=yes", "mine: must be one of true, false"),
        ("q=" + "x" * 201, "q: must be at most 200 characters"),
        ("q=a%00b", "q: must not contain NUL characters"),
    ],
)
def test_search_rejects_bad_parameters(alice: Caller, query: str, message: str) -> None:
    response = alice.get(f"{API}/recipes?{query}")

    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == message


def test_a_recipe_reads_as_stored(alice: Caller, demo_id: str) -> None:
    recipe = alice.get(f"{API}/recipes/{demo_id}").get_json()

    assert (recipe["title"], recipe["servings"], recipe["base_servings"]) == (
        "Spaghetti Bolognese",
        6,
        6,
    )
    assert (recipe["owner_id"], recipe["editable"], recipe["units"]) == (None, False, None)
    assert recipe["ingredients"][1] == {
        "text": "100 g pancetta, diced",
        "quantity": "100",
        "unit": "g",
        "food": "pancetta",
        "note": "diced",
        "section": None,
        "amount": "100 g",
        "display": "100 g pancetta, diced",
    }


def test_a_recipe_scales_and_converts_keeping_the_original_text(
    alice: Caller, demo_id: str
) -> None:
    recipe = alice.get(f"{API}/recipes/{demo_id}?servings=3&units=us").get_json()

    assert (recipe["servings"], recipe["base_servings"], recipe["units"]) == (3, 6, "us")
    pancetta = recipe["ingredients"][1]
    assert (pancetta["text"], pancetta["quantity"], pancetta["unit"]) == (
        "100 g pancetta, diced",
        "50",
        "g",
    )
    assert pancetta["amount"] == "1 ¾ oz"
    assert pancetta["display"] == "1 ¾ oz pancetta, diced"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("servings=0", "servings: must be between 1 and 100"),
        ("servings=two", "servings: must be an integer"),
        ("units=imperial", "units: must be one of metric, us"),
    ],
)
def test_reading_rejects_bad_parameters(
    alice: Caller, demo_id: str, query: str, message: str
) -> None:
    response = alice.get(f"{API}/recipes/{demo_id}?{query}")

    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == message


def test_an_unknown_recipe_is_404(alice: Caller) -> None:
    response = alice.get(f"{API}/recipes/0NOSUCHRECIPE")

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_creating_parses_lines_server_side_and_keeps_their_text(
    alice: Caller, alices_recipe: dict[str, Any]
) -> None:
    assert alice.user is not None
    assert alices_recipe["owner_id"] == alice.user.id
    assert alices_recipe["editable"] is True
    assert alices_recipe["tags"] == ["breakfast", "quick"]
    assert [line["text"] for line in alices_recipe["ingredients"]] == [
        "200 g flour",
        "2 eggs",
        "300 ml milk",
        "a pinch of salt",
    ]
    assert alices_recipe["ingredients"][0] | {"section": "?"} == {
        "text": "200 g flour",
        "quantity": "200",
        "unit": "g",
        "food": "flour",
        "note": "",
        "section": "?",
        "amount": "200 g",
        "display": "200 g flour",
    }
    assert {line["section"] for line in alices_recipe["ingredients"]} == {"Batter"}
    assert alice.get(f"{API}/recipes/{alices_recipe['id']}").get_json() == alices_recipe


def test_creating_answers_with_the_location(alice: Caller) -> None:
    response = alice.post(
        f"{API}/recipes", json={"title": "Toast", "ingredients": ["1 slice bread"]}
    )

    assert response.status_code == 201
    assert response.headers["Location"].endswith(f"{API}/recipes/{response.get_json()['id']}")
    assert response.get_json()["servings"] == 4


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": None}, "title: must be a string"),
        ({"title": "  "}, "title: must not be empty"),
        ({"title": "x" * 201}, "title: must be at most 200 characters"),
        ({"servings": "4"}, "servings: must be an integer"),
        ({"servings": True}, "servings: must be an integer"),
        ({"servings": 4.5}, "servings: must be an integer"),
        ({"servings": 0}, "servings: must be between 1 and 100"),
        ({"ingredients": "2 eggs"}, "ingredients: must be a list of strings"),
        ({"ingredients": ["2 eggs", 3]}, "ingredients[1]: must be a string"),
        ({"ingredients": []}, "ingredients: must have at least one line"),
        ({"ingredients": ["  "]}, "ingredients[0]: must not be empty"),
        ({"ingredients": ["egg"] * 201}, "ingredients: must have at most 200 entries"),
        ({"steps": [""]}, "steps[0]: must not be empty"),
        ({"tags": ["x" * 41]}, "tags[0]: must be at most 40 characters"),
        ({"source_url": "javascript:alert(1)"}, "source_url: must be an http or https URL"),
        ({"image_url": 5}, "image_url: must be a string"),
        ({"description": "a\x00b"}, "description: must not contain NUL characters"),
        (
            {"owner_id": "someone"},
            "owner_id: unknown field (allowed: description, image_url, "
            "ingredients, servings, source_url, steps, tags, title)",
        ),
    ],
)
def test_creating_validates_every_field(
    alice: Caller, change: dict[str, Any], message: str
) -> None:
    response = alice.post(f"{API}/recipes", json=NEW_RECIPE | change)

    assert response.status_code == 400
    assert response.get_json() == {"error": {"code": "bad_request", "message": message}}


@pytest.mark.parametrize("missing", ["title", "ingredients"])
def test_creating_requires_title_and_ingredients(alice: Caller, missing: str) -> None:
    body = {k: v for k, v in NEW_RECIPE.items() if k != missing}

    response = alice.post(f"{API}/recipes", json=body)

    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == f"{missing}: is required"


@pytest.mark.parametrize(
    ("data", "content_type", "status", "message"),
    [
        ("not json", "application/json", 400, "the body is not valid JSON"),
        ('{"title": "x", "servings": NaN}', "application/json", 400, "not valid JSON"),
        ("[1, 2]", "application/json", 400, "the body must be a JSON object"),
        ('{"title": "x"}', "text/plain", 415, "Content-Type: application/json"),
        ("title=x", "application/x-www-form-urlencoded", 415, "Content-Type: application/json"),
        (b"\xff\xfe", "application/json", 400, "the body is not valid JSON"),
    ],
)
def test_bodies_must_be_json_objects(
    alice_token: Caller, data: Any, content_type: str, status: int, message: str
) -> None:
    response = alice_token.post(f"{API}/recipes", data=data, content_type=content_type)

    assert response.status_code == status
    assert message in response.get_json()["error"]["message"]


def test_bodies_over_one_megabyte_are_413(alice_token: Caller) -> None:
    big = {"title": "Big", "ingredients": ["1 egg"], "description": "x" * (1024 * 1024)}

    response = alice_token.post(f"{API}/recipes", json=big)

    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


def test_the_owner_replaces_a_recipe_resetting_left_out_fields(
    alice: Caller, alices_recipe: dict[str, Any]
) -> None:
    url = f"{API}/recipes/{alices_recipe['id']}"

    response = alice.put(url, json={"title": "Plain pancakes", "ingredients": ["1 egg"]})

    assert response.status_code == 200
    replaced = response.get_json()
    assert (replaced["title"], replaced["servings"], replaced["tags"], replaced["steps"]) == (
        "Plain pancakes",
        4,
        [],
        [],
    )
    assert [line["text"] for line in replaced["ingredients"]] == ["1 egg"]
    assert replaced["created_at"] == alices_recipe["created_at"]
    assert alice.get(url).get_json() == replaced


def test_the_owner_patches_some_fields(alice: Caller, alices_recipe: dict[str, Any]) -> None:
    url = f"{API}/recipes/{alices_recipe['id']}"

    response = alice.patch(url, json={"servings": 3, "image_url": "https://example.org/p.jpg"})

    assert response.status_code == 200
    patched = response.get_json()
    assert (patched["servings"], patched["image_url"]) == (3, "https://example.org/p.jpg")
    assert patched["ingredients"] == alices_recipe["ingredients"]
    assert patched["title"] == alices_recipe["title"]
    assert alice.patch(url, json={"image_url": ""}).get_json()["image_url"] is None


def test_patch_validates_like_create(alice: Caller, alices_recipe: dict[str, Any]) -> None:
    response = alice.patch(f"{API}/recipes/{alices_recipe['id']}", json={"servings": -1})

    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == "servings: must be between 1 and 100"


def test_the_owner_deletes_a_recipe_and_it_leaves_every_list(
    alice: Caller, bob: Caller, alices_recipe: dict[str, Any]
) -> None:
    url = f"{API}/recipes/{alices_recipe['id']}"
    bob.put(f"{API}/selections/{alices_recipe['id']}", json={})

    assert alice.delete(url).status_code == 204

    assert alice.get(url).status_code == 404
    assert alice.delete(url).status_code == 404
    assert bob.get(f"{API}/selections").get_json() == {"selections": []}


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_others_cannot_change_a_recipe(
    bob: Caller, alice: Caller, alices_recipe: dict[str, Any], method: str
) -> None:
    url = f"{API}/recipes/{alices_recipe['id']}"

    response = bob.call(method, url, json={"title": "Bob's now", "ingredients": ["1 egg"]})

    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    assert alice.get(url).get_json() == alices_recipe


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_nobody_changes_the_shared_demo_recipes(alice: Caller, demo_id: str, method: str) -> None:
    response = alice.call(method, f"{API}/recipes/{demo_id}", json={"title": "Mine"})

    assert response.status_code == 403


def test_everyone_reads_everyones_recipes(bob: Caller, alices_recipe: dict[str, Any]) -> None:
    recipe = bob.get(f"{API}/recipes/{alices_recipe['id']}").get_json()

    assert recipe == alices_recipe | {"editable": False}
    assert_conforms(recipe, "Recipe")


def test_unknown_methods_are_405_json(alice: Caller, demo_id: str) -> None:
    response = alice.call("POST", f"{API}/recipes/{demo_id}", json={})

    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "PUT", "PATCH", "DELETE"}


def test_unknown_api_paths_are_404_json(alice: Caller) -> None:
    response = alice.get(f"{API}/nothing-here")

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_ids_holding_nul_are_404(alice: Caller) -> None:
    response = alice.get(f"{API}/recipes/abc%00def")

    assert response.status_code == 404
