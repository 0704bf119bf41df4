"""The Teams app package: a manifest of the current schema, both icons at their sizes."""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from adapters.teams.package import MANIFEST_VERSION, PackageError, build_package

APP_ID = "6f1b6a3c-2d4e-4f5a-8b9c-0d1e2f3a4b5c"


def png_info(data: bytes) -> tuple[int, int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, _, color_type = struct.unpack(">IIBB", data[16:26])
    return width, height, color_type


def test_the_package_holds_a_valid_manifest_and_both_icons() -> None:
    archive = zipfile.ZipFile(io.BytesIO(build_package(APP_ID, "bot.example.org")))
    assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["manifestVersion"] == MANIFEST_VERSION
    assert f"v{MANIFEST_VERSION}/MicrosoftTeams.schema.json" in manifest["$schema"]
    assert manifest["id"] == APP_ID and manifest["bots"][0]["botId"] == APP_ID
    commands = manifest["bots"][0]["commandLists"][0]["commands"]
    assert 0 < len(commands) <= 12 and {"checkin now", "goals", "help"} <= {
        c["title"] for c in commands
    }
    [bot] = manifest["bots"]
    assert bot["scopes"] == ["personal", "team", "groupChat"]
    shared = next(c for c in bot["commandLists"] if c["scopes"] == ["team", "groupChat"])
    assert {"digest subscribe", "digest unsubscribe"} <= {c["title"] for c in shared["commands"]}
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["description"]["short"]) <= 80
    assert manifest["validDomains"] == ["bot.example.org"]
    assert png_info(archive.read("color.png")) == (192, 192, 6)
    assert png_info(archive.read("outline.png")) == (32, 32, 6)


@pytest.mark.parametrize(("app_id", "host"), [("not-a-guid", "x.org"), (APP_ID, "bad host/")])
def test_bad_arguments_are_refused_clearly(app_id: str, host: str) -> None:
    with pytest.raises(PackageError):
        build_package(app_id, host)


def test_the_command_writes_the_zip(tmp_path: Path) -> None:
    out = tmp_path / "checkin.zip"
    result = subprocess.run(
        [sys.executable, "-m", "app", "teams-package", "--app-id", APP_ID, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={"PYTHONPATH": str(Path(__file__).resolve().parents[2]), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert zipfile.is_zipfile(out)
    bad = subprocess.run(
        [sys.executable, "-m", "app", "teams-package", "--app-id", "nope", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={"PYTHONPATH": str(Path(__file__).resolve().parents[2]), "PATH": "/usr/bin:/bin"},
    )
    assert bad.returncode == 2 and "GUID" in bad.stderr and "Traceback" not in bad.stderr
