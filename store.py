"""The dashboard's store: every accepted upload kept as an immutable version, nothing ever lost.

The only module that knows SQL. Rows are only ever inserted: withdrawing a version,
restoring it, editing commentary and changing a setting each append a row, and what the
app shows (`current_return`) is derived from those rows. SQLite (a file, the default) and
PostgreSQL (psycopg 3) are supported.

Every write takes the store's write lock for its whole transaction (SQLite `BEGIN IMMEDIATE`,
a PostgreSQL advisory lock), so ids are handed out in the order transactions commit:
"higher id = saved later" holds and `state_token` changes whenever anything is saved.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
from sqlalchemy import (Boolean, CheckConstraint, Column, Connection, Date, DateTime, Double,
                        ForeignKey, Integer, LargeBinary, MetaData, Table, Text, create_engine,
                        event, func, inspect, select, text)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, ProgrammingError

import revisions
from data_loaders.model import (COMMENTARY_COLUMNS, COMPARATOR_COLUMNS, INDICATOR_COLUMNS,
                                VALUE_COLUMNS, PerformanceReturn)

SCHEMA_VERSION = 2  # 2: indicators say whether they count children (suppress_small_numbers)
KINDS = ("return", "ees")
SOURCE_KINDS = ("workbook", "csv", "child_level", "ees")
MODES = ("complete", "partial")
BUSY_TIMEOUT_MS = 30_000
PROJECT_DIR = Path(__file__).resolve().parent
VERSION_LIST_COLUMNS = ["id", "saved_at", "author", "filename", "kind", "source_kind", "mode",
                        "sha256", "note", "size_bytes", "status", "row_count"]

metadata = MetaData()


def _in(column: str, choices: tuple[str, ...]) -> CheckConstraint:
    """A CHECK constraint keeping `column` to one of `choices`."""
    return CheckConstraint(f"{column} IN ({', '.join(repr(c) for c in choices)})")


schema_info = Table("schema_info", metadata, Column("schema_version", Integer, nullable=False))

versions_table = Table(
    "versions", metadata,
    Column("id", Integer, primary_key=True),
    Column("saved_at", DateTime(timezone=True), nullable=False),
    Column("author", Text, nullable=False),
    Column("filename", Text, nullable=False),
    Column("kind", Text, _in("kind", KINDS), nullable=False),
    Column("source_kind", Text, _in("source_kind", SOURCE_KINDS), nullable=False),
    Column("mode", Text, _in("mode", MODES), nullable=False),
    Column("sha256", Text, nullable=False),
    Column("size_bytes", Integer, nullable=False),
    Column("row_count", Integer, nullable=False),
    Column("note", Text, nullable=False),
    Column("original", LargeBinary, nullable=False),
)

events_table = Table(
    "version_events", metadata,
    Column("id", Integer, primary_key=True),
    Column("version_id", Integer, ForeignKey("versions.id"), nullable=False, index=True),
    Column("saved_at", DateTime(timezone=True), nullable=False),
    Column("who", Text, nullable=False),
    Column("action", Text, _in("action", ("withdrawn", "restored")), nullable=False),
    Column("reason", Text, nullable=False),
)

commentary_edits_table = Table(
    "commentary_edits", metadata,
    Column("id", Integer, primary_key=True),
    Column("saved_at", DateTime(timezone=True), nullable=False),
    Column("author", Text, nullable=False),
    Column("indicator_id", Text, nullable=False),
    Column("dashboard", Text, nullable=False),
    Column("period", Text, nullable=False),
    Column("text", Text, nullable=False),
)

settings_table = Table(
    "settings", metadata,
    Column("id", Integer, primary_key=True),
    Column("saved_at", DateTime(timezone=True), nullable=False),
    Column("who", Text, nullable=False),
    Column("key", Text, nullable=False, index=True),
    Column("value", Text, nullable=False),
)

_SQL_TYPES = {"str": Text, "float64": Double, "int64": Integer, "bool": Boolean,
              "datetime64[us]": Date}


def _rows_table(name: str, schema: dict[str, str]) -> Table:
    """A table holding one version's rows of a return table, in their original order."""
    return Table(
        name, metadata,
        Column("version_id", Integer, ForeignKey("versions.id"), primary_key=True),
        Column("row_no", Integer, primary_key=True),
        *(Column(col, _SQL_TYPES[dtype](), nullable=dtype in ("float64", "datetime64[us]"))
          for col, dtype in schema.items()),
    )


RETURN_TABLES = {
    "indicators": _rows_table("version_indicators", INDICATOR_COLUMNS),
    "values": _rows_table("version_values", VALUE_COLUMNS),
    "comparators": _rows_table("version_comparators", COMPARATOR_COLUMNS),
    "commentary": _rows_table("version_commentary", COMMENTARY_COLUMNS),
}
about_table = Table(
    "version_about", metadata,
    Column("version_id", Integer, ForeignKey("versions.id"), primary_key=True),
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)


CONNECT_TIMEOUT_SECONDS = 5  # a database server that has gone away is reported, not waited for


class StoreError(RuntimeError):
    """The store cannot do what was asked; the message says what happened in words for an officer."""


class StoreChanged(StoreError):
    """Something was saved since the officer's preview: they must see the new preview before saving."""


def _explained(error: BaseException) -> str:
    """What a database failure means to an officer (never the driver's text, which may quote data)."""
    text = str(getattr(error, "orig", None) or error).lower()
    if "readonly" in text or "read-only" in text or "read only" in text or "permission denied" in text:
        return "the store is read-only, so nothing can be saved until an administrator makes it writable again"
    if "full" in text and ("disk" in text or "database" in text) or "no space" in text:
        return "the disk that holds the store is full: an administrator must free some space"
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return "the store's file is damaged and cannot be read: an administrator must restore it from a backup"
    if any(words in text for words in ("connect", "timeout", "timed out", "server closed", "terminating",
                                       "network", "name or service", "no route")):
        return "the database server cannot be reached: try again in a few minutes, or tell an administrator"
    return f"the store could not be used ({type(getattr(error, 'orig', None) or error).__name__})"


@contextmanager
def _told(doing: str) -> Iterator[None]:
    """Turn a failure of the database itself into a StoreError saying what happened while `doing`.

    A broken constraint or statement is the app's own mistake, not the store's, and is left as it is.
    """
    try:
        yield
    except (StoreError, IntegrityError, ProgrammingError, DataError):
        raise
    except (DBAPIError, sqlite3.Error, OSError) as error:
        raise StoreError(f"Could not {doing}: {_explained(error)}.") from error


class Store:
    """A store at a SQLAlchemy URL; the schema is created on first use.

    Every failure of the database itself (read-only, full, damaged, gone) is a StoreError saying so.
    """

    def __init__(self, url: str):
        self.url = _with_psycopg(url)
        # hide_parameters: error messages and logs never carry row contents.
        postgres = make_url(self.url).get_backend_name() == "postgresql"
        self.engine = create_engine(self.url, pool_pre_ping=True, hide_parameters=True,
                                    connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS} if postgres else {})
        self.is_postgres = self.engine.dialect.name == "postgresql"
        if not self.is_postgres:
            _configure_sqlite(self.engine)
        self._writer = self.engine.execution_options(store_write=True)
        self._reader = self.engine.execution_options(
            isolation_level="REPEATABLE READ") if self.is_postgres else self.engine
        try:
            with _told("open the dashboard's store"):
                self._create_schema()
        except Exception:
            self.close()  # no pooled connection is left for the garbage collector
            raise

    @classmethod
    def from_settings(cls, secrets: Mapping | None = None, env: Mapping | None = None,
                      default_path: str = "data/store.sqlite") -> Store:
        """The store named by secrets `database_url`, env `DASHBOARD_DATABASE_URL` or a SQLite file.

        The file is `DASHBOARD_STORE_PATH` or `default_path`; a relative path is taken from
        the project folder, so starting the app from another folder finds the same store.
        """
        env = os.environ if env is None else env
        url = (secrets or {}).get("database_url") or env.get("DASHBOARD_DATABASE_URL")
        if url:
            return cls(url)
        path = PROJECT_DIR / Path(env.get("DASHBOARD_STORE_PATH") or default_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        return cls(f"sqlite:///{path}")

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    # --- writing -------------------------------------------------------------------------

    def save_version(self, *, data: bytes, filename: str, author: str, note: str, kind: str,
                     source_kind: str, mode: str, ret: PerformanceReturn | None, expected_state: str | None = None) -> int:
        """Store one accepted upload (its bytes and, for a return, its rows) in one transaction.

        With `expected_state` (the state token the officer's preview was made from), nothing is saved
        and StoreChanged is raised if anything was saved since: the preview would be out of date.
        """
        _check_version(kind, source_kind, mode, ret)
        rows = _return_rows(ret) if ret is not None else {}
        with self._writing() as conn:
            if expected_state is not None and _state_token(conn) != expected_state:
                raise StoreChanged("Someone saved a change since this preview was made, so it may no longer "
                                   "show what saving would do. Nothing was saved: check the new preview below, "
                                   "then confirm again.")
            version_id = conn.execute(versions_table.insert().values(
                saved_at=_now(), author=author, filename=filename, kind=kind,
                source_kind=source_kind, mode=mode, sha256=hashlib.sha256(data).hexdigest(),
                size_bytes=len(data), row_count=len(ret.values) if ret is not None else 0,
                note=note or "", original=data)).inserted_primary_key[0]
            for table, records in rows.items():
                if records:
                    for record in records:
                        record["version_id"] = version_id
                    conn.execute(table.insert(), records)
        return version_id

    def withdraw(self, version_id: int, who: str, reason: str) -> None:
        """Take a version out of the current return (it stays stored and can be restored)."""
        self._append_event(version_id, who, reason, action="withdrawn")

    def restore(self, version_id: int, who: str, reason: str) -> None:
        """Bring a withdrawn version back into the current return."""
        self._append_event(version_id, who, reason, action="restored")

    def save_commentary(self, *, indicator_id: str, dashboard: str, period: str, text: str,
                        author: str) -> int:
        """Keep a commentary edit; empty `text` means "no commentary" for that key from now on."""
        if not period or not (indicator_id or dashboard):
            raise ValueError("Commentary needs a period and an indicator or a dashboard.")
        with self._writing() as conn:
            return conn.execute(commentary_edits_table.insert().values(
                saved_at=_now(), author=author, indicator_id=indicator_id or "",
                dashboard=dashboard or "", period=period, text=text or "")).inserted_primary_key[0]

    def set_setting(self, key: str, value: str, who: str) -> None:
        """Record a new value for a setting (earlier values are kept)."""
        with self._writing() as conn:
            conn.execute(settings_table.insert().values(saved_at=_now(), who=who, key=key,
                                                        value=value))

    # --- reading -------------------------------------------------------------------------

    def versions(self) -> pd.DataFrame:
        """Every version, newest first, with its status (`current` or `withdrawn`)."""
        listed = [c for c in versions_table.c if c.name != "original"]
        with self._reading() as conn:
            frame = _frame(conn.execute(select(*listed).order_by(versions_table.c.id.desc())))
            withdrawn = _withdrawn_ids(conn)
        frame["saved_at"] = _utc(frame["saved_at"])
        frame["status"] = pd.Series(["withdrawn" if i in withdrawn else "current" for i in frame["id"]],
                                    index=frame.index, dtype="str")
        return frame[VERSION_LIST_COLUMNS]

    def original(self, version_id: int) -> tuple[str, bytes]:
        """The file name and exact bytes of an upload."""
        with self._reading() as conn:
            row = conn.execute(select(versions_table.c.filename, versions_table.c.original)
                               .where(versions_table.c.id == version_id)).first()
        if row is None:
            raise ValueError(f"There is no version {version_id}.")
        return row.filename, bytes(row.original)

    def version_return(self, version_id: int) -> PerformanceReturn:
        """The return exactly as one version stored it."""
        with self._reading() as conn:
            version = _version_row(conn, version_id)
            if version.kind != "return":
                raise ValueError(f"Version {version_id} is an EES file, not a return.")
            return _load_return(conn, version_id)

    def current_return(self) -> PerformanceReturn | None:
        """The return the dashboard shows: active versions in order, then commentary edits."""
        with self._reading() as conn:
            return _fold_versions(conn)

    def return_as_of(self, version_id: int) -> PerformanceReturn | None:
        """The return as it stood when `version_id` was saved (active versions up to it)."""
        with self._reading() as conn:
            saved_at = _version_row(conn, version_id).saved_at
            return _fold_versions(conn, up_to=version_id, edits_until=saved_at)

    def events(self, version_id: int | None = None) -> pd.DataFrame:
        """Withdraw and restore events, oldest first, for one version or all."""
        query = select(events_table).order_by(events_table.c.id)
        if version_id is not None:
            query = query.where(events_table.c.version_id == version_id)
        with self._reading() as conn:
            frame = _frame(conn.execute(query))
        frame["saved_at"] = _utc(frame["saved_at"])
        return frame

    def commentary_history(self, indicator_id: str | None = None, dashboard: str | None = None,
                           period: str | None = None) -> pd.DataFrame:
        """Every commentary edit, newest first, optionally for one indicator, dashboard or period."""
        query = select(commentary_edits_table).order_by(commentary_edits_table.c.id.desc())
        for name, wanted in (("indicator_id", indicator_id), ("dashboard", dashboard),
                             ("period", period)):
            if wanted is not None:
                query = query.where(commentary_edits_table.c[name] == wanted)
        with self._reading() as conn:
            frame = _frame(conn.execute(query))
        frame["saved_at"] = _utc(frame["saved_at"])
        return frame

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        """The latest value saved for a setting, or `default`."""
        with self._reading() as conn:
            value = conn.execute(select(settings_table.c.value).where(settings_table.c.key == key)
                                 .order_by(settings_table.c.id.desc()).limit(1)).scalar()
        return default if value is None else value

    def ees_sources(self) -> list[tuple[int, str, bytes]]:
        """Active EES uploads (id, file name, bytes), oldest first."""
        v = versions_table.c
        with self._reading() as conn:
            rows = conn.execute(select(v.id, v.filename, v.original).where(v.kind == "ees")
                                .order_by(v.id)).all()
            withdrawn = _withdrawn_ids(conn)
        return [(row.id, row.filename, bytes(row.original)) for row in rows if row.id not in withdrawn]

    def state_token(self) -> str:
        """A cheap key that changes whenever anything is saved (for caching `current_return`)."""
        with self._reading() as conn:
            return _state_token(conn)

    # --- plumbing ------------------------------------------------------------------------

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A transaction holding the store's write lock until it commits or rolls back."""
        with _told("save"), self._writer.begin() as conn:
            if self.is_postgres:
                # One lock per schema, so test schemas in one database do not wait on each other.
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(current_schema()))"))
            yield conn

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """A read-only transaction that sees one consistent snapshot of the store."""
        with _told("read the dashboard's store"), self._reader.connect() as conn:
            yield conn

    def _append_event(self, version_id: int, who: str, reason: str, action: str) -> None:
        """Append a withdraw or restore event after checking it changes the version's status."""
        with self._writing() as conn:
            _version_row(conn, version_id)
            withdrawn = version_id in _withdrawn_ids(conn)
            if action == "withdrawn" and withdrawn:
                raise ValueError(f"Version {version_id} is already withdrawn.")
            if action == "restored" and not withdrawn:
                raise ValueError(f"Version {version_id} is not withdrawn, so it cannot be restored.")
            conn.execute(events_table.insert().values(version_id=version_id, saved_at=_now(),
                                                      who=who, action=action, reason=reason or ""))

    def _create_schema(self) -> None:
        """Create the tables if this is a new store; refuse a store from a newer schema."""
        if not inspect(self.engine).has_table(schema_info.name):
            with self._writing() as conn:  # under the lock, so concurrent first uses do not race
                metadata.create_all(conn)
                if conn.execute(select(func.count()).select_from(schema_info)).scalar() == 0:
                    conn.execute(schema_info.insert().values(schema_version=SCHEMA_VERSION))
        with self._reading() as conn:
            found = conn.execute(select(func.max(schema_info.c.schema_version))).scalar()
        if found == 1:
            self._upgrade_from_1()
            found = SCHEMA_VERSION
        if found != SCHEMA_VERSION:
            raise RuntimeError(f"The store has schema version {found}; this app reads version "
                               f"{SCHEMA_VERSION}.")

    def _upgrade_from_1(self) -> None:
        """Schema 1 to 2 in one transaction: the indicators' new column, true (counts children) for every
        indicator already stored, as it was treated then."""
        table = RETURN_TABLES["indicators"].name
        with self._writing() as conn:
            if conn.execute(select(func.max(schema_info.c.schema_version))).scalar() == 1:  # not done meanwhile
                conn.execute(text(f"ALTER TABLE {table} ADD COLUMN suppress_small_numbers BOOLEAN NOT NULL "
                                  "DEFAULT TRUE"))
                conn.execute(schema_info.update().values(schema_version=SCHEMA_VERSION))


def _state_token(conn: Connection) -> str:
    """The newest id of every kind of saved thing, as one key."""
    tables = (versions_table, events_table, commentary_edits_table, settings_table)
    row = conn.execute(select(*(select(func.max(t.c.id)).scalar_subquery() for t in tables))).one()
    return "-".join(str(n or 0) for n in row)


def _with_psycopg(url: str) -> str:
    """The URL with the psycopg 3 driver when a PostgreSQL URL names no driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _configure_sqlite(engine) -> None:
    """A busy timeout, WAL, foreign keys, full sync, and `BEGIN IMMEDIATE` for writes."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy's BEGIN below start transactions
        dbapi_connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _switch_to_wal(dbapi_connection)
        dbapi_connection.execute("PRAGMA foreign_keys = ON")
        dbapi_connection.execute("PRAGMA synchronous = FULL")  # a saved upload survives power loss

    @event.listens_for(engine, "begin")
    def on_begin(conn) -> None:
        # A writer takes the write lock up front, so writers queue instead of failing midway.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("store_write")
                             else "BEGIN")


def _switch_to_wal(dbapi_connection: sqlite3.Connection) -> None:
    """Put the database in WAL mode, retrying within the busy timeout.

    Processes opening a new database file at the same moment can get "database is locked"
    from this pragma straight away, without SQLite applying the busy timeout.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            dbapi_connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "readonly" in str(error):
                return  # a read-only store can still be read; saving says why it cannot
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _check_version(kind: str, source_kind: str, mode: str, ret: PerformanceReturn | None) -> None:
    """Raise a plain ValueError for an impossible combination of version facts."""
    for name, value, choices in (("kind", kind, KINDS), ("source_kind", source_kind, SOURCE_KINDS),
                                 ("mode", mode, MODES)):
        if value not in choices:
            raise ValueError(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    if (kind == "ees") != (source_kind == "ees"):
        raise ValueError("An EES file has kind 'ees' and source_kind 'ees'; a return has neither.")
    if (kind == "return") != (ret is not None):
        raise ValueError("A return version needs its rows (ret); an EES version stores bytes only.")


def _return_rows(ret: PerformanceReturn) -> dict[Table, list[dict]]:
    """The return's rows as insert parameters, table by table (version_id still to be set)."""
    rows = {table: _records(getattr(ret, name)) for name, table in RETURN_TABLES.items()}
    rows[about_table] = [{"key": k, "value": str(v)} for k, v in ret.about.items()]
    return rows


def _records(frame: pd.DataFrame) -> list[dict]:
    """DataFrame rows as dicts of plain Python values (NaN and NaT become NULL), numbered."""
    plain = frame.assign(**{c: frame[c].dt.date for c in frame.select_dtypes("datetime").columns})
    plain = plain.astype(object).where(plain.notna(), None)
    return [{"row_no": n, **record} for n, record in enumerate(plain.to_dict("records"))]


def _load_return(conn: Connection, version_id: int, tables=tuple(RETURN_TABLES)) -> PerformanceReturn:
    """One version's stored rows as a return; tables not in `tables` are left empty."""
    frames = {}
    for name in tables:
        table = RETURN_TABLES[name]
        columns = [c for c in table.c if c.name not in ("version_id", "row_no")]
        frame = _frame(conn.execute(select(*columns).where(table.c.version_id == version_id)
                                    .order_by(table.c.row_no)))
        if "period_start" in frame:
            frame["period_start"] = pd.to_datetime(frame["period_start"])
        frames[name] = frame
    about = conn.execute(select(about_table.c.key, about_table.c.value)
                         .where(about_table.c.version_id == version_id)
                         .order_by(about_table.c.key)).all()
    return PerformanceReturn(**frames, about=dict(about))


def _fold_versions(conn: Connection, up_to: int | None = None,
                   edits_until: dt.datetime | None = None) -> PerformanceReturn | None:
    """Apply the active return versions (up to `up_to`) in id order, then commentary edits
    (those saved up to `edits_until`, or all).

    Rows older than the last complete version cannot survive it, so for those versions
    only the catalogue and `about` (which a complete upload may still merge with) are read.
    """
    v = versions_table.c
    query = select(v.id, v.saved_at, v.mode, v.source_kind).where(v.kind == "return").order_by(v.id)
    if up_to is not None:
        query = query.where(v.id <= up_to)
    withdrawn = _withdrawn_ids(conn)
    active = [row for row in conn.execute(query) if row.id not in withdrawn]
    if not active:
        return None
    last_complete = max((row.id for row in active if row.mode == "complete"), default=0)
    result, commentary_times = None, []
    for row in active:
        own = _load_return(conn, row.id, tables=tuple(RETURN_TABLES) if row.id >= last_complete
                           else ("indicators",))
        policy = "replace" if row.source_kind == "workbook" else "fill_gaps"
        result = revisions.apply_version(result, own, row.mode, catalogue_policy=policy)
        commentary_times.append(own.commentary[revisions.COMMENTARY_KEY]
                                .assign(saved_at=_utc(pd.Series([row.saved_at] * len(own.commentary)))))
    return PerformanceReturn(indicators=result.indicators, values=result.values,
                             comparators=result.comparators, about=result.about,
                             commentary=_commentary_with_edits(conn, result.commentary,
                                                               commentary_times, edits_until))


def _commentary_with_edits(conn: Connection, commentary: pd.DataFrame, saved_times: list[pd.DataFrame],
                           as_of: dt.datetime | None) -> pd.DataFrame:
    """The folded commentary overlaid by the edits saved up to `as_of` (all when None).

    A folded row counts as saved when the latest version holding its key was saved.
    """
    key = revisions.COMMENTARY_KEY
    times = pd.concat(saved_times, ignore_index=True).groupby(key, as_index=False)["saved_at"].max()
    query = select(commentary_edits_table).order_by(commentary_edits_table.c.id)
    if as_of is not None:
        query = query.where(commentary_edits_table.c.saved_at <= as_of)
    edits = _frame(conn.execute(query)).drop(columns="id")
    edits["saved_at"] = _utc(edits["saved_at"])
    return revisions.overlay_commentary(commentary.merge(times, on=key, how="left"), edits)


def _version_row(conn: Connection, version_id: int):
    """A version's facts, or a plain ValueError when there is no such version."""
    row = conn.execute(select(versions_table.c.id, versions_table.c.kind, versions_table.c.saved_at)
                       .where(versions_table.c.id == version_id)).first()
    if row is None:
        raise ValueError(f"There is no version {version_id}.")
    return row


def _withdrawn_ids(conn: Connection) -> set[int]:
    """Ids of versions whose latest event is a withdrawal."""
    e = events_table.c
    latest = select(func.max(e.id)).group_by(e.version_id).scalar_subquery()
    return set(conn.execute(select(e.version_id).where(e.id.in_(latest), e.action == "withdrawn"))
               .scalars())


def _frame(result) -> pd.DataFrame:
    """A query result as a DataFrame with the result's column names, even when empty."""
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def _utc(column: pd.Series) -> pd.Series:
    """Timestamps as UTC (SQLite hands back naive UTC, PostgreSQL aware ones)."""
    return pd.to_datetime(column, utc=True)


def _now() -> dt.datetime:
    """The current UTC time, taken inside the write lock so it follows id order."""
    return dt.datetime.now(dt.UTC)
