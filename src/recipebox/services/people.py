"""Local users, addressed by name from the CLI and the development sign-in."""

from __future__ import annotations

from recipebox.domain.errors import Conflict, Invalid
from recipebox.domain.users import Identity, User
from recipebox.store.protocol import Store

LOCAL_PROVIDER = "local"


def local_user(store: Store, name: str, *, create: bool = True) -> User | None:
    """Return the local user called `name`, creating it when `create` is set."""
    name = name.strip()
    if not name:
        raise Invalid("a user name must not be empty")
    user = store.user_for_identity(LOCAL_PROVIDER, name)
    if user is not None or not create:
        return user
    user = User(name=name, display_name=name)
    try:
        return store.add_user(user, Identity(LOCAL_PROVIDER, name, user.id))
    except Conflict:  # created concurrently by another process: use theirs
        return store.user_for_identity(LOCAL_PROVIDER, name)
