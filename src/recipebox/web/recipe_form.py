"""The recipe editor's fields: read from a form, validated, and turned into a `Recipe`.

Ingredients are typed one per line ("For the sauce:" starts a section) and parsed by
`recipebox.domain.parsing`; every line keeps its original text.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from recipebox.domain.parsing import parse_ingredients
from recipebox.domain.recipes import IngredientLine, Recipe
from recipebox.web.importing import ImportedRecipe

TITLE_MAX = 200
TEXT_MAX = 20_000
SERVINGS_MIN, SERVINGS_MAX = 1, 100
LINES_MAX = 200
TAGS_MAX = 20
URL_MAX = 2000
_STEP_NUMBER = re.compile(r"^\s*(?:step\s*)?\d+\s*[.):]\s+", re.IGNORECASE)


@dataclass(slots=True)
class RecipeForm:
    """The editor's fields as typed (strings), so a form with errors shows them back."""

    title: str = ""
    description: str = ""
    servings: str = "4"
    ingredients: str = ""
    steps: str = ""
    tags: str = ""
    source_url: str = ""
    image_url: str = ""

    @classmethod
    def from_mapping(cls, data: Mapping[str, str]) -> RecipeForm:
        """Read the posted fields (missing ones are empty)."""
        names = [f.name for f in dataclasses.fields(cls)]
        return cls(**{name: str(data.get(name, "")).strip() for name in names})

    @classmethod
    def from_recipe(cls, recipe: Recipe) -> RecipeForm:
        """The fields that reproduce `recipe` (section headings written back as "Name:")."""
        lines: list[str] = []
        section: str | None = None
        for line in recipe.ingredients:
            if line.section and line.section != section:
                lines.append(f"{line.section}:")
            section = line.section
            lines.append(line.text)
        return cls(
            title=recipe.title,
            description=recipe.description,
            servings=str(recipe.servings),
            ingredients="\n".join(lines),
            steps="\n".join(recipe.steps),
            tags=", ".join(recipe.tags),
            source_url=recipe.source_url or "",
            image_url=recipe.image_url or "",
        )

    @classmethod
    def from_import(cls, imported: ImportedRecipe) -> RecipeForm:
        """The fields prefilled from an imported page."""
        return cls(
            title=imported.title,
            description=imported.description,
            servings=str(imported.servings or 4),
            ingredients="\n".join(imported.ingredients),
            steps="\n".join(imported.steps),
            tags=", ".join(parse_tags(", ".join(imported.tags))),
            source_url=imported.source_url,
            image_url=imported.image_url or "",
        )

    def ingredient_lines(self) -> list[IngredientLine]:
        """The parsed ingredient lines (headings become sections)."""
        typed = [line.strip() for line in self.ingredients.splitlines()]
        return parse_ingredients([line for line in typed if line][:LINES_MAX])

    def step_list(self) -> list[str]:
        """One step per non-empty line, without typed numbering ("1. ")."""
        steps = (_STEP_NUMBER.sub("", line).strip() for line in self.steps.splitlines())
        return [step for step in steps if step]

    def tag_list(self) -> list[str]:
        return parse_tags(self.tags)

    def errors(self) -> dict[str, str]:
        """Field name -> what is wrong with it; empty when the form is valid."""
        errors: dict[str, str] = {}
        if not self.title:
            errors["title"] = "Give the recipe a title."
        elif len(self.title) > TITLE_MAX:
            errors["title"] = f"Keep the title under {TITLE_MAX} characters."
        servings = _int(self.servings)
        if servings is None or not SERVINGS_MIN <= servings <= SERVINGS_MAX:
            errors["servings"] = (
                f"Servings must be a whole number from {SERVINGS_MIN} to {SERVINGS_MAX}."
            )
        if not self.ingredient_lines():
            errors["ingredients"] = "Add at least one ingredient, one per line."
        elif len(self.ingredients.splitlines()) > LINES_MAX:
            errors["ingredients"] = f"Use at most {LINES_MAX} lines."
        for name in ("description", "ingredients", "steps"):
            if len(getattr(self, name)) > TEXT_MAX:
                errors[name] = f"Keep this under {TEXT_MAX:,} characters."
        for name in ("source_url", "image_url"):
            problem = url_problem(getattr(self, name))
            if problem:
                errors[name] = problem
        if len(self.tag_list()) > TAGS_MAX:
            errors["tags"] = f"Use at most {TAGS_MAX} tags."
        return errors

    def to_recipe(self, *, owner_id: str, base: Recipe | None = None) -> Recipe:
        """A new recipe owned by `owner_id`, or `base` updated (id and created_at kept)."""
        recipe = base or Recipe(title=self.title, owner_id=owner_id)
        return dataclasses.replace(
            recipe,
            title=self.title,
            description=self.description,
            servings=_int(self.servings) or 4,
            ingredients=self.ingredient_lines(),
            steps=self.step_list(),
            tags=self.tag_list(),
            source_url=self.source_url or None,
            image_url=self.image_url or None,
            updated_at=datetime.now(UTC).replace(microsecond=0),
        )


def parse_tags(text: str) -> list[str]:
    """Comma-separated tags, lower case, trimmed, without duplicates, order kept."""
    tags = (" ".join(tag.split()).lower()[:40] for tag in text.split(","))
    return list(dict.fromkeys(tag for tag in tags if tag))


def url_problem(url: str) -> str | None:
    """Why `url` is not an acceptable link (None when empty or fine)."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > URL_MAX:
        return "Use a full web address starting with http:// or https://."
    return None


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None
