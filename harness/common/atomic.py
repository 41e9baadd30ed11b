"""Writes that either happen whole or not at all.

A crash or Ctrl-C mid-write must never leave a half-written JSON file that a
later run would read as truth: write beside the target, flush, then rename.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


class NotWritableError(OSError):
    """A file the harness had to write and could not (a read-only results folder, a full disk).

    The message names the path and the system's reason; the command line
    prints it as one line.
    """

    def __init__(self, path: Path | str, err: OSError | str):
        self.path = str(path)
        reason = err if isinstance(err, str) else (err.strerror or str(err))
        super().__init__(f"{path}: cannot write: {reason}")

    def __str__(self) -> str:
        return str(self.args[0])


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all, readable as an ordinary file would be.

    Raises :class:`NotWritableError` (naming ``path``) when the folder cannot be written.
    """
    try:
        _write_text_atomic(path, text)
    except NotWritableError:
        raise
    except OSError as err:
        raise NotWritableError(path, err) from err


def _write_text_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates 0600 files; give the result the usual permissions.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, data: Any) -> None:
    write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n")
