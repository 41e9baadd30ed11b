"""What a run record says about the machine and code that produced it."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

TRACKED_PACKAGES = (
    "arabic-claims-harness",
    "torch",
    "transformers",
    "tokenizers",
    "datasets",
    "evaluate",
    "numpy",
    "scipy",
    "llama_cpp_python",
)


def package_versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {"python": sys.version.split()[0]}
    for name in TRACKED_PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


def git_state(repo: Path) -> dict[str, str | bool | None]:
    """Commit and whether the work tree had uncommitted changes (None outside git)."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


#: CPU features that decide which numeric kernels torch picks. bfloat16 matrix
#: products can differ in their last bits between AMX, AVX-512 BF16 and emulation,
#: so a model served in bfloat16 may tag a borderline word differently on another CPU.
KERNEL_FLAGS = ("avx2", "avx512f", "avx512_bf16", "amx_bf16")


def cpu_description(cpuinfo: str) -> dict[str, object]:
    """CPU model name and the kernel-relevant flags from the text of ``/proc/cpuinfo``."""
    model: str | None = None
    flags: set[str] = set()
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "model name" and model is None:
            model = value.strip()
        elif key.strip() == "flags" and not flags:
            flags = set(value.split())
    return {"cpu_model": model, "cpu_flags": [flag for flag in KERNEL_FLAGS if flag in flags]}


def this_cpu() -> dict[str, object]:
    """:func:`cpu_description` of this machine (None for both where /proc/cpuinfo is missing)."""
    try:
        return cpu_description(Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return {"cpu_model": None, "cpu_flags": None}


def machine() -> dict[str, object]:
    """Where a run was computed: enough to tell whether two runs used the same kernels."""
    return {"platform": platform.platform(), "processor": platform.machine(), "cpus": os.cpu_count(), **this_cpu()}
