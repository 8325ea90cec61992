"""`training-app backup` and `restore`: one tar file with the SQLite database (copied online with
SQLite's backup API), the media folder and the certificate signing key.

PostgreSQL is backed up with pg_dump (docs/operations.md); `--without-database` then archives the
files alone. The database is copied before the media folder: an upload stores its files before
its row commits, so every image the copied database names is already on disk when the folder is read.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import make_url

from training_app.certificates.signing import KEY_FILE

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = "database.sqlite3"
MEDIA = "media"


class BackupError(Exception):
    """Why a backup or restore cannot be made; the message is for the operator."""


@dataclass(frozen=True)
class Summary:
    database: bool
    media_files: int
    signing_key: bool


def sqlite_path(database_url: str) -> Path | None:
    """The file of a SQLite DATABASE_URL; None for any other database."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(url.database)


def create(settings: Mapping[str, Any], archive: Path, with_database: bool, now: datetime) -> Summary:
    """Write the backup to `archive` (mode 0600: it holds the signing key), replacing it only when complete."""
    database = sqlite_path(settings["DATABASE_URL"]) if with_database else None
    if with_database and database is None:
        raise BackupError("DATABASE_URL is not SQLite: back the database up with pg_dump (docs/operations.md), "
                          "and the files with --without-database.")
    if database is not None and not database.is_file():
        raise BackupError(f"The SQLite database {database} does not exist.")
    media = Path(settings["MEDIA_PATH"])
    key = Path(settings["SHARED_PATH"]) / KEY_FILE
    archive = archive.resolve()
    fd, partial = tempfile.mkstemp(prefix=f".{archive.name}.", dir=archive.parent)
    try:
        with os.fdopen(fd, "wb") as out, tarfile.open(fileobj=out, mode="w") as tar:
            if database is not None:
                _add_database_copy(tar, database)
            files = sorted(_media_files(media))
            for path in files:
                tar.add(path, arcname=f"{MEDIA}/{path.relative_to(media).as_posix()}", recursive=False)
            if key.is_file():
                tar.add(key, arcname=KEY_FILE, recursive=False)
            summary = Summary(database is not None, len(files), key.is_file())
            _add_bytes(tar, MANIFEST, json.dumps({
                "format": FORMAT, "created_at": now.isoformat(timespec="seconds"),
                "database": summary.database, "media_files": summary.media_files,
                "signing_key": summary.signing_key,
            }, indent=2).encode())
        os.replace(partial, archive)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return summary


def _add_database_copy(tar: tarfile.TarFile, database: Path) -> None:
    """A consistent copy made while the app keeps serving: SQLite's backup API restarts on concurrent writes."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / DATABASE
        source = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=15)
        target = sqlite3.connect(copy)
        try:
            source.backup(target)
            # One self-contained file: no -wal beside it in the archive.
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
            source.close()
        tar.add(copy, arcname=DATABASE, recursive=False)


def _media_files(media: Path) -> Iterator[Path]:
    if not media.is_dir():
        return
    for path in media.rglob("*"):
        if path.is_file() and not path.is_symlink():
            yield path


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def restore(settings: Mapping[str, Any], archive: Path, with_database: bool) -> Summary:
    """Unpack `archive` into the empty instance `settings` describe; refuses to overwrite anything."""
    database = sqlite_path(settings["DATABASE_URL"]) if with_database else None
    if with_database and database is None:
        raise BackupError("DATABASE_URL is not SQLite: restore the database with pg_restore (docs/operations.md), "
                          "and the files with --without-database.")
    media = Path(settings["MEDIA_PATH"])
    key = Path(settings["SHARED_PATH"]) / KEY_FILE
    try:
        tar = tarfile.open(archive, mode="r:")  # noqa: SIM115 - the `with` below closes it
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{archive} is not a backup made by training-app backup ({error}).") from None
    with tar:
        manifest = _manifest(tar, archive)
        if database is not None and not manifest["database"]:
            raise BackupError("This backup has no database (it was made with --without-database).")
        _refuse_non_empty(database, media, key)
        media_files = 0
        for member in tar.getmembers():
            target = _target(member, database, media, key)
            if target is None:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            mode = 0o644 if target.is_relative_to(media) else 0o600  # the database and key: owner only
            with tar.extractfile(member) as data:
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
                with os.fdopen(fd, "wb") as out:
                    out.write(data.read())
            media_files += target.is_relative_to(media)
    return Summary(database is not None, media_files, key.is_file())


def _manifest(tar: tarfile.TarFile, archive: Path) -> dict[str, Any]:
    try:
        with tar.extractfile(MANIFEST) as data:
            manifest = json.loads(data.read())
    except (KeyError, AttributeError, ValueError):
        raise BackupError(f"{archive} is not a backup made by training-app backup (no manifest).") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} is a backup of format {manifest.get('format')}; this version reads {FORMAT}.")
    return manifest


def _refuse_non_empty(database: Path | None, media: Path, key: Path) -> None:
    """Restore only into an empty instance, so nothing of a running site is ever overwritten."""
    if database is not None and any(Path(f"{database}{suffix}").exists() for suffix in ("", "-wal", "-shm")):
        raise BackupError(f"{database} exists: restore into a new instance (set DATABASE_URL or "
                          "TRAINING_APP_INSTANCE to an empty place).")
    if media.is_dir() and any(media.iterdir()):
        raise BackupError(f"The media folder {media} is not empty: restore into a new instance.")
    if key.exists():
        raise BackupError(f"{key} exists: restore into a new instance.")


def _target(member: tarfile.TarInfo, database: Path | None, media: Path, key: Path) -> Path | None:
    """Where a member goes; None for the manifest, and for the database when restoring files only.

    Only regular files under the names `create` writes are accepted, so a crafted archive cannot write
    outside the instance, nor through a link.
    """
    name = PurePosixPath(member.name)
    if member.name == MANIFEST or (member.name == DATABASE and database is None):
        return None
    if not member.isfile() or name.is_absolute() or ".." in name.parts:
        raise BackupError(f"The backup holds an unexpected entry {member.name!r}: refused.")
    if member.name == DATABASE:
        return database
    if member.name == KEY_FILE:
        return key
    if name.parts[0] == MEDIA and len(name.parts) > 1:
        return media.joinpath(*name.parts[1:])
    raise BackupError(f"The backup holds an unexpected entry {member.name!r}: refused.")
