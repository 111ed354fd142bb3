"""The accounts file: many Mailjet API keys in one TOML file, each with its pacing and its own dataset.

```toml
[defaults]                          # optional: any account key, for every account
rate_limit = "300/min"

[accounts.acme]
api_key = "env:ACME_MJ_APIKEY_PUBLIC"      # env:VAR, file:PATH, or the key itself (it is not the secret)
api_secret = "env:ACME_MJ_APIKEY_PRIVATE"  # env:VAR or file:PATH only: the file holds no secret
region = "us"

[accounts.globex]
api_key = "file:/etc/mailjet/globex.key"
api_secret = "file:/etc/mailjet/globex.secret"
dataset_url = "/srv/data/globex.duckdb"
```

Each account syncs into its own dataset: by default `<name>.duckdb` next to the accounts file (schema
`mailjet_data`), or with another destination the schema `mailjet_<name>`; `{account}` in `dataset_url` or
`dataset_name` is replaced by the account's name. Relative paths (datasets, `file:` references) are resolved
against the accounts file's folder. References are read only when an account's settings are built
(`Account.settings(environ)`): loading the file reads no secret, and the library never reads `os.environ`
itself (the CLI passes it in).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mailjet_connector.config import Settings, load_settings
from mailjet_connector.dataset import DEFAULT_DATASET, destination_of, duckdb_file
from mailjet_connector.errors import AccountsError, ConfigError, did_you_mean
from mailjet_connector.ratelimit import parse_rate
from mailjet_connector.toml_checks import expect_table, no_unknown_keys, read_toml

if TYPE_CHECKING:
    from mailjet_connector.client import Client

__all__ = ["Account", "AccountsFile", "CredentialRef", "load_accounts", "parse_accounts"]

TOP_KEYS = {"defaults", "accounts"}
ACCOUNT_KEYS = {
    "api_key",
    "api_secret",
    "region",
    "base_url",
    "rate_limit",
    "timeout",
    "max_retries",
    "concurrency",
    "destination",
    "dataset_url",
    "dataset_name",
}
DEFAULT_KEYS = ACCOUNT_KEYS - {"api_key", "api_secret"}
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$")
PLACEHOLDER = "{account}"


@dataclass(frozen=True)
class CredentialRef:
    """Where a credential is read from: `env:VAR`, `file:PATH` (absolute), or a literal (API keys only).

    The repr names the reference, never a value read through it.
    """

    kind: str  # "env", "file" or "literal"
    where: str  # the variable name, the absolute path, or the literal value

    def resolve(self, environ: Mapping[str, str], what: str) -> str:
        """The credential's value.

        Args:
            environ: the environment `env:` references read (`os.environ` in the CLI).
            what: how errors name it, e.g. `accounts.acme.api_secret`.

        Raises:
            AccountsError: the variable is unset or empty, the file unreadable or empty.
        """
        if self.kind == "literal":
            return self.where
        if self.kind == "env":
            value = environ.get(self.where, "").strip()
            if not value:
                raise AccountsError(f"{what}: {self.where} is not set; export it, or point {what} elsewhere")
            return value
        try:
            value = Path(self.where).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise AccountsError(f"{what}: cannot read {self.where}: {exc.strerror or exc}") from None
        if not value:
            raise AccountsError(f"{what}: {self.where} is empty")
        return value

    def __str__(self) -> str:
        return "(given in the file)" if self.kind == "literal" else f"{self.kind}:{self.where}"


@dataclass(frozen=True)
class Account:
    """One account of the file: its credentials by reference, its connection settings and its dataset.

    Args:
        name: the account's name in the file (`[accounts.NAME]`); letters, digits, `-` and `_`.
        api_key / api_secret: where the credentials are read.
        region / base_url / rate_limit / timeout / max_retries / concurrency: as `Settings` (None: not given,
            the environment and defaults apply).
        destination: duckdb, postgres (both follow from `dataset_url`) or another dlt destination's name.
        dataset_url: the DuckDB file (absolute) or database URL of the account's dataset.
        dataset_name: the schema its tables go to.
    """

    name: str
    api_key: CredentialRef
    api_secret: CredentialRef
    region: str | None = None
    base_url: str | None = None
    rate_limit: str | None = None
    timeout: float | None = None
    max_retries: int | None = None
    concurrency: int | None = None
    destination: str = "duckdb"
    dataset_url: str | None = None
    dataset_name: str = DEFAULT_DATASET

    def settings(self, environ: Mapping[str, str]) -> Settings:
        """The account's `Settings`: its credentials read now, its options, then the environment's defaults.

        Raises:
            AccountsError: a credential cannot be read, or a setting is invalid.
        """
        given = {
            "api_key": self.api_key.resolve(environ, f"accounts.{self.name}.api_key"),
            "api_secret": self.api_secret.resolve(environ, f"accounts.{self.name}.api_secret"),
            "region": self.region,
            "base_url": self.base_url,
            "rate_limit": self.rate_limit,
            "timeout": self.timeout,
            "max_retries": self.max_retries,
            "concurrency": self.concurrency,
        }
        try:
            return load_settings(Settings, **given)
        except ConfigError as exc:
            raise AccountsError(f"accounts.{self.name}: {exc}") from None

    def create_client(self, environ: Mapping[str, str], **overrides: Any) -> Client:
        """The account's `Client` (`Settings.create_client`, so pacing, retries and region apply).

        Raises:
            AccountsError: a credential cannot be read.
            ConfigError: a bad base URL.
        """
        return self.settings(environ).create_client(**overrides)

    @property
    def dataset_label(self) -> str:
        """Where the account's data goes, for people: `acme.duckdb (mailjet_data)`."""
        return f"{self.dataset_url or self.destination} ({self.dataset_name})"


@dataclass(frozen=True)
class AccountsFile:
    """A loaded accounts file: `accounts` in the file's order."""

    path: Path
    accounts: dict[str, Account]

    def get(self, name: str) -> Account:
        """The account named `name`.

        Raises:
            AccountsError: no such account (with a did-you-mean).
        """
        found = self.accounts.get(name)
        if found is None:
            close = did_you_mean(name, self.accounts)
            hint = f"; did you mean {close!r}?" if close else f" (it has {', '.join(self.accounts)})"
            raise AccountsError(f"{self.path}: no account {name!r}{hint}")
        return found

    def select(self, names: Iterable[str] = ()) -> list[Account]:
        """The named accounts in the given order, or every account when `names` is empty.

        Raises:
            AccountsError: a name that is not in the file.
        """
        wanted = [name for name in names if name]
        return [self.get(name) for name in wanted] if wanted else list(self.accounts.values())


def load_accounts(path: Path | str) -> AccountsFile:
    """Read and validate an accounts file (no credential is read yet).

    Raises:
        AccountsError: unreadable, not TOML, or invalid; one line naming the key.
    """
    path = Path(path)
    data = read_toml(path, "accounts file", AccountsError)
    return parse_accounts(data, base_dir=path.resolve().parent, source=path)


def parse_accounts(data: dict[str, Any], *, base_dir: Path, source: Path | str = "accounts") -> AccountsFile:
    """Validate an already-parsed accounts document.

    Args:
        data: the TOML document.
        base_dir: the folder relative paths are resolved against.
        source: the file, for error messages.

    Raises:
        AccountsError: the first problem, as `<source>: <key>: <what is wrong>`.
    """

    def fail(key: str, message: str) -> AccountsError:
        return AccountsError(f"{source}: {key}: {message}")

    no_unknown_keys(data, TOP_KEYS, "", fail)
    defaults = expect_table(data.get("defaults", {}), "defaults", fail)
    no_unknown_keys(defaults, DEFAULT_KEYS, "defaults.", fail)
    table = expect_table(data.get("accounts", {}), "accounts", fail)
    if not table:
        raise fail("accounts", "no account defined: add an [accounts.NAME] table with api_key and api_secret")
    accounts = {
        name: _account(name, {**defaults, **expect_table(raw, f"accounts.{name}", fail)}, base_dir, fail)
        for name, raw in table.items()
    }
    _distinct(accounts, fail)
    return AccountsFile(Path(source), accounts)


def _account(name: str, raw: dict[str, Any], base_dir: Path, fail: Any) -> Account:
    key = f"accounts.{name}"
    if not NAME.match(name):
        raise fail(key, "an account name is letters, digits, '-' and '_' (it names the account's dataset)")
    no_unknown_keys(raw, ACCOUNT_KEYS, f"{key}.", fail)
    for part in ("api_key", "api_secret"):
        if part not in raw:
            raise fail(f"{key}.{part}", "missing; give env:VAR or file:PATH")
    rate = _optional(raw, "rate_limit", str, key, fail)
    try:
        parse_rate(rate)
    except ConfigError as exc:
        raise fail(f"{key}.rate_limit", str(exc)) from None
    region = _optional(raw, "region", str, key, fail)
    if region is not None and region.lower() not in ("eu", "us"):
        raise fail(f"{key}.region", f"{region!r} is not eu or us")
    given_url = _optional(raw, "dataset_url", str, key, fail)
    try:  # the URL's scheme picks the destination, as for `sync --dataset-url`
        destination = destination_of(
            given_url.replace(PLACEHOLDER, name) if given_url else None,
            _optional(raw, "destination", str, key, fail),
        )
    except ConfigError as exc:
        message = str(exc).replace("--dataset-url ", "").replace("--destination", "destination")
        raise fail(f"{key}.dataset_url", message) from None
    return Account(
        name=name,
        api_key=_reference(raw["api_key"], f"{key}.api_key", base_dir, fail, literal=True),
        api_secret=_reference(raw["api_secret"], f"{key}.api_secret", base_dir, fail, literal=False),
        region=region.lower() if region else None,
        base_url=_optional(raw, "base_url", str, key, fail),
        rate_limit=rate,
        timeout=_number(raw, "timeout", key, fail),
        max_retries=_optional(raw, "max_retries", int, key, fail),
        concurrency=_optional(raw, "concurrency", int, key, fail),
        destination=destination,
        dataset_url=_dataset_url(name, raw, destination, base_dir, key, fail),
        dataset_name=_dataset_name(name, raw, destination, key, fail),
    )


def _reference(value: Any, key: str, base_dir: Path, fail: Any, *, literal: bool) -> CredentialRef:
    if not isinstance(value, str) or not value.strip():
        raise fail(key, "expected a string: env:VAR or file:PATH")
    value = value.strip()
    if value.startswith("env:"):
        var = value[4:]
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", var):
            raise fail(key, f"{var!r} is not an environment variable name")
        return CredentialRef("env", var)
    if value.startswith("file:"):
        path = Path(value[5:]).expanduser()
        return CredentialRef("file", str(path if path.is_absolute() else base_dir / path))
    if literal:
        return CredentialRef("literal", value)
    # Never echo the value: it may be the secret itself, written where it should not be.
    raise fail(key, "must be a reference, env:VAR or file:PATH (the accounts file holds no secret)")


def _dataset_url(
    name: str, raw: dict[str, Any], destination: str, base_dir: Path, key: str, fail: Any
) -> str | None:
    url = _optional(raw, "dataset_url", str, key, fail)
    if url is None:
        return str(base_dir / f"{name}.duckdb") if destination == "duckdb" else None
    url = url.replace(PLACEHOLDER, name)
    if destination == "duckdb":
        path = duckdb_file(url).expanduser()
        return str(path if path.is_absolute() else base_dir / path)
    return url


def _dataset_name(name: str, raw: dict[str, Any], destination: str, key: str, fail: Any) -> str:
    given = _optional(raw, "dataset_name", str, key, fail)
    if given is None:
        return DEFAULT_DATASET if destination == "duckdb" else f"mailjet_{name.replace('-', '_').lower()}"
    return given.replace(PLACEHOLDER, name.replace("-", "_").lower())


def _distinct(accounts: dict[str, Account], fail: Any) -> None:
    """Two accounts never share a dataset (a dataset is bound to one account) nor a key reference."""
    seen: dict[tuple[Any, ...], str] = {}
    for account in accounts.values():
        where = (account.destination, account.dataset_url, account.dataset_name)
        other = seen.setdefault(where, account.name)
        if other != account.name:
            raise fail(
                f"accounts.{account.name}",
                f"same dataset as {other!r} ({account.dataset_label}): give each account its own dataset_url"
                " or dataset_name",
            )
    keys: dict[CredentialRef, str] = {}
    for account in accounts.values():
        other = keys.setdefault(account.api_key, account.name)
        if other != account.name:
            raise fail(f"accounts.{account.name}.api_key", f"same API key as {other!r}: one entry per key")


def _optional(raw: dict[str, Any], name: str, kind: type, key: str, fail: Any) -> Any:
    value = raw.get(name)
    if value is None:
        return None
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise fail(f"{key}.{name}", f"expected a {kind.__name__}, got {value!r}")
    return value


def _number(raw: dict[str, Any], name: str, key: str, fail: Any) -> float | None:
    value = raw.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise fail(f"{key}.{name}", f"expected a positive number, got {value!r}")
    return float(value)
