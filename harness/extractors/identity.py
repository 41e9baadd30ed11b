"""An extractor's code identity: a hash of every source and data file that can change its output.

A prediction cache keyed by a hand-bumped version serves yesterday's answers
after today's change to the code (a rule extractor edited to return nothing
still passed its gate from a warm cache). So the cache key, and the run record,
also carry the hash of:

* every file of the package the extractor's class lives in (code and data:
  word lists, prompt files, convention tables), recursively;
* every module of the harness that package imports, directly or through other
  harness modules (found by reading their ``import`` statements, lazy imports
  inside functions included), and the data files beside each of them.

What is *not* in it: the rooms that only run, score or report (they change no
prediction unless an extractor imports them), model weights (each extractor
hashes its own model files into its fingerprint) and settings (the
fingerprint's parameters). The identity is computed from the files on disk, so
an uncommitted edit changes it just as a commit does.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path

#: Files never hashed: caches of the interpreter and editors.
_SKIPPED_SUFFIXES = (".pyc", ".pyo", ".swp")
_SKIPPED_DIRS = ("__pycache__",)
#: The package whose modules are followed through imports.
_ROOT_PACKAGE = "harness"


@dataclass(frozen=True)
class CodeIdentity:
    """The files behind an extractor's output and one hash over them."""

    #: SHA-256 over the sorted (relative path, file SHA-256) pairs.
    sha256: str
    #: ``(path relative to its root, file SHA-256)`` of every file hashed, sorted.
    files: tuple[tuple[str, str], ...]

    @property
    def short(self) -> str:
        return self.sha256[:16]


def _module_file(name: str) -> Path | None:
    """The source file of an importable module, without importing it."""
    module = sys.modules.get(name)
    file = getattr(module, "__file__", None) if module is not None else None
    if file is None:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            return None
        file = spec.origin if spec is not None else None
    if file is None or not file.endswith(".py"):
        return None
    return Path(file).resolve()


def _imported_names(path: Path, package: str) -> set[str]:
    """Harness modules a source file imports (absolute or relative, at any depth of the file)."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return set()
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = parts[: len(parts) - node.level + 1] if node.level > 1 else parts
                base = ".".join([*parent, base] if base else parent)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name == _ROOT_PACKAGE or name.startswith(_ROOT_PACKAGE + ".")}


def _files_under(directory: Path) -> list[Path]:
    return [
        path
        for path in directory.rglob("*")
        if path.is_file() and not any(part in _SKIPPED_DIRS for part in path.parts) and path.suffix not in _SKIPPED_SUFFIXES
    ]


def _data_beside(path: Path) -> list[Path]:
    """Non-Python files in the same directory as a module (tables, word lists it may read)."""
    return [p for p in path.parent.iterdir() if p.is_file() and p.suffix not in (".py", *_SKIPPED_SUFFIXES)]


def _file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _relative(path: Path, roots: list[Path]) -> str:
    for root in roots:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def code_identity_of_module(module_name: str) -> CodeIdentity:
    """The identity of the code behind a module: its package (recursively) and the harness modules it reaches."""
    origin = _module_file(module_name)
    if origin is None:
        raise ValueError(f"cannot find the source of module {module_name!r} to hash it")
    package_dir = origin.parent
    files: set[Path] = set(_files_under(package_dir))
    queue = [(p, _package_of(module_name, p, origin)) for p in sorted(files) if p.suffix == ".py"]
    seen_modules: set[Path] = {p for p, _ in queue}
    while queue:
        path, package = queue.pop()
        for name in sorted(_imported_names(path, package)):
            file = _module_file(name)
            if file is None or file in seen_modules:
                continue
            seen_modules.add(file)
            files.add(file)
            files.update(_data_beside(file))
            queue.append((file, name if file.name == "__init__.py" else name.rpartition(".")[0]))
    harness_root = Path(_module_file(_ROOT_PACKAGE) or origin).parent.parent
    roots = [harness_root, package_dir.parent]
    pairs = tuple(sorted((_relative(path, roots), _file_sha256(path)) for path in files))
    digest = hashlib.sha256("\n".join(f"{name}\t{sha}" for name, sha in pairs).encode("utf-8")).hexdigest()
    return CodeIdentity(digest, pairs)


def _package_of(module_name: str, path: Path, origin: Path) -> str:
    """The dotted package a file of the extractor's package belongs to (for relative imports)."""
    base = module_name.rpartition(".")[0] if origin.name != "__init__.py" else module_name
    relative = path.parent.relative_to(origin.parent).parts
    return ".".join([base, *relative]) if relative else base


_CACHE: dict[str, CodeIdentity] = {}


def code_identity(extractor: object) -> CodeIdentity:
    """The code identity of an extractor object (computed once per module per process)."""
    name = type(extractor).__module__
    if name not in _CACHE:
        _CACHE[name] = code_identity_of_module(name)
    return _CACHE[name]


def forget_identities() -> None:
    """Drop the per-process memo (tests that edit code on disk call it)."""
    _CACHE.clear()


def cache_key(extractor: object, fingerprint: dict | None = None) -> str:
    """The prediction cache's key of an extractor: its fingerprint (model, prompt, settings)
    and its code identity together, so a cached answer is always one of the code under test."""
    from harness.extractors.base import fingerprint_hash

    fingerprint = fingerprint if fingerprint is not None else extractor.fingerprint()  # type: ignore[attr-defined]
    return fingerprint_hash({"fingerprint": fingerprint, "code_sha256": code_identity(extractor).sha256})
