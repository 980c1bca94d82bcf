"""Seed data: the demo recipes and a deterministic synthetic data generator, with stable ids."""

from __future__ import annotations

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def crockford(value: int, length: int) -> str:
    """Write the low `5 * length` bits of `value` in Crockford base32, as ULIDs are written."""
    chars = [_CROCKFORD[(value >> (5 * i)) & 31] for i in range(length)]
    return "".join(reversed(chars))
