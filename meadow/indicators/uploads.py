"""Uploaded files for imports: saving them, unpacking archives safely, the import job."""

from __future__ import annotations

import re
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename

from meadow.core.actors import SystemActor
from meadow.indicators.actions import ImportRejected, import_data
from meadow.indicators.formats import reader
from meadow.indicators.formats.base import (
    ERROR,
    Location,
    Problem,
    ReadOptions,
)
from meadow.jobs.runner import JobFailed, Progress

MAX_ARCHIVE_FILES = 2000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024


def uploads_folder() -> Path:
    """Where uploads wait for their job: in the data folder, which workers share."""
    return Path(settings.MEDIA_ROOT) / "uploads"


def save_upload(upload: UploadedFile) -> Path:
    folder = uploads_folder()
    folder.mkdir(parents=True, exist_ok=True)
    holder = Path(tempfile.mkdtemp(prefix="upload-", dir=folder))
    name = get_valid_filename(PurePosixPath(upload.name or "upload").name) or "upload"
    path = holder / name
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return path


def unpack_zip(archive: Path, destination: Path) -> list[Problem]:
    """Unpack an archive into ``destination`` after checking every entry; problems if refused.

    Refused as a whole: entries with absolute paths or ``..`` (they would land outside
    the folder), links, encrypted entries, more than ``MAX_ARCHIVE_FILES`` entries or
    more than ``MAX_UNPACKED_BYTES`` once unpacked.
    """
    where = Location(archive.name)
    try:
        bundle = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError):
        return [Problem(where, "not a zip archive", ERROR, "bad-archive")]
    with bundle:
        # Finder adds a shadow folder of resource forks to archives made on a Mac.
        members = [m for m in bundle.infolist() if not m.filename.startswith("__MACOSX/")]
        problems: list[Problem] = []
        if len(members) > MAX_ARCHIVE_FILES:
            problems.append(
                Problem(
                    where,
                    f"{len(members)} entries; at most {MAX_ARCHIVE_FILES} are accepted",
                    ERROR,
                    "too-many-files",
                )
            )
        unpacked = sum(m.file_size for m in members)
        if unpacked > MAX_UNPACKED_BYTES:
            problems.append(
                Problem(
                    where,
                    f"{unpacked // 2**20} MB once unpacked; at most "
                    f"{MAX_UNPACKED_BYTES // 2**20} MB are accepted",
                    ERROR,
                    "too-large",
                )
            )
        paths: dict[str, tuple[str, ...]] = {}
        for member in members:
            name = member.filename
            parts = PurePosixPath(name.replace("\\", "/")).parts
            entry = Location(archive.name, column=name)
            if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
                problems.append(
                    Problem(entry, "the path points outside the archive", ERROR, "unsafe-path")
                )
            elif stat.S_ISLNK(member.external_attr >> 16):
                problems.append(Problem(entry, "a symbolic link", ERROR, "unsafe-path"))
            elif member.flag_bits & 0x1:
                problems.append(Problem(entry, "encrypted", ERROR, "encrypted"))
            else:
                paths[name] = parts
        if problems:
            return problems
        root = destination.resolve()
        try:
            for member in members:
                if member.is_dir():
                    continue
                target = root.joinpath(*paths[member.filename])
                if root not in target.resolve().parents:
                    return [
                        Problem(
                            Location(archive.name, column=member.filename),
                            "the path points outside the archive",
                            ERROR,
                            "unsafe-path",
                        )
                    ]
                target.parent.mkdir(parents=True, exist_ok=True)
                with bundle.open(member) as source, target.open("wb") as sink:
                    shutil.copyfileobj(source, sink)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            return [Problem(where, f"broken archive ({exc})", ERROR, "bad-archive")]
    return []


def _archive_root(folder: Path) -> Path:
    """The folder itself, or the one folder it holds (archives of a folder hold that folder)."""
    entries = list(folder.iterdir())
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return folder


def _problem_dicts(problems: list[Problem]) -> list[dict[str, Any]]:
    return [p.as_dict() for p in problems]


def run_import(
    *,
    progress: Progress,
    path: str,
    format: str,
    place: str = "",
    framework: str = "",
    name: str = "",
    user_id: int | None = None,
) -> dict[str, Any]:
    """The import job: unpack an uploaded archive when the format is a folder, then import.

    An upload (a file in the uploads folder) is deleted once the job is over, whatever
    its outcome; other paths are left alone.
    """
    source = Path(path)
    holder = source.parent
    is_upload = uploads_folder().resolve() in holder.resolve().parents
    try:
        if reader(format).directory and source.is_file():
            progress("unpacking", 0, 1)
            unpacked = holder / "unpacked"
            problems = unpack_zip(source, unpacked)
            if problems:
                raise JobFailed(
                    f"{len(problems)} problem(s) with the archive; nothing was imported",
                    {"problems": _problem_dicts(problems)},
                )
            source = _archive_root(unpacked)
        actor: Any = SystemActor("jobs")
        if user_id is not None:
            actor = get_user_model().objects.filter(pk=user_id).first()
            if actor is None:
                raise JobFailed("the user who asked for this import no longer exists")
        try:
            result = import_data(
                source,
                actor=actor,
                format=format,
                options=ReadOptions(place=place, framework=framework),
                name=name or source.name,
                progress=progress,
            )
        except ImportRejected as exc:
            errors = sum(1 for p in exc.problems if p.level == ERROR)
            raise JobFailed(
                f"{errors} problem(s); nothing was imported",
                {"problems": _problem_dicts(exc.problems)},
            ) from None
        except PermissionDenied as exc:
            raise JobFailed(str(exc)) from None
    finally:
        if is_upload:
            shutil.rmtree(holder, ignore_errors=True)
    record = result.import_record
    return {
        "import": record.pk if record else None,
        "url": record.get_absolute_url() if record else None,
        "added": result.added,
        "changed": result.changed,
        "removed": result.removed,
        "unchanged": result.unchanged,
        "warnings": _problem_dicts(result.warnings),
    }
