"""Domain exceptions, raised by every storage backend and the domain itself."""


class RecipeboxError(Exception):
    """Base class of every error recipebox raises on purpose."""


class NotFound(RecipeboxError):
    """The requested object does not exist (or is not visible to the caller)."""


class Conflict(RecipeboxError):
    """The change conflicts with the current state (duplicate, concurrent change)."""


class Invalid(RecipeboxError):
    """The input is malformed; the message says what and where."""


class StorageUnavailable(RecipeboxError):
    """The storage backend cannot be reached right now; retrying later may work."""
