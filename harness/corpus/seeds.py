"""The seed documents: ``seeds/<doc_id>.txt``, pinned by ``seeds/MANIFEST.sha256``.

Texts are read as UTF-8 bytes decoded with no newline translation, so offsets
count exactly the code points on disk.
"""

from __future__ import annotations

from pathlib import Path

from harness.annotations import Document, sha256_text

MANIFEST_NAME = "MANIFEST.sha256"


def read_text_exact(path: Path) -> str:
    """Decode a file as UTF-8 without touching its newlines."""
    return path.read_bytes().decode("utf-8")


def load_seed_documents(seeds_dir: Path) -> list[Document]:
    """Every ``*.txt`` under ``seeds_dir`` as a Document, ordered by id."""
    paths = sorted(seeds_dir.glob("*.txt"))
    return [Document(doc_id=p.stem, text=read_text_exact(p)) for p in paths]


def read_manifest(seeds_dir: Path) -> dict[str, str]:
    """``{file name: sha256 of its text}`` from the manifest (``sha256sum`` format)."""
    entries: dict[str, str] = {}
    manifest = seeds_dir / MANIFEST_NAME
    for line_no, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 2 or len(parts[0]) != 64:
            raise ValueError(f"{manifest}:{line_no}: expected '<sha256>  <file name>', got {line!r}")
        digest, name = parts
        entries[name.lstrip("*")] = digest
    return entries


def write_manifest(seeds_dir: Path) -> Path:
    """Write the manifest for the ``*.txt`` files present (``sha256sum -c`` can check it)."""
    lines = [f"{sha256_text(d.text)}  {d.doc_id}.txt" for d in load_seed_documents(seeds_dir)]
    manifest = seeds_dir / MANIFEST_NAME
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return manifest
