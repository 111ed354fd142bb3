"""HTTPS for the emulator: a throwaway certificate authority and a loopback certificate, made at start.

Official clients build `https://` URLs (node-mailjet) or mount their retry adapter only for `https://`
(`mailjet-rest`), so an HTTPS emulator exercises code paths plain HTTP never reaches. The CA (made with
`trustme`) exists only for the life of the server; clients trust it through the file at `TlsFiles.ca`,
for example with the environment variables of `trust_exports` (docs/emulator.md, per official client).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


@dataclass(frozen=True, slots=True)
class TlsFiles:
    """PEM files of one emulator's TLS material, all in `directory`.

    Args:
        directory: where they live (removed by `remove`).
        ca: the CA certificate clients must trust.
        server: the server's private key followed by its certificate chain (uvicorn's certfile and keyfile).
    """

    directory: Path
    ca: Path
    server: Path

    def remove(self) -> None:
        """Delete the files (the CA is worthless afterwards)."""
        shutil.rmtree(self.directory, ignore_errors=True)


def create_tls(host: str = "127.0.0.1", directory: Path | None = None) -> TlsFiles:
    """A new CA and a certificate for the loopback names and `host`, written as PEM files.

    Args:
        host: the interface the server binds; named in the certificate unless it is a wildcard.
        directory: where to write (a new temporary directory by default).

    Returns:
        The files.

    Raises:
        ModuleNotFoundError: trustme (the [emulator] extra) is missing.
    """
    import trustme  # the [emulator] extra; imported here so plain HTTP never needs it

    where = directory or Path(tempfile.mkdtemp(prefix="mailjet-emulator-tls-"))
    names = list(dict.fromkeys([*LOOPBACK_NAMES, *([host] if host not in WILDCARD_HOSTS else [])]))
    authority = trustme.CA(organization_name="mailjet-connector emulator")
    issued = authority.issue_cert(*names)
    files = TlsFiles(where, where / "emulator-ca.pem", where / "emulator-server.pem")
    authority.cert_pem.write_to_path(str(files.ca))
    issued.private_key_and_cert_chain_pem.write_to_path(str(files.server))
    return files


def trust_exports(ca: Path) -> str:
    """Shell `export` line that makes the common clients trust the emulator's CA.

    `SSL_CERT_FILE` serves OpenSSL-based clients (Python's ssl and httpx, Go on Linux, PHP with curl),
    `REQUESTS_CA_BUNDLE` requests (mailjet-rest), `NODE_EXTRA_CA_CERTS` Node (added to its own roots).
    """
    return f"export SSL_CERT_FILE={ca} REQUESTS_CA_BUNDLE={ca} NODE_EXTRA_CA_CERTS={ca}"
