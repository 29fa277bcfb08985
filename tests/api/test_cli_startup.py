"""``winnow`` commands import only what they use (start-up time is measured in
benchmarks/dedup.py; here: which heavy packages a command loads)."""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from api.cli import COMMANDS

HEAVY = ("fastapi", "starlette", "sqlalchemy", "sqlmodel", "sklearn", "scipy", "uvicorn")
_PROBE = """
import json, sys
from api.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


def _loaded(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_help_loads_no_heavy_package() -> None:
    assert _loaded("--help") & set(HEAVY) == set()


def test_dedupe_loads_no_web_stack_nor_scikit_learn(tmp_path: Path) -> None:
    records = tmp_path / "r.csv"
    records.write_text("id,title\na,One title here\nb,One title here\n", encoding="utf-8")
    loaded = _loaded("dedupe", str(records), "--output", str(tmp_path / "p.csv"))
    assert loaded & set(HEAVY) == set()
    assert "rapidfuzz" in loaded  # it did deduplicate
    assert (tmp_path / "p.csv").read_text(encoding="utf-8").startswith("id,group\n")


@pytest.mark.parametrize("module", sorted({module for module, _help in COMMANDS.values()}))
def test_the_command_table_matches_what_each_module_registers(module: str) -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers()
    importlib.import_module(module).register(commands)
    registered = {action.dest: action.help for action in commands._choices_actions}
    listed = {name: help_text for name, (owner, help_text) in COMMANDS.items() if owner == module}
    assert registered == listed
