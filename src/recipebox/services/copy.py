"""Copy every record from one store to another (any backends), then prove both ends agree.

`copy_data` streams each entity kind in ENTITY_KINDS order (parents first) with `dump` and
writes it with `load` in chunks of at most 500 records and ~2 MB (small enough for one remote
request), so memory stays flat and any backend pair works: MariaDB to DynamoDB, DynamoDB to
SQLite, or either end behind the data function.

Idempotent and resumable: `load` replaces records with the same ids, and before copying a
kind the target's records of that kind are fingerprinted, so records already there unchanged
are skipped. A copy that was interrupted (or failed part-way) is finished by running it again;
each chunk is its own transaction, so an interrupted copy leaves whole chunks behind.

Verification: for every kind, the count and a checksum of the source's records (taken while
copying) must equal those of the target's (read back at the end), or CopyMismatch names the
kind. The checksum is the SHA-256 of the sorted SHA-256 digests of each record's canonical
JSON (sorted keys, no spaces, UTF-8), so it does not depend on the order a backend yields
records in, and needs 32 bytes per record rather than the records themselves. The source
should not change during a copy; if it does, verification fails and a re-run catches up.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from recipebox.domain.errors import Conflict
from recipebox.store.protocol import ENTITY_KINDS, Store

Record = dict[str, Any]
Progress = Callable[[str, int], None]  # (kind, records of that kind processed so far)
CHUNK_RECORDS = 500
CHUNK_BYTES = 2_000_000


class CopyMismatch(Conflict):
    """After copying, the target's records of a kind differ from the source's."""


@dataclass(frozen=True, slots=True)
class KindReport:
    """One entity kind, verified: `count` records on both ends, `written` by this run.

    Records not written were already in the target, unchanged (a resumed or repeated copy).
    """

    kind: str
    count: int
    written: int
    checksum: str


@dataclass(frozen=True, slots=True)
class CopyReport:
    kinds: tuple[KindReport, ...]

    @property
    def count(self) -> int:
        return sum(kind.count for kind in self.kinds)

    @property
    def written(self) -> int:
        return sum(kind.written for kind in self.kinds)


def canonical(record: Record) -> bytes:
    """The one byte form of a record that checksums are taken over."""
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


class Fingerprint:
    """Count and order-independent checksum of a set of records, fed one at a time."""

    def __init__(self) -> None:
        self.digests: list[bytes] = []

    def add(self, data: bytes) -> bytes:
        digest = hashlib.sha256(data).digest()
        self.digests.append(digest)
        return digest

    @property
    def count(self) -> int:
        return len(self.digests)

    @property
    def checksum(self) -> str:
        return hashlib.sha256(b"".join(sorted(self.digests))).hexdigest()


def fingerprint(records: Iterable[Record]) -> Fingerprint:
    """The count and checksum of `records`."""
    result = Fingerprint()
    for record in records:
        result.add(canonical(record))
    return result


def copy_data(
    source: Store,
    target: Store,
    progress: Progress | None = None,
    *,
    chunk_records: int = CHUNK_RECORDS,
    chunk_bytes: int = CHUNK_BYTES,
) -> CopyReport:
    """Copy every record of `source` into `target`, verify, and report per kind.

    `progress(kind, n)` is called after each chunk written and once at the end of each kind.
    Raises CopyMismatch naming the first kind whose count or checksum differs at the end.
    """
    copied: list[tuple[str, Fingerprint, int]] = []
    for kind in ENTITY_KINDS:
        present = set(fingerprint(target.dump(kind)).digests)
        sent, written = Fingerprint(), 0
        chunk: list[Record] = []
        size = 0
        for record in source.dump(kind):
            data = canonical(record)
            if sent.add(data) in present:
                continue
            chunk.append(record)
            size += len(data)
            if len(chunk) >= chunk_records or size >= chunk_bytes:
                target.load({kind: chunk})
                written += len(chunk)
                chunk, size = [], 0
                if progress is not None:
                    progress(kind, sent.count)
        if chunk:
            target.load({kind: chunk})
            written += len(chunk)
        if progress is not None:
            progress(kind, sent.count)
        copied.append((kind, sent, written))
    return CopyReport(tuple(_verify(target, kind, sent, written) for kind, sent, written in copied))


def _verify(target: Store, kind: str, sent: Fingerprint, written: int) -> KindReport:
    # Read back after every kind was written: loading a later kind must not have changed an
    # earlier one either.
    found = fingerprint(target.dump(kind))
    if (found.count, found.checksum) != (sent.count, sent.checksum):
        raise CopyMismatch(
            f"{kind}: the source has {sent.count} records (sha256 {sent.checksum[:12]}),"
            f" the target {found.count} (sha256 {found.checksum[:12]}); the target may hold"
            " other records, or the source changed during the copy: run it again"
        )
    return KindReport(kind, sent.count, written, sent.checksum)
