"""One shared folder beside the project: HARNESS_SHARED moves it, HARNESS_SHARED_DATA its data alone."""

from __future__ import annotations

from pathlib import Path

from harness.common import paths


def test_without_either_variable_the_shared_folder_sits_beside_the_project(monkeypatch):
    monkeypatch.delenv(paths.SHARED_ENV, raising=False)
    monkeypatch.delenv(paths.SHARED_DATA_ENV, raising=False)
    assert paths.shared_dir() == paths.PROJECT_ROOT.parent / "shared"
    assert paths.shared_data_dir() == paths.PROJECT_ROOT.parent / "shared" / "data"


def test_moving_the_shared_folder_moves_its_data_folder_with_it(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.SHARED_ENV, str(tmp_path / "elsewhere"))
    monkeypatch.delenv(paths.SHARED_DATA_ENV, raising=False)
    assert paths.shared_dir() == tmp_path / "elsewhere"
    assert paths.shared_data_dir() == tmp_path / "elsewhere" / "data"


def test_the_data_variable_overrides_the_data_folder_alone(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.SHARED_ENV, str(tmp_path / "shared"))
    monkeypatch.setenv(paths.SHARED_DATA_ENV, str(tmp_path / "corpora"))
    assert paths.shared_data_dir() == tmp_path / "corpora"
    assert paths.shared_dir() == tmp_path / "shared"


def test_the_project_root_is_the_checkout_holding_the_package():
    assert (paths.PROJECT_ROOT / "harness" / "common" / "paths.py").resolve() == Path(paths.__file__).resolve()
    assert (paths.PROJECT_ROOT / "pyproject.toml").is_file()
