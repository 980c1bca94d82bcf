"""Sign-in providers as data: the built-in kinds, a configured provider, and profile reading.

Adding a provider is configuration (`RECIPEBOX_OAUTH_<NAME>_*`, see docs/auth.md); adding a
kind of provider is a row in KINDS. Nothing here imports Authlib.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from recipebox.config import PREFIX, OAuthClientSettings

WELL_KNOWN = "/.well-known/openid-configuration"
# Column sizes of the users and identities tables.
NAME_MAX = 200
URL_MAX = 2000
SUBJECT_MAX = 255


@dataclass(frozen=True, slots=True)
class ProfileFields:
    """Where a provider's profile JSON keeps each field; the first non-empty candidate wins."""

    subject: str
    username: tuple[str, ...]
    display_name: tuple[str, ...]
    avatar: tuple[str, ...]
    envelope: str = ""  # the key the profile is wrapped in, e.g. X's {"data": {...}}


OIDC_FIELDS = ProfileFields(
    subject="sub",
    username=("preferred_username", "email", "name"),
    display_name=("name", "preferred_username", "email"),
    avatar=("picture",),
)


@dataclass(frozen=True, slots=True)
class Kind:
    """What every provider of one kind shares. Per-provider settings override the URLs."""

    label: str = ""  # button text; "" uses the provider's name, capitalised
    openid: bool = False  # OpenID Connect: endpoints and keys come from the discovery document
    discovery_url: str = ""
    authorize_url: str = ""
    token_url: str = ""
    api_base_url: str = ""
    profile_path: str = ""  # OAuth 2.0 only: the profile, relative to api_base_url
    scope: str = "openid email profile"
    fields: ProfileFields = OIDC_FIELDS


KINDS: dict[str, Kind] = {
    # https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
    "github": Kind(
        label="GitHub",
        authorize_url="https://github.com/login/oauth/authorize",
        token_url="https://github.com/login/oauth/access_token",  # noqa: S106 - a URL
        api_base_url="https://api.github.com/",
        profile_path="user",
        scope="read:user",
        fields=ProfileFields("id", ("login",), ("name", "login"), ("avatar_url",)),
    ),
    # https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/authorization-code
    # (users/me needs tweet.read as well as users.read).
    "x": Kind(
        label="X",
        authorize_url="https://x.com/i/oauth2/authorize",
        token_url="https://api.x.com/2/oauth2/token",  # noqa: S106 - a URL
        api_base_url="https://api.x.com/2/",
        profile_path="users/me?user.fields=profile_image_url",
        scope="users.read tweet.read",
        fields=ProfileFields(
            "id", ("username",), ("name", "username"), ("profile_image_url",), envelope="data"
        ),
    ),
    "google": Kind(
        label="Google",
        openid=True,
        discovery_url="https://accounts.google.com/.well-known/openid-configuration",
    ),
    # Cognito's ID token names the user `cognito:username` (preferred_username is optional).
    "cognito": Kind(
        openid=True,
        fields=ProfileFields(
            "sub",
            ("preferred_username", "cognito:username", "email", "name"),
            ("name", "preferred_username", "email", "cognito:username"),
            ("picture",),
        ),
    ),
    "oidc": Kind(openid=True),
}

# The development sign-in keeps its users under the provider "local": no configured provider
# may take that name, or it could sign in as any local user.
RESERVED_NAMES = frozenset({"local", "dev"})
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,39}\Z")


class ProviderConfigError(ValueError):
    """A `RECIPEBOX_OAUTH_<NAME>_*` group that cannot work; the message names the variable."""


class ProfileError(ValueError):
    """A provider's profile without the fields a sign-in needs."""


@dataclass(frozen=True, slots=True)
class Provider:
    """A configured sign-in provider, its kind's defaults filled in."""

    name: str
    kind: str
    label: str
    client_id: str
    client_secret: str = field(repr=False)
    scope: str
    openid: bool
    discovery_url: str  # OpenID Connect only
    issuer: str  # when set, ID tokens must carry this `iss` (a final "/" aside)
    authorize_url: str  # "" takes the discovery document's
    token_url: str  # "" takes the discovery document's
    profile_url: str  # OAuth 2.0: the profile; OpenID Connect: a userinfo override or ""
    fields: ProfileFields


def resolve(entry: OAuthClientSettings) -> Provider:
    """The provider `entry` configures, or ProviderConfigError saying what to set."""
    env = f"{PREFIX}OAUTH_{entry.name.upper().replace('-', '_')}_"
    if not NAME_PATTERN.match(entry.name) or entry.name in RESERVED_NAMES:
        raise ProviderConfigError(
            f"{env}*: the provider name {entry.name!r} must be 1-40 letters, digits or '_', "
            f"and not one of {sorted(RESERVED_NAMES)}"
        )
    kind_name = entry.kind.lower() or (entry.name if entry.name in KINDS else "oidc")
    kind = KINDS.get(kind_name)
    if kind is None:
        raise ProviderConfigError(f"{env}KIND={entry.kind!r}: use one of {sorted(KINDS)}")
    if not entry.client_id:
        raise ProviderConfigError(f"{env}CLIENT_ID is not set")
    issuer = entry.issuer
    discovery_url = entry.discovery_url or (
        issuer.rstrip("/") + WELL_KNOWN if issuer else kind.discovery_url
    )
    scope = entry.scope or kind.scope
    if kind.openid and not discovery_url:
        raise ProviderConfigError(f"set {env}DISCOVERY_URL or {env}ISSUER (kind {kind_name})")
    if kind.openid and "openid" not in scope.split():
        raise ProviderConfigError(f"{env}SCOPE must include 'openid' (kind {kind_name})")
    profile_url = entry.userinfo_url
    if not profile_url and kind.profile_path:
        base = entry.api_base_url or kind.api_base_url
        profile_url = base.rstrip("/") + "/" + kind.profile_path
    return Provider(
        name=entry.name,
        kind=kind_name,
        label=entry.label or kind.label or entry.name.replace("-", " ").title(),
        client_id=entry.client_id,
        client_secret=entry.client_secret,
        scope=scope,
        openid=kind.openid,
        discovery_url=discovery_url if kind.openid else "",
        issuer=issuer,
        authorize_url=entry.authorize_url or kind.authorize_url,
        token_url=entry.token_url or kind.token_url,
        profile_url=profile_url,
        fields=kind.fields,
    )


@dataclass(frozen=True, slots=True)
class Profile:
    """Who the provider says signed in: a stable subject and what to show."""

    subject: str
    username: str
    display_name: str
    avatar_url: str | None = None


def _first(data: Mapping[str, Any], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return ""


def read_profile(fields: ProfileFields, data: object) -> Profile:
    """The profile in `data` (decoded JSON or ID token claims), mapped through `fields`."""
    if fields.envelope and isinstance(data, Mapping):
        data = data.get(fields.envelope)
    if not isinstance(data, Mapping):
        raise ProfileError("the profile is not a JSON object")
    subject = data.get(fields.subject)
    if isinstance(subject, bool) or not isinstance(subject, str | int) or subject == "":
        raise ProfileError(f"the profile has no {fields.subject!r}")
    subject = str(subject)
    if len(subject) > SUBJECT_MAX:
        raise ProfileError(f"the profile's {fields.subject!r} is too long")
    username = _first(data, fields.username) or subject
    avatar = _first(data, fields.avatar)
    return Profile(
        subject=subject,
        username=username[:NAME_MAX],
        display_name=(_first(data, fields.display_name) or username)[:NAME_MAX],
        # The pages' CSP allows https images only; longer URLs do not fit the column.
        avatar_url=avatar if avatar.startswith("https://") and len(avatar) <= URL_MAX else None,
    )
