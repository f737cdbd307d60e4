"""The store's schema, one migration a version: each runs once, in order, and is never edited
once released (a change is a new migration at the end)."""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: register, emitted records, processed files, register imports
    """
    CREATE TABLE register (
        key TEXT PRIMARY KEY,
        code TEXT, number TEXT NOT NULL, date TEXT,
        seller_name TEXT, seller_tax_id TEXT, buyer_name TEXT, buyer_tax_id TEXT,
        amount TEXT, tax TEXT, total TEXT,
        source TEXT NOT NULL, line INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX register_block ON register (seller_tax_id, date, total);
    CREATE TABLE emitted (
        record_id TEXT PRIMARY KEY,
        key TEXT,
        status TEXT NOT NULL,
        seller_tax_id TEXT, date TEXT, total TEXT, amount TEXT, number TEXT,
        run_id TEXT NOT NULL, emitted_at TEXT NOT NULL,
        record TEXT NOT NULL
    );
    CREATE INDEX emitted_key ON emitted (key);
    CREATE INDEX emitted_number ON emitted (number);
    CREATE INDEX emitted_block ON emitted (seller_tax_id, date, total);
    CREATE TABLE processed_files (
        sha256 TEXT PRIMARY KEY, file TEXT NOT NULL, run_id TEXT NOT NULL, processed_at TEXT NOT NULL
    );
    CREATE TABLE imports (
        sha256 TEXT PRIMARY KEY, file TEXT NOT NULL, rows_added INTEGER NOT NULL,
        rows_bad INTEGER NOT NULL, imported_at TEXT NOT NULL
    );
    """,
    # 2: the watch journal: finished batches and the file moves still to do (register/journal.py)
    """
    CREATE TABLE runs (
        run_id TEXT PRIMARY KEY, report TEXT NOT NULL, finished INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
    );
    CREATE TABLE pending_moves (
        run_id TEXT NOT NULL, source TEXT NOT NULL, sha256 TEXT, destination TEXT NOT NULL,
        PRIMARY KEY (run_id, source)
    );
    """,
    # 3: the review desk: every decision (audit trail) and accepted records awaiting export (register/desk.py)
    """
    CREATE TABLE review_decisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        record_id TEXT NOT NULL, user TEXT NOT NULL, at TEXT NOT NULL, action TEXT NOT NULL,
        changes TEXT NOT NULL, result TEXT NOT NULL, note TEXT
    );
    CREATE INDEX review_decisions_record ON review_decisions (record_id);
    CREATE TABLE review_exports (
        record_id TEXT PRIMARY KEY, decision_id INTEGER NOT NULL, accepted_at TEXT NOT NULL,
        exported_at TEXT, export_file TEXT
    );
    """,
    # 4: the tax platform's invoice list, one row per invoice and direction (register/platform.py)
    """
    CREATE TABLE platform (
        key TEXT NOT NULL, direction TEXT NOT NULL,
        code TEXT, number TEXT NOT NULL, date TEXT,
        seller_tax_id TEXT, seller_name TEXT, buyer_tax_id TEXT, buyer_name TEXT,
        amount TEXT, tax TEXT, total TEXT,
        origin TEXT, kind TEXT, status TEXT NOT NULL, status_text TEXT, positive INTEGER, risk TEXT,
        drawer TEXT, remarks TEXT, items INTEGER NOT NULL,
        file TEXT NOT NULL, line INTEGER NOT NULL, imported_at TEXT NOT NULL,
        PRIMARY KEY (key, direction)
    ) WITHOUT ROWID;
    CREATE INDEX platform_date ON platform (date);
    CREATE TABLE platform_imports (
        id INTEGER PRIMARY KEY AUTOINCREMENT, sha256 TEXT NOT NULL, file TEXT NOT NULL,
        direction TEXT NOT NULL, rows_added INTEGER NOT NULL, rows_updated INTEGER NOT NULL,
        rows_bad INTEGER NOT NULL, imported_at TEXT NOT NULL
    );
    """,
    # 5: `capture run` journals its batches too: the output folder (file-system bytes) its outputs
    # go to, NULL for a watch batch (register/journal.py)
    """
    ALTER TABLE runs ADD COLUMN out BLOB;
    """,
    # 6: the review desk's corrections of register rows ("the register row is wrong"): what each
    # corrected field held and holds now, who decided and from which record (register/desk.py)
    """
    CREATE TABLE register_corrections (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        key TEXT NOT NULL, source TEXT NOT NULL, line INTEGER NOT NULL, field TEXT NOT NULL,
        old TEXT, new TEXT, record_id TEXT NOT NULL, decision_id INTEGER NOT NULL,
        user TEXT NOT NULL, at TEXT NOT NULL
    );
    CREATE INDEX register_corrections_row ON register_corrections (source, line);
    """,
    # 7: files read again on purpose (`run --reprocess`, `ledger forget`): the records they
    # replaced, kept as superseded with whether they went out in an import batch
    # (register/reprocess.py); the export batch each desk-accepted record went out in
    # (register/exports.py, `capture export --again`)
    """
    CREATE TABLE superseded (
        record_id TEXT NOT NULL, run_id TEXT NOT NULL, key TEXT, status TEXT NOT NULL,
        exported INTEGER NOT NULL, accepted_at_desk INTEGER NOT NULL, record TEXT NOT NULL, emitted_at TEXT NOT NULL,
        superseded_at TEXT NOT NULL, reason TEXT NOT NULL,
        PRIMARY KEY (record_id, run_id, superseded_at)
    );
    CREATE INDEX superseded_key ON superseded (key);
    ALTER TABLE review_exports ADD COLUMN batch_id TEXT;
    """,
    # 8: the database itself hands an invoice out once: one row per invoice key a batch stored as
    # `ready` (a second writer of the same key fails its whole transaction; register/store.py)
    """
    CREATE TABLE imported_keys (
        key TEXT PRIMARY KEY, record_id TEXT NOT NULL, run_id TEXT NOT NULL
    ) WITHOUT ROWID;
    INSERT OR IGNORE INTO imported_keys (key, record_id, run_id)
        SELECT key, record_id, run_id FROM emitted WHERE status = 'ready' AND key IS NOT NULL ORDER BY emitted_at;
    """,
    # 9: several watchers over one inbox: a file is claimed before it is read, for a lease; the
    # batch that stored it is noted, so a watcher taking over a dead one's claim finishes that
    # batch (register/claims.py)
    """
    CREATE TABLE claims (
        name TEXT PRIMARY KEY, watcher TEXT NOT NULL, expires_at REAL NOT NULL, run_id TEXT
    ) WITHOUT ROWID;
    CREATE INDEX claims_run ON claims (run_id);
    """,
    # 10: the machine that stored a `capture run` batch: its output folder is on that machine's
    # disk, so only a run on the same machine writes the batch a crash left unwritten (NULL: a
    # batch stored before this column, taken as this machine's)
    """
    ALTER TABLE runs ADD COLUMN host TEXT;
    """,
]
