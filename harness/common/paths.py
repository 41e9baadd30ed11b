"""Where the project's own files are, for every room that needs them.

The harness runs from a checkout (``pip install -e .``): the project root is
the folder above the package, holding ``gold/``, ``seeds/``, ``configs/``,
``models/`` and ``results/``. Beside the project sits one shared folder,
``../shared`` unless ``HARNESS_SHARED`` names another: its ``seeds/`` hold the
originals of the seed articles and its ``data/`` the third-party data
(ANERcorp, conlleval reference files). ``HARNESS_SHARED_DATA`` overrides the
data folder alone; without it the data folder is always ``data/`` of the
shared folder, so one variable moves both.
"""

from __future__ import annotations

import os
from pathlib import Path

#: The checkout the package was installed from.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
#: Environment variable naming the shared folder (``seeds/`` originals and ``data/``).
SHARED_ENV = "HARNESS_SHARED"
#: Environment variable naming the folder of third-party data, when it is not ``data/`` of the shared folder.
SHARED_DATA_ENV = "HARNESS_SHARED_DATA"


def shared_dir() -> Path:
    """``$HARNESS_SHARED``, or ``../shared`` beside the project."""
    return Path(os.environ.get(SHARED_ENV) or PROJECT_ROOT.parent / "shared")


def shared_data_dir() -> Path:
    """``$HARNESS_SHARED_DATA``, or ``data/`` of :func:`shared_dir` (``../shared/data`` by default)."""
    return Path(os.environ.get(SHARED_DATA_ENV) or shared_dir() / "data")


def portable(path: Path, root: Path = PROJECT_ROOT) -> str:
    """A path as run records store it: relative to the project root when inside it, so a
    record (a committed baseline) still finds its corpus in another checkout."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(root.resolve()).as_posix() or "."
    except ValueError:
        return str(resolved)


def from_portable(text: str, root: Path = PROJECT_ROOT) -> Path:
    """A stored path back: relative ones are relative to the project root."""
    path = Path(text)
    return path if path.is_absolute() else root / path


def allowed_roots(config_dir: Path | None = None) -> tuple[Path, ...]:
    """Folders a config file may name files in without saying so: the project, the shared data,
    and the config file's own folder (see :func:`harness.config.check_inside`)."""
    # Both the shared data folder in use and its default place beside the project: a bench file
    # names the default place (../../shared/data), and HARNESS_SHARED_DATA may point elsewhere.
    roots = [PROJECT_ROOT, shared_data_dir(), PROJECT_ROOT.parent / "shared" / "data"]
    if config_dir is not None:
        roots.append(Path(config_dir))
    return tuple(root.resolve() for root in roots)


def is_inside(path: Path, roots: tuple[Path, ...]) -> bool:
    """Is ``path`` (resolved: links followed, ``..`` removed) one of ``roots`` or below one?"""
    resolved = Path(path).resolve()
    return any(resolved == root or resolved.is_relative_to(root) for root in roots)
