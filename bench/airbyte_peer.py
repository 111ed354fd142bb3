"""The Airbyte Mailjet connector as a benchmark peer, installed at bench time into a throwaway venv.

`airbyte-source-mailjet-mail` (0.1.x) is a declarative manifest pinned to airbyte-cdk 1.x, which has no
`source-declarative-manifest` entry point. So the venv gets the current `airbyte-cdk` (which has it), and the
connector's wheel is only downloaded (`pip download --no-deps`) to take its `manifest.yaml`. The copy of the
manifest lives in a temp dir with `url_base` rewritten to read `config['base_url']`; it is never committed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import venv
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONNECTOR = "airbyte-source-mailjet-mail"
MANIFEST_IN_WHEEL = "source_mailjet_mail/manifest.yaml"
URL_BASE = "url_base: https://api.mailjet.com/v3/REST"
URL_BASE_FROM_CONFIG = "url_base: \"{{ config['base_url'] }}/v3/REST\""


class PeerUnavailableError(RuntimeError):
    """The peer could not be installed or prepared here (no network, no wheel...)."""


@dataclass
class PeerRun:
    """Records the peer read per stream, and how long the read took."""

    records: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    timed_out: bool = False
    versions: str = ""


def _run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(cmd, capture_output=True, text=True, check=False, **kwargs)
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise PeerUnavailableError(f"{' '.join(cmd[:4])} ... failed: {tail[0][:300]}")
    return result


def install(workdir: Path, reuse_venv: Path | None = None) -> tuple[Path, Path, str]:
    """Create the venv (or reuse one) and fetch the connector's manifest.

    Returns:
        (source-declarative-manifest executable, the rewritten manifest, "package versions" text).

    Raises:
        PeerUnavailableError: venv, pip install or download failed, or the manifest changed shape.
    """
    env_dir = reuse_venv or workdir / "venv"
    if reuse_venv is None:
        venv.EnvBuilder(with_pip=True).create(env_dir)
        _run([str(env_dir / "bin" / "pip"), "install", "--quiet", "airbyte-cdk"], timeout=1800)
    entry = env_dir / "bin" / "source-declarative-manifest"
    if not entry.exists():
        raise PeerUnavailableError(f"{entry} missing: this airbyte-cdk has no source-declarative-manifest")
    wheels = workdir / "wheels"
    pip = [str(env_dir / "bin" / "pip"), "download", "--quiet", "--no-deps", "-d", str(wheels), CONNECTOR]
    _run(pip, timeout=600)
    manifest = workdir / "manifest.yaml"
    manifest.write_text(rewrite_url_base(_manifest_text(next(wheels.glob("*.whl")))))
    versions = _run([str(env_dir / "bin" / "pip"), "list", "--format=json"]).stdout
    picked = {p["name"]: p["version"] for p in json.loads(versions) if p["name"].startswith("airbyte")}
    wheel_name = next(wheels.glob("*.whl")).name
    return entry, manifest, f"{wheel_name}; " + ", ".join(f"{k} {v}" for k, v in sorted(picked.items()))


def _manifest_text(wheel: Path) -> str:
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(MANIFEST_IN_WHEEL).decode()


def rewrite_url_base(text: str) -> str:
    """The manifest with its fixed Mailjet host replaced by `config['base_url']`.

    Raises:
        PeerUnavailableError: the manifest no longer holds the expected `url_base` line.
    """
    if URL_BASE not in text:
        raise PeerUnavailableError(
            "the connector's manifest has no `url_base: https://api.mailjet.com/v3/REST`"
        )
    return text.replace(URL_BASE, URL_BASE_FROM_CONFIG)


def configured_catalog(entry: Path, manifest: Path, config: Path, streams: list[str], workdir: Path) -> Path:
    """Discover the streams and select `streams` in full-refresh mode."""
    out = _run(
        [str(entry), "discover", "--config", str(config), "--manifest-path", str(manifest)], timeout=300
    )
    catalog = next(
        json.loads(line)["catalog"]
        for line in out.stdout.splitlines()
        if '"type": "CATALOG"' in line or '"type":"CATALOG"' in line
    )
    chosen = [
        {"stream": s, "sync_mode": "full_refresh", "destination_sync_mode": "overwrite"}
        for s in catalog["streams"]
        if s["name"] in streams
    ]
    path = workdir / "configured_catalog.json"
    path.write_text(json.dumps({"streams": chosen}))
    return path


def read(
    entry: Path,
    manifest: Path,
    base_url: str,
    key: str,
    secret: str,
    streams: list[str],
    workdir: Path,
    timeout: float,
) -> PeerRun:
    """Run `source-declarative-manifest read` against `base_url`, its output going to a file, and count the
    RECORD messages per stream in that file afterwards.

    Nothing reads the connector's output while it runs (a reader in this process would share a GIL with
    nothing, but parsing every record as it comes slowed the peer down through the pipe), so its time is its
    own. The read is stopped after `timeout` seconds; rows/s is then over what it wrote so far.
    """
    config = workdir / "config.json"
    config.write_text(json.dumps({"api_key": key, "api_key_secret": secret, "base_url": base_url}))
    catalog = configured_catalog(entry, manifest, config, streams, workdir)
    cmd = [
        str(entry),
        "read",
        "--config",
        str(config),
        "--catalog",
        str(catalog),
        "--manifest-path",
        str(manifest),
    ]
    run = PeerRun()
    output = workdir / "read.jsonl"
    started = time.perf_counter()
    with output.open("wb") as out, subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL) as proc:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            run.timed_out = True
            proc.kill()
            proc.wait()
    run.seconds = time.perf_counter() - started
    run.records = count_records(output)
    return run


def count_records(path: Path) -> dict[str, int]:
    """RECORD messages per stream in an Airbyte protocol output file."""
    records: dict[str, int] = {}
    with path.open("rb") as lines:
        for line in lines:
            if b'"RECORD"' in line[:40]:
                try:
                    stream = json.loads(line)["record"]["stream"]
                except ValueError:
                    continue  # the last line of a killed read can be cut short
                records[stream] = records.get(stream, 0) + 1
    return records


if __name__ == "__main__":  # a manual check: python bench/airbyte_peer.py WORKDIR
    print(install(Path(sys.argv[1])))
