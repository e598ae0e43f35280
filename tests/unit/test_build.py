from __future__ import annotations

import ast
import hashlib
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import build_lambda  # noqa: E402


def test_the_zip_is_byte_for_byte_reproducible(tmp_path: Path) -> None:
    first = build_lambda.build(tmp_path / "one")
    second = build_lambda.build(tmp_path / "two")
    assert hashlib.sha256(first.read_bytes()).digest() == hashlib.sha256(second.read_bytes()).digest()


def test_entries_are_sorted_with_fixed_timestamps_and_modes(tmp_path: Path) -> None:
    with zipfile.ZipFile(build_lambda.build(tmp_path)) as archive:
        entries = archive.infolist()
    names = [entry.filename for entry in entries]
    assert names == sorted(names)
    assert {entry.date_time for entry in entries} == {build_lambda.FIXED_TIME}
    assert {entry.external_attr >> 16 for entry in entries} == {0o100644}


def test_only_lambda_code_is_packaged(tmp_path: Path) -> None:
    with zipfile.ZipFile(build_lambda.build(tmp_path)) as archive:
        names = archive.namelist()
    assert "ses_smtp/__init__.py" in names
    assert "ses_smtp/smtp_regions.json" in names
    assert not [name for name in names if name.startswith(("ses_smtp_local/", "ses_smtp/admin/"))]
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


def imported_modules(package: Path) -> dict[str, set[str]]:
    """Every module each file of a package imports, at any depth (lazy imports included)."""
    found: dict[str, set[str]] = {}
    for path in sorted(package.rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        found[path.relative_to(ROOT).as_posix()] = names
    return found


def test_the_runtime_imports_neither_the_cli_nor_the_local_stack(tmp_path: Path) -> None:
    with zipfile.ZipFile(build_lambda.build(tmp_path)) as archive:
        shipped = {name for name in archive.namelist() if name.endswith(".py")}
    for path, names in imported_modules(ROOT / "functions" / "ses_smtp").items():
        if path.removeprefix("functions/") in shipped:
            wrong = {
                name for name in names if name.startswith(("ses_smtp.admin", "ses_smtp_local", "moto", "aiosmtpd"))
            }
            assert not wrong, f"{path} ships to Lambda but imports {wrong}"


def test_the_cli_never_imports_the_local_stack() -> None:
    """It finds `local` through the ses_smtp.commands entry point, so the two never form a cycle."""
    for path, names in imported_modules(ROOT / "functions" / "ses_smtp" / "admin").items():
        wrong = {name for name in names if name.startswith(("ses_smtp_local", "moto", "aiosmtpd"))}
        assert not wrong, f"{path} imports {wrong}"


def test_the_price_table_prices_every_resource_type_the_module_can_create() -> None:
    prices = json.loads((ROOT / "bench" / "prices.json").read_text())
    priced = set(prices["fixed_monthly_usd"]) | set(prices["no_fixed_cost"])
    created = {
        match
        for path in (ROOT / "modules").rglob("*.tf")
        for match in re.findall(r'^resource "(\w+)"', path.read_text(), flags=re.MULTILINE)
    }
    assert created - priced == set(), "add these to bench/prices.json with a source"
    for entry in prices["fixed_monthly_usd"].values():
        assert entry["source"].startswith("https://") and entry["usd"] > 0


def test_every_handler_imports_with_the_trimmed_layer(tmp_path: Path) -> None:
    """The layer leaves Powertools' event_handler out: every handler must import without it."""
    layer = build_lambda.DIST / "dependencies.zip"
    assert layer.is_file(), f"{layer} is missing: run `make build`"
    with zipfile.ZipFile(layer) as archive:
        names = archive.namelist()
        assert not [name for name in names if name.startswith("python/aws_lambda_powertools/event_handler/")]
        # Its pure-Python packages; the compiled ones are for arm64, so this machine's venv supplies those.
        for name in names:
            if name.startswith(("python/aws_lambda_powertools/", "python/aws_xray_sdk/")):
                archive.extract(name, tmp_path)
    handlers = sorted(
        p.stem for p in (ROOT / "functions" / "ses_smtp" / "handlers").glob("*.py") if p.stem != "__init__"
    )
    script = "; ".join(
        [
            "import importlib, aws_lambda_powertools",
            *(f"importlib.import_module('ses_smtp.handlers.{name}')" for name in handlers),
            "print(aws_lambda_powertools.__file__)",
        ]
    )
    environment = {"PYTHONPATH": f"{tmp_path / 'python'}:{ROOT / 'functions'}", "PATH": "/usr/bin:/bin"}
    environment |= {"AWS_DEFAULT_REGION": "eu-west-1", "POWERTOOLS_TRACE_DISABLED": "true"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=environment, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().startswith(str(tmp_path)), "Powertools must come from the layer"
    assert len(handlers) >= 3


def test_the_check_names_what_differs_from_a_fresh_build(tmp_path: Path) -> None:
    assert build_lambda.stale(build_lambda.DIST) == [], "functions/dist is stale: run `make build`"
    for name in build_lambda.ARTIFACTS:
        (tmp_path / name).write_bytes((build_lambda.DIST / name).read_bytes())
    with zipfile.ZipFile(tmp_path / "ses_smtp.zip", "a") as archive:
        archive.writestr("ses_smtp/extra.py", "")  # a file the sources do not have
    assert build_lambda.stale(tmp_path) == ["ses_smtp.zip"]


def test_the_layer_keeps_no_record_of_scripts_whose_shebang_names_the_builders_python(tmp_path: Path) -> None:
    record = tmp_path / "cffi-2.1.1.dist-info" / "RECORD"
    record.parent.mkdir()
    record.write_text("../../bin/cffi-gen-src,sha256=abc,178\n_cffi_backend.so,sha256=def,452576\n")
    assert build_lambda.layer_content(record) == b"_cffi_backend.so,sha256=def,452576\n"
    other = tmp_path / "module.py"
    other.write_text("../not-a-record\n")
    assert build_lambda.layer_content(other) == b"../not-a-record\n"
