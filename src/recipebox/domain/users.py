"""Users, their sign-in identities (provider + subject) and personal access tokens."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from recipebox.domain.ids import new_id


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass(slots=True)
class User:
    """A person. Identified for sign-in by one or more `Identity` rows."""

    name: str
    display_name: str = ""
    avatar_url: str | None = None
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=_now)


@dataclass(frozen=True, slots=True)
class Identity:
    """A sign-in account: `provider` ("github", "google", "dev", ...) and its stable `subject`."""

    provider: str
    subject: str
    user_id: str


@dataclass(frozen=True, slots=True)
class AccessToken:
    """A personal access token; only the SHA-256 of the secret is stored."""

    user_id: str
    name: str
    token_hash: str
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=_now)
