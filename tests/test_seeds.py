"""The seed copies are byte-identical to the shared originals and pinned by the manifest."""

from __future__ import annotations

import hashlib

import pytest

from harness.common.paths import PROJECT_ROOT as ROOT
from harness.common.paths import shared_dir
from harness.corpus.seeds import load_seed_documents, read_manifest

SEEDS = ROOT / "seeds"
SHARED_SEEDS = shared_dir() / "seeds"


def test_manifest_lists_every_seed_with_its_hash():
    manifest = read_manifest(SEEDS)
    files = sorted(p.name for p in SEEDS.glob("*.txt"))
    assert sorted(manifest) == files and len(files) == 5
    for name, digest in manifest.items():
        assert hashlib.sha256((SEEDS / name).read_bytes()).hexdigest() == digest, name


def test_documents_keep_raw_text_and_ids_are_file_stems():
    docs = load_seed_documents(SEEDS)
    assert [d.doc_id for d in docs] == [p.stem for p in sorted(SEEDS.glob("*.txt"))]
    for doc in docs:
        assert doc.text.encode("utf-8") == (SEEDS / f"{doc.doc_id}.txt").read_bytes()


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason=f"shared seeds not found at {SHARED_SEEDS}")
def test_seeds_are_byte_identical_to_the_shared_originals():
    shared = {p.name: p.read_bytes() for p in SHARED_SEEDS.glob("*.txt")}
    ours = {p.name: p.read_bytes() for p in SEEDS.glob("*.txt")}
    assert ours == shared
