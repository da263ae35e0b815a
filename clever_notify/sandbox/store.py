"""The sandbox's state in SQLite: owners, services, hooks, delivery failures, events and the e-mail outbox.

Seeded on first use with the user and one organisation, "Acme". Benchmarks and tests that need many owners
add them with `Store.add_organisation(name, applications=…, addons=…)` or `Store.seed_organisations(n)`
(organisations "Org 001" … "Org NNN", each with applications web and worker and the default e-mail
notification; re-running with the same or a smaller n adds nothing). From a shell: the hidden command
`clever sandbox seed --orgs N`.

One connection per operation (so per request and per thread), WAL so readers never wait for the writer,
a busy timeout so concurrent writers queue instead of failing, and BEGIN IMMEDIATE for every write so two
transactions never deadlock while upgrading a read lock.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from clever_notify.config import files
from clever_notify.errors import ConfigError
from clever_notify.hooks import catalog

KINDS = ("webhooks", "emailhooks")  # also the table names: the only strings ever put into SQL
BUSY_TIMEOUT_MS = 10_000
MAX_FAILURES_SHOWN = 50  # per hook, newest kept: a broken receiver must not grow answers without bound
SEED_USER = ("Sandbox User", "sandbox@example.org")
SEED_ORG = ("Acme", "billing@acme.example.org")
SEED_APPS = ("web", "worker")
SEED_ADDON = "db"
SEED_MANY_PREFIX = "Org"
# An organisation whose hooks break each rule of `clever notifications audit` once (hooks/audit_rules.py), so a
# fresh sandbox shows every finding; the other owners stay clean. Its receivers are placeholders.
AUDIT_DEMO_ORG = ("Audit Demo", "ops@audit-demo.example")
AUDIT_DEMO_APPS = ("shop", "api")
MAX_SEEDED = 10_000  # a benchmark wants tens of owners; this bounds a typo's cost

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS owners (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('user', 'orga')),
    name TEXT NOT NULL, email TEXT, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS services (
    id TEXT PRIMARY KEY, owner_id TEXT NOT NULL REFERENCES owners(id),
    kind TEXT NOT NULL CHECK (kind IN ('app', 'addon')), name TEXT NOT NULL, extra TEXT NOT NULL DEFAULT '{}');
CREATE TABLE IF NOT EXISTS webhooks (
    id TEXT PRIMARY KEY, owner_id TEXT NOT NULL REFERENCES owners(id), body TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'ENABLED', created_at INTEGER NOT NULL,
    failed_in_a_row INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS emailhooks (
    id TEXT PRIMARY KEY, owner_id TEXT NOT NULL REFERENCES owners(id), body TEXT NOT NULL,
    created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT, hook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    url TEXT NOT NULL, status INTEGER, network_failure INTEGER NOT NULL DEFAULT 0, partial_body TEXT,
    created_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS failures_hook ON failures(hook_id);
CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY, owner_id TEXT NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT, hook_id TEXT, owner_id TEXT NOT NULL,
    recipients TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS webhooks_owner ON webhooks(owner_id);
CREATE INDEX IF NOT EXISTS emailhooks_owner ON emailhooks(owner_id);
"""


PLACEHOLDER = "audit-demo-placeholder"  # in a seeded URL of a real service: sandbox/emit.py never posts to it


def now_ms() -> int:
    return int(time.time() * 1000)


def default_db_path(env=None) -> Path:
    env = os.environ if env is None else env
    if env.get("CLEVER_SANDBOX_DB"):
        return Path(env["CLEVER_SANDBOX_DB"]).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("clever-notify", appauthor=False)) / "sandbox.db"


def _uid(prefix: str = "") -> str:
    return f"{prefix}{uuid.uuid4()}"


class Store:
    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path is not None else default_db_path()
        try:
            # Created 0600 in a 0700 folder before sqlite opens it, so it never exists with wider rights.
            files.touch_private(self.path)
            db = self._connect()
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(SCHEMA)
                _upgrade(db)
            finally:
                db.close()
            with self.write() as db:
                if db.execute("SELECT 1 FROM meta WHERE key = 'seeded'").fetchone() is None:
                    _seed_owners(db)
                    _seed_hooks(db)
                    db.execute("INSERT INTO meta (key, value) VALUES ('seeded', ?)", (str(now_ms()),))
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(
                f"cannot use the sandbox database {self.path}: {getattr(exc, 'strerror', None) or exc}; "
                "set CLEVER_SANDBOX_DB to another file, or delete this one to start afresh."
            ) from None

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                             check_same_thread=False)
        db.row_factory = sqlite3.Row
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA synchronous = NORMAL")
        return db

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[sqlite3.Connection]:
        db = self._connect()
        try:
            db.execute(begin)
            yield db
            db.execute("COMMIT")
        finally:
            if db.in_transaction:
                db.execute("ROLLBACK")
            db.close()

    def read(self):
        return self._transaction("BEGIN")

    def write(self):
        # IMMEDIATE takes the write lock up front: two writers never both read, then collide on upgrade.
        return self._transaction("BEGIN IMMEDIATE")

    # --- owners and services -------------------------------------------------------------------

    def user(self) -> dict:
        with self.read() as db:
            row = db.execute("SELECT * FROM owners WHERE kind = 'user' ORDER BY created_at LIMIT 1").fetchone()
        return _user_doc(row)

    def owner(self, owner_id: str) -> dict | None:
        with self.read() as db:
            row = db.execute("SELECT * FROM owners WHERE id = ?", (owner_id,)).fetchone()
        return dict(row) if row else None

    def organisation(self, org_id: str) -> dict | None:
        with self.read() as db:
            row = db.execute("SELECT * FROM owners WHERE id = ? AND kind = 'orga'", (org_id,)).fetchone()
            if row is None:
                return None
            return _orga_doc(row)

    def find_owner(self, id_or_name: str) -> list[dict]:
        """Owners whose id or name is `id_or_name` (several when a name is ambiguous)."""
        with self.read() as db:
            rows = db.execute("SELECT * FROM owners WHERE id = ? OR name = ? ORDER BY created_at",
                              (id_or_name, id_or_name)).fetchall()
        return [dict(r) for r in rows]

    def services(self, owner_id: str) -> list[dict]:
        with self.read() as db:
            rows = db.execute("SELECT * FROM services WHERE owner_id = ? ORDER BY rowid", (owner_id,)).fetchall()
        return [dict(r) for r in rows]

    def add_organisation(self, name: str, *, applications=SEED_APPS, addons=(),
                         email: str | None = None) -> dict:
        """A new organisation with these applications and add-ons, and the default deployment e-mails
        every owner starts with; answers it as /v2/summary lists it."""
        with self.write() as db:
            return _summary_entry(db, _insert_organisation(db, name, applications, addons, email))

    def seed_organisations(self, count: int, *, prefix: str = SEED_MANY_PREFIX,
                           applications=SEED_APPS) -> list[dict]:
        """Make sure organisations "<prefix> 001" … "<prefix> <count>" exist; answers those it created.

        Converges: the names already present are skipped, so re-running adds nothing. All in one
        transaction, so a concurrent reader sees none or all of them."""
        if count < 0 or count > MAX_SEEDED:
            raise ValueError(f"count must be between 0 and {MAX_SEEDED}")
        created = []
        with self.write() as db:
            existing = {r["name"] for r in db.execute("SELECT name FROM owners WHERE kind = 'orga'")}
            for i in range(1, count + 1):
                name = f"{prefix} {i:03d}"
                if name in existing:
                    continue
                created.append(_summary_entry(db, _insert_organisation(db, name, applications, (), None)))
        return created

    def summary(self) -> dict:
        with self.read() as db:
            owners = db.execute("SELECT * FROM owners ORDER BY created_at, rowid").fetchall()
            services = db.execute("SELECT * FROM services ORDER BY rowid").fetchall()
        by_owner: dict[str, list] = {}
        for s in services:
            by_owner.setdefault(s["owner_id"], []).append(s)
        out: dict = {"user": None, "organisations": []}
        for o in owners:
            entry = {"id": o["id"], "name": o["name"], **_services_doc(by_owner.get(o["id"], [])),
                     "consumers": []}
            if o["kind"] == "user" and out["user"] is None:
                out["user"] = {**entry, "email": o["email"]}
            elif o["kind"] == "orga":
                out["organisations"].append(entry)
        return out

    # --- hooks ---------------------------------------------------------------------------------

    def list_hooks(self, kind: str, owner_id: str) -> list[dict]:
        table = _table(kind)
        with self.read() as db:
            rows = db.execute(f"SELECT * FROM {table} WHERE owner_id = ? ORDER BY created_at, rowid",
                              (owner_id,)).fetchall()
            failures = _failures_of_owner(db, owner_id) if kind == "webhooks" else {}
            return [_hook_doc(db, kind, r, failures.get(r["id"], [])) for r in rows]

    def get_hook(self, kind: str, owner_id: str, hook_id: str) -> dict | None:
        table = _table(kind)
        with self.read() as db:
            row = db.execute(f"SELECT * FROM {table} WHERE owner_id = ? AND id = ?", (owner_id, hook_id)).fetchone()
            return _hook_doc(db, kind, row) if row else None

    def create_hook(self, kind: str, owner_id: str, body: dict) -> dict:
        table = _table(kind)
        hook_id = _uid()
        with self.write() as db:
            if kind == "webhooks":
                db.execute("INSERT INTO webhooks (id, owner_id, body, state, created_at) VALUES (?, ?, ?, ?, ?)",
                           (hook_id, owner_id, _dump(body), body.get("state") or "ENABLED", now_ms()))
            else:
                db.execute(f"INSERT INTO {table} (id, owner_id, body, created_at) VALUES (?, ?, ?, ?)",
                           (hook_id, owner_id, _dump(body), now_ms()))
            row = db.execute(f"SELECT * FROM {table} WHERE id = ?", (hook_id,)).fetchone()
            return _hook_doc(db, kind, row)

    def replace_hook(self, kind: str, owner_id: str, hook_id: str, body: dict) -> dict | None:
        """Full replace of the editable fields; id, owner, createdAt and failures stay."""
        table = _table(kind)
        with self.write() as db:
            if kind == "webhooks":
                # Set to ENABLED, a webhook the sandbox disabled is revived with a fresh count of failures.
                cur = db.execute(
                    "UPDATE webhooks SET body = ?, state = COALESCE(?, state), failed_in_a_row = "
                    "CASE WHEN ? = 'ENABLED' THEN 0 ELSE failed_in_a_row END WHERE owner_id = ? AND id = ?",
                    (_dump(body), body.get("state"), body.get("state"), owner_id, hook_id))
            else:
                cur = db.execute(f"UPDATE {table} SET body = ? WHERE owner_id = ? AND id = ?",
                                 (_dump(body), owner_id, hook_id))
            if cur.rowcount == 0:
                return None
            row = db.execute(f"SELECT * FROM {table} WHERE id = ?", (hook_id,)).fetchone()
            return _hook_doc(db, kind, row)

    def delete_hook(self, kind: str, owner_id: str, hook_id: str) -> bool:
        table = _table(kind)
        with self.write() as db:
            return db.execute(f"DELETE FROM {table} WHERE owner_id = ? AND id = ?", (owner_id, hook_id)).rowcount > 0

    # --- deliveries ----------------------------------------------------------------------------

    def record_event(self, event: dict, owner_id: str) -> None:
        with self.write() as db:
            db.execute("INSERT INTO events (id, owner_id, type, body, created_at) VALUES (?, ?, ?, ?, ?)",
                       (event["id"], owner_id, event["type"], _dump(event), now_ms()))

    def event_cursor(self) -> int:
        """Where the events recorded from now on start: a listener reads what comes after it."""
        with self.read() as db:
            return db.execute("SELECT COALESCE(MAX(rowid), 0) FROM events").fetchone()[0]

    def events_after(self, cursor: int, limit: int = 100) -> tuple[int, list[dict]]:
        """(new cursor, events recorded after `cursor`, oldest first, at most `limit`), whichever process
        recorded them. After a reset the row numbers start again: a cursor past the end goes back to 0."""
        with self.read() as db:
            rows = db.execute("SELECT rowid, body FROM events WHERE rowid > ? ORDER BY rowid LIMIT ?",
                              (cursor, limit)).fetchall()
            if not rows:
                last = db.execute("SELECT COALESCE(MAX(rowid), 0) FROM events").fetchone()[0]
                return (0 if last < cursor else cursor), []
        return rows[-1][0], [json.loads(row[1]) for row in rows]

    def record_outcomes(self, deliveries: list[dict], mails: list[dict], *, disable_after: int = 0) -> list[str]:
        """Deliveries and outbox messages of one event, in one transaction; answers the ids of the webhooks
        this disabled.

        Each delivery is {hook_id, url, ok, status, network_failure, partial_body}, in the order they were
        made. A failure is kept in the hook's `failures` and counted; a success resets the count. With
        `disable_after` > 0, a webhook whose count reaches it becomes DISABLED, as the platform does with
        webhooks that keep failing."""
        disabled = []
        with self.write() as db:
            for d in deliveries:
                if d.get("ok"):  # a record without `ok` is a failure
                    db.execute("UPDATE webhooks SET failed_in_a_row = 0 WHERE id = ?", (d["hook_id"],))
                    continue
                db.execute(
                    "INSERT INTO failures (hook_id, url, status, network_failure, partial_body, created_at) "
                    "SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM webhooks WHERE id = ?)",
                    (d["hook_id"], d["url"], d.get("status"), int(bool(d.get("network_failure"))),
                     d.get("partial_body"), now_ms(), d["hook_id"]))
                db.execute("UPDATE webhooks SET failed_in_a_row = failed_in_a_row + 1 WHERE id = ?", (d["hook_id"],))
                row = db.execute("SELECT failed_in_a_row, state FROM webhooks WHERE id = ?",
                                 (d["hook_id"],)).fetchone()
                if row and disable_after > 0 and row["failed_in_a_row"] >= disable_after and row["state"] == "ENABLED":
                    db.execute("UPDATE webhooks SET state = 'DISABLED' WHERE id = ?", (d["hook_id"],))
                    disabled.append(d["hook_id"])
            for m in mails:
                db.execute("INSERT INTO outbox (event_id, hook_id, owner_id, recipients, subject, body, created_at) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?)",
                           (m["event_id"], m["hook_id"], m["owner_id"], _dump(m["to"]), m["subject"], m["body"],
                            now_ms()))
        return disabled

    def outbox(self) -> list[dict]:
        with self.read() as db:
            rows = db.execute("SELECT * FROM outbox ORDER BY id").fetchall()
        return [{"id": r["id"], "eventId": r["event_id"], "hookId": r["hook_id"], "ownerId": r["owner_id"],
                 "to": json.loads(r["recipients"]), "subject": r["subject"], "body": r["body"],
                 "createdAt": r["created_at"]} for r in rows]

    def reset(self) -> None:
        """Back to the seed state: hooks, failures, events and outbox emptied, default hooks re-created.
        Owner and service ids are kept, so scripts and .clever.json files that name them still work."""
        with self.write() as db:
            for table in ("failures", "outbox", "events", "webhooks", "emailhooks"):
                db.execute(f"DELETE FROM {table}")
            _seed_hooks(db)


# --- documents -----------------------------------------------------------------------------------


def _upgrade(db: sqlite3.Connection) -> None:
    """Columns added after a database may have been created: a sandbox.db from an older version keeps working."""
    columns = {r["name"] for r in db.execute("PRAGMA table_info(webhooks)")}
    if "failed_in_a_row" not in columns:
        db.execute("ALTER TABLE webhooks ADD COLUMN failed_in_a_row INTEGER NOT NULL DEFAULT 0")


def _table(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown hook kind {kind!r}")
    return kind


def _dump(value) -> str:
    return json.dumps(value, separators=(",", ":"))


def _failures_of_owner(db: sqlite3.Connection, owner_id: str) -> dict[str, list[dict]]:
    """The newest failures of every webhook of an owner, in one query (a list must not cost a query per hook)."""
    rows = db.execute(
        "SELECT * FROM (SELECT f.*, ROW_NUMBER() OVER (PARTITION BY f.hook_id ORDER BY f.id DESC) AS n "
        "FROM failures f JOIN webhooks w ON w.id = f.hook_id WHERE w.owner_id = ?) WHERE n <= ? ORDER BY id",
        (owner_id, MAX_FAILURES_SHOWN)).fetchall()
    out: dict[str, list[dict]] = {}
    for f in rows:
        out.setdefault(f["hook_id"], []).append(_failure_doc(f))
    return out


def _hook_doc(db: sqlite3.Connection, kind: str, row: sqlite3.Row, failures: list[dict] | None = None) -> dict:
    body = json.loads(row["body"])
    doc: dict = {"id": row["id"], "ownerId": row["owner_id"]}
    fields = ("name", "urls", "events", "scope") if kind == "webhooks" else ("name", "notified", "events", "scope")
    for key in fields:
        if body.get(key) is not None:  # absent stays absent, as the API leaves out unset fields
            doc[key] = body[key]
    doc["createdAt"] = row["created_at"]
    if kind == "webhooks":
        if failures is None:
            rows = db.execute(
                "SELECT * FROM (SELECT * FROM failures WHERE hook_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id",
                (row["id"], MAX_FAILURES_SHOWN)).fetchall()
            failures = [_failure_doc(f) for f in rows]
        doc["failures"] = failures
        doc["state"] = row["state"]
    return doc


def _failure_doc(row: sqlite3.Row) -> dict:
    doc: dict = {"url": row["url"]}
    if row["network_failure"]:
        doc["networkFailure"] = True
    if row["status"] is not None:
        doc["status"] = row["status"]
    if row["partial_body"]:
        doc["partialBody"] = row["partial_body"]
    doc["createdAt"] = row["created_at"]
    return doc


def _user_doc(row: sqlite3.Row) -> dict:
    return {"id": row["id"], "name": row["name"], "email": row["email"], "phone": None, "address": None,
            "city": None, "zipcode": None, "country": "FRANCE", "avatar": None, "creationDate": row["created_at"],
            "lang": "EN", "emailValidated": True, "oauthApps": [], "admin": False, "canPay": True,
            "preferredMFA": "NONE", "hasPassword": True}


def _orga_doc(row: sqlite3.Row) -> dict:
    return {"id": row["id"], "name": row["name"], "description": f"{row['name']} (sandbox)",
            "billingEmail": row["email"], "address": None, "city": None, "zipcode": None, "country": "FRANCE",
            "company": row["name"], "VAT": None, "avatar": None, "vatState": "NOT_NEEDED", "customerFullName": None,
            "canPay": True, "cleverEnterprise": False, "emergencyNumber": None, "canSEPA": False,
            "isTrusted": False}


def _summary_entry(db: sqlite3.Connection, owner_id: str) -> dict:
    """One owner as /v2/summary lists it."""
    owner = db.execute("SELECT * FROM owners WHERE id = ?", (owner_id,)).fetchone()
    services = db.execute("SELECT * FROM services WHERE owner_id = ? ORDER BY rowid", (owner_id,)).fetchall()
    return {"id": owner["id"], "name": owner["name"], **_services_doc(services), "consumers": []}


def _services_doc(rows: list) -> dict:
    apps, addons = [], []
    for s in rows:
        extra = json.loads(s["extra"])
        if s["kind"] == "app":
            apps.append({"id": s["id"], "name": s["name"], **extra})
        else:
            addons.append({"id": s["id"], "name": s["name"], **extra})
    return {"applications": apps, "addons": addons}


# --- seed ----------------------------------------------------------------------------------------


def _insert_organisation(db: sqlite3.Connection, name: str, applications, addons, email: str | None) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValueError("an organisation needs a non-empty name")
    org_id = _uid("orga_")
    # createdAt orders owners in /v2/summary: after every owner already there, even within one millisecond.
    last = db.execute("SELECT MAX(created_at) FROM owners").fetchone()[0] or 0
    db.execute("INSERT INTO owners (id, kind, name, email, created_at) VALUES (?, 'orga', ?, ?, ?)",
               (org_id, name, email, max(now_ms(), last + 1)))
    _insert_services(db, org_id, applications, addons)
    _default_emails(db, org_id)
    return org_id


def _insert_services(db: sqlite3.Connection, owner_id: str, applications, addons) -> None:
    for name in applications:
        extra = {"instanceType": "node", "state": "SHOULD_BE_UP", "zone": "par"}
        db.execute("INSERT INTO services (id, owner_id, kind, name, extra) VALUES (?, ?, 'app', ?, ?)",
                   (_uid("app_"), owner_id, name, _dump(extra)))
    for name in addons:
        real = _uid("postgresql_").replace("-", "")
        db.execute("INSERT INTO services (id, owner_id, kind, name, extra) VALUES (?, ?, 'addon', ?, ?)",
                   (_uid("addon_"), owner_id, name,
                    _dump({"realId": real, "providerId": "postgresql-addon", "plan": "dev"})))


def _seed_owners(db: sqlite3.Connection) -> None:
    created = now_ms()
    user_id, org_id = _uid("user_"), _uid("orga_")
    db.execute("INSERT INTO owners (id, kind, name, email, created_at) VALUES (?, 'user', ?, ?, ?)",
               (user_id, *SEED_USER, created))
    db.execute("INSERT INTO owners (id, kind, name, email, created_at) VALUES (?, 'orga', ?, ?, ?)",
               (org_id, *SEED_ORG, created + 1))
    _insert_services(db, org_id, SEED_APPS, (SEED_ADDON,))
    demo_id = _uid("orga_")
    db.execute("INSERT INTO owners (id, kind, name, email, created_at) VALUES (?, 'orga', ?, ?, ?)",
               (demo_id, *AUDIT_DEMO_ORG, created + 2))
    _insert_services(db, demo_id, AUDIT_DEMO_APPS, ())
    db.execute("INSERT INTO meta (key, value) VALUES ('audit_demo', ?)", (demo_id,))


def _seed_hooks(db: sqlite3.Connection) -> None:
    demo = db.execute("SELECT value FROM meta WHERE key = 'audit_demo'").fetchone()
    for (owner_id,) in db.execute("SELECT id FROM owners ORDER BY created_at").fetchall():
        if demo is not None and owner_id == demo[0]:
            _audit_demo_hooks(db, owner_id)
        else:
            _default_emails(db, owner_id)


def _audit_demo_hooks(db: sqlite3.Connection, owner_id: str) -> None:
    """One instance of each audit rule, in the order of hooks/audit_rules.py's RULES; nothing else to find."""
    app = {r["name"]: r["id"] for r in db.execute("SELECT id, name FROM services WHERE owner_id = ?", (owner_id,))}
    acme_web = db.execute("SELECT s.id FROM services s JOIN owners o ON o.id = s.owner_id WHERE o.kind = 'orga' "
                          "AND o.id != ? AND s.kind = 'app' ORDER BY o.created_at, s.rowid LIMIT 1",
                          (owner_id,)).fetchone()
    created = now_ms()

    def webhook(name, url, fmt="raw", events=None, scope=None, state="ENABLED") -> str:
        nonlocal created
        created += 1
        hook_id = _uid()
        body = {"name": name, "urls": [{"format": fmt, "url": url}], "events": events, "scope": scope}
        db.execute("INSERT INTO webhooks (id, owner_id, body, state, created_at) VALUES (?, ?, ?, ?, ?)",
                   (hook_id, owner_id, _dump({k: v for k, v in body.items() if v is not None}), state, created))
        return hook_id

    def email(name, events, scope=None, notified=None) -> None:
        nonlocal created
        created += 1
        body = {"name": name, "notified": notified, "events": events, "scope": scope}
        db.execute("INSERT INTO emailhooks (id, owner_id, body, created_at) VALUES (?, ?, ?, ?)",
                   (_uid(), owner_id, _dump({k: v for k, v in body.items() if v is not None}), created))

    # uncovered-app: `api` is not covered (only `shop` is, by this notification and the Discord webhook).
    email("Shop deployments", ["META_DEPLOYMENT_RESULT"], [app["shop"]], [{"type": "organisation"}])
    # dangling-scope: an application deleted since.
    webhook("Old app deploys", "https://ops.audit-demo.example/old", events=["DEPLOYMENT_FAIL"],
            scope=[_uid("app_")])
    # unreachable-scope: another organisation's application.
    if acme_web is not None:
        webhook("Acme web deploys", "https://ops.audit-demo.example/acme", events=["META_DEPLOYMENT_RESULT"],
                scope=[acme_web[0]])
    # duplicate-hook: the second delivers exactly what the first does.
    for name in ("Shop releases", "Shop releases (copy)"):
        webhook(name, "https://chat.audit-demo.example/releases", events=["DEPLOYMENT_SUCCESS"], scope=[app["shop"]])
    # unhealthy: disabled by the platform after failures three days ago (none recent, so enabling it heals it).
    status = webhook("Status page", "https://status.audit-demo.example/clever", events=["META_DEPLOYMENT_RESULT"],
                     scope=[app["shop"]], state="DISABLED")
    for n in range(5):
        db.execute("INSERT INTO failures (hook_id, url, status, created_at) VALUES (?, ?, 503, ?)",
                   (status, "https://status.audit-demo.example/clever", now_ms() - 3 * 86_400_000 + n * 60_000))
    # plain-http: off loopback.
    webhook("CI trigger", "http://ci.audit-demo.example/clever-hook", events=["GIT_PUSH"])
    # format-mismatch: a Discord webhook in raw (Discord reads Slack's format at the URL + /slack).
    webhook("Team Discord", f"https://discord.com/api/webhooks/000000000000000000/{PLACEHOLDER}",
            events=["META_DEPLOYMENT_RESULT"], scope=[app["shop"]])
    # empty-recipients: an address without a domain.
    email("Release notes", ["DEPLOYMENT_SUCCESS"], [app["api"]], [{"type": "email", "target": "release-notes"}])


def _default_emails(db: sqlite3.Connection, owner_id: str) -> None:
    # No `notified`: the whole team, as the platform's own default notification.
    body = {"name": catalog.DEFAULT_EMAIL_HOOK_NAME, "events": list(catalog.DEFAULT_EMAIL_HOOK_EVENTS)}
    db.execute("INSERT INTO emailhooks (id, owner_id, body, created_at) VALUES (?, ?, ?, ?)",
               (_uid(), owner_id, _dump(body), now_ms()))
