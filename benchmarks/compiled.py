"""A copy of the import core compiled with mypyc, as the release wheel ships it, in a directory.

The modules are the ones pyproject.toml's mypyc build hook compiles, so benchmarks and the
compiled test lane measure and test exactly what a compiled install runs.

    .venv/bin/python -m benchmarks.compiled DIR [--with-tests]   # build into DIR, print it
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def compiled_modules() -> list[str]:
    """The source files the wheel's mypyc hook compiles (pyproject.toml is the one list)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    hook = config["tool"]["hatch"]["build"]["targets"]["wheel"]["hooks"]["mypyc"]
    return list(hook["include"])


def build_compiled_tree(target: Path, *, with_tests: bool = False) -> Path:
    """Copy the packages into *target* and compile the hot modules there; return *target*.

    *with_tests*: also copy the tests and pyproject.toml (pytest's settings), so that pytest run
    in *target* imports the compiled modules."""
    target.mkdir(parents=True, exist_ok=True)
    for folder in ("importers", "screening", "api", "migrations", "tests"):
        if folder in ("importers", "screening") or with_tests:
            _copy(ROOT / folder, target / folder)
    # setuptools, which mypyc drives, would read a pyproject.toml in the folder: copied after
    # (and removed first, when *target* is built again).
    (target / "pyproject.toml").unlink(missing_ok=True)
    subprocess.run(
        [sys.executable, "-m", "mypyc", *compiled_modules()],
        cwd=target,
        check=True,
        capture_output=True,
        text=True,
    )
    if with_tests:
        shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")
    return target


def _copy(source: Path, target: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.so", "test-artifacts")
    shutil.copytree(source, target, dirs_exist_ok=True, ignore=ignore)


def is_compiled(module_file: str) -> bool:
    return module_file.endswith((".so", ".pyd"))


if __name__ == "__main__":
    with_tests = "--with-tests" in sys.argv[2:]
    print(build_compiled_tree(Path(sys.argv[1]).resolve(), with_tests=with_tests))
