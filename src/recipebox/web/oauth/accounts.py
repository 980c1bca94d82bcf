"""Accounts from sign-in identities: find or create on sign-in, link a second provider."""

from __future__ import annotations

from recipebox.domain.errors import Conflict
from recipebox.domain.users import Identity, User
from recipebox.store.protocol import Store
from recipebox.web.oauth.failures import SignInFailed
from recipebox.web.oauth.providers import Profile, Provider


def account_for(store: Store, provider: Provider, profile: Profile) -> User:
    """The user this identity signs in, created (named after the profile) on first sign-in."""
    user = store.user_for_identity(provider.name, profile.subject)
    if user is not None:
        return user
    user = User(
        name=profile.username, display_name=profile.display_name, avatar_url=profile.avatar_url
    )
    try:
        return store.add_user(user, Identity(provider.name, profile.subject, user.id))
    except Conflict:  # the same first sign-in finished meanwhile in another tab: use that user
        existing = store.user_for_identity(provider.name, profile.subject)
        if existing is None:
            raise
        return existing


def link_account(store: Store, user: User, provider: Provider, profile: Profile) -> bool:
    """Attach the identity to `user`; False when it already was. SignInFailed when taken."""
    linked = {i.provider: i.subject for i in store.identities(user.id)}
    if linked.get(provider.name) == profile.subject:
        return False
    if provider.name in linked:  # unlinking is per provider: one identity per provider
        raise SignInFailed("other_account", provider.label)
    try:
        store.link_identity(Identity(provider.name, profile.subject, user.id))
    except Conflict as exc:
        raise SignInFailed("taken", provider.label, str(exc)) from exc
    return True
