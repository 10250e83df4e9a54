"""Transactions that do not lose to other connections.

Several processes share the file: a crawl writes while an auditor runs ``govwatch audit``
or ``report``, which write their results too. A deferred transaction (plain ``BEGIN``,
what sqlite-utils' ``atomic()`` opens) that reads and then writes fails at once with
SQLITE_BUSY_SNAPSHOT when another connection commits between the read and the first
write: its snapshot is stale, and the busy timeout does not retry that. So every write
transaction here takes the write lock first (``BEGIN IMMEDIATE``), and the busy timeout
waits for another writer instead. Reads that must agree with each other share one
snapshot (:func:`read_snapshot`), held only while they run, so it never keeps the WAL
from being checkpointed for longer than that.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlite_utils


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One transaction holding the write lock from its start; a savepoint inside an open one."""
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    with _transaction(db, "BEGIN IMMEDIATE"):
        yield db


@contextmanager
def read_snapshot(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Reads that see one state of the database, whatever other connections commit meanwhile.

    Nothing may be written inside it (a write would need the lock a deferred transaction
    cannot be sure to get); write afterwards with :func:`write_transaction`.
    """
    with _transaction(db, "BEGIN DEFERRED"):
        yield db


@contextmanager
def _transaction(db: sqlite_utils.Database, begin: str) -> Iterator[None]:
    """``begin``, then COMMIT, or ROLLBACK when the block or the commit fails."""
    db.execute(begin)
    try:
        yield
        db.execute("COMMIT")
    except BaseException:
        db.rollback()
        raise
