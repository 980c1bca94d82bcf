"""Application-generated ids: ULIDs (time-ordered, 26 chars), so data moves between backends.

Written by hand: a ULID is 48 bits of milliseconds plus 80 random bits in Crockford base32,
a dozen lines; no dependency is worth it, and the domain stays standard-library only.
"""

from __future__ import annotations

import secrets
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_id() -> str:
    """Return a new ULID string."""
    value = (time.time_ns() // 1_000_000) << 80 | secrets.randbits(80)
    chars = []
    for _ in range(26):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))
