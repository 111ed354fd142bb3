"""The accounts file: TOML in, validated accounts out; credentials read by reference only when asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailjet_connector.accounts import CredentialRef, load_accounts, parse_accounts
from mailjet_connector.dataset import DEFAULT_DATASET
from mailjet_connector.emulator import start_emulator
from mailjet_connector.errors import AccountsError

EXAMPLE = """
[defaults]
rate_limit = "300/min"

[accounts.acme]
api_key = "env:ACME_KEY"
api_secret = "env:ACME_SECRET"
region = "US"

[accounts.globex]
api_key = "file:keys/globex.key"
api_secret = "file:keys/globex.secret"
rate_limit = "5/s"
dataset_url = "data/{account}.duckdb"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "accounts.toml"
    path.write_text(text)
    return path


def test_example_loads_with_defaults_and_paths_resolved(tmp_path):
    loaded = load_accounts(write(tmp_path, EXAMPLE))
    acme, globex = loaded.select()
    assert (acme.name, acme.region, acme.rate_limit) == ("acme", "us", "300/min")
    assert acme.api_key == CredentialRef("env", "ACME_KEY")
    assert acme.dataset_url == str(tmp_path / "acme.duckdb")
    assert acme.dataset_name == DEFAULT_DATASET
    assert globex.rate_limit == "5/s"
    assert globex.api_secret == CredentialRef("file", str(tmp_path / "keys/globex.secret"))
    assert globex.dataset_url == str(tmp_path / "data/globex.duckdb")
    assert [a.name for a in loaded.select(["globex"])] == ["globex"]


def test_settings_read_references_only_when_asked(tmp_path):
    loaded = load_accounts(write(tmp_path, EXAMPLE))
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys/globex.key").write_text("gk\n")
    (tmp_path / "keys/globex.secret").write_text("gs\n")
    settings = loaded.get("globex").settings({})
    assert settings.api_key.get_secret_value() == "gk"
    assert settings.api_secret.get_secret_value() == "gs"
    assert settings.rate_limit == "5/s"
    acme = loaded.get("acme").settings({"ACME_KEY": "k", "ACME_SECRET": "s"})
    assert (acme.region, acme.api_secret.get_secret_value()) == ("us", "s")


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({}, "accounts.acme.api_key: ACME_KEY is not set"),
        ({"ACME_KEY": "k"}, "accounts.acme.api_secret: ACME_SECRET is not set"),
    ],
    ids=["no-key", "no-secret"],
)
def test_missing_credential_is_one_line_naming_the_variable(tmp_path, environ, message):
    with pytest.raises(AccountsError, match=message):
        load_accounts(write(tmp_path, EXAMPLE)).get("acme").settings(environ)


def test_unreadable_secret_file_names_the_file(tmp_path):
    with pytest.raises(AccountsError, match=r"accounts.globex.api_key: cannot read .*globex.key"):
        load_accounts(write(tmp_path, EXAMPLE)).get("globex").settings({})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[accounts]\n", "accounts: no account defined"),
        ("[accounts.a]\napi_key = 'k'\n", r"accounts.a.api_secret: missing"),
        ("[accounts.a]\napi_key = 'k'\napi_secret = 'hunter2'\n", r"api_secret: must be a reference"),
        ("[accounts.a]\napi_key = 'k'\napi_secret = 'env:1X'\n", r"'1X' is not an environment variable"),
        ("[accounts.a]\napi_key = 'k'\napi_secret = 'env:S'\nregion = 'asia'\n", r"region: 'asia' is not eu"),
        (
            "[accounts.a]\napi_key = 'k'\napi_secret = 'env:S'\nrate_limit = 'fast'\n",
            r"accounts.a.rate_limit",
        ),
        (
            "[accounts.a]\napi_key = 'k'\napi_secret = 'env:S'\ncolour = 1\n",
            r"accounts.a.colour: unknown key",
        ),
        ("[accounts.'a b']\napi_key = 'k'\napi_secret = 'env:S'\n", r"an account name is letters"),
        (
            "[accounts.a]\napi_key = 'k'\napi_secret = 'env:S'\ntimeout = -1\n",
            r"timeout: expected a positive",
        ),
        (
            "[accounts.a]\napi_key='k'\napi_secret='env:S'\ndataset_url='x.duckdb'\n"
            "[accounts.b]\napi_key='j'\napi_secret='env:T'\ndataset_url='x.duckdb'\n",
            r"accounts.b: same dataset as 'a'",
        ),
        (
            "[accounts.a]\napi_key='env:K'\napi_secret='env:S'\n[accounts.b]\napi_key='env:K'\napi_secret='env:T'\n",
            r"accounts.b.api_key: same API key as 'a'",
        ),
        ("accounts = 3\n", r"accounts: expected a table"),
        ("[accounts.a\n", r"not valid TOML"),
    ],
    ids=[
        "empty",
        "no-secret",
        "literal-secret",
        "bad-var",
        "region",
        "rate",
        "unknown-key",
        "bad-name",
        "timeout",
        "shared-dataset",
        "shared-key",
        "not-a-table",
        "toml",
    ],
)
def test_invalid_files_fail_in_one_line_naming_the_key(tmp_path, text, message):
    with pytest.raises(AccountsError, match=message) as caught:
        load_accounts(write(tmp_path, text))
    assert "\n" not in str(caught.value)
    assert "hunter2" not in str(caught.value)


def test_unknown_account_suggests_the_closest(tmp_path):
    loaded = load_accounts(write(tmp_path, EXAMPLE))
    with pytest.raises(AccountsError, match="no account 'acm'; did you mean 'acme'"):
        loaded.get("acm")
    with pytest.raises(AccountsError, match="it has acme, globex"):
        loaded.select(["zzz"])


def test_missing_file_is_one_line(tmp_path):
    with pytest.raises(AccountsError, match="cannot read accounts file"):
        load_accounts(tmp_path / "none.toml")


def test_other_destination_gets_a_schema_per_account():
    loaded = parse_accounts(
        {
            "defaults": {"destination": "postgres", "dataset_url": "postgresql://me@localhost/mj"},
            "accounts": {"sub-1": {"api_key": "k", "api_secret": "env:S"}},
        },
        base_dir=Path("/tmp"),
    )
    account = loaded.get("sub-1")
    assert (account.dataset_url, account.dataset_name) == ("postgresql://me@localhost/mj", "mailjet_sub_1")


def test_client_per_account_talks_to_its_own_account_on_the_emulator(tmp_path):
    # The emulator serves two accounts (main and sub-account); each entry reaches its own data.
    with start_emulator(scale="tiny") as server:
        main, sub = list(server.state.accounts.values())[:2]
        text = (
            f"[defaults]\nbase_url = '{server.url}'\n"
            "[accounts.main]\napi_key = 'env:MAIN_KEY'\napi_secret = 'env:MAIN_SECRET'\n"
            f"[accounts.sub]\napi_key = '{sub.api_key}'\napi_secret = 'env:SUB_SECRET'\n"
        )
        environ = {"MAIN_KEY": main.api_key, "MAIN_SECRET": main.api_secret, "SUB_SECRET": sub.api_secret}
        loaded = load_accounts(write(tmp_path, text))
        counts = {}
        for account in loaded.select():
            with account.create_client(environ) as client:
                counts[account.name] = client.count("contact")
    assert counts == {"main": len(main.table("contact")), "sub": len(sub.table("contact"))}
    assert counts["main"] != counts["sub"]


def test_the_dataset_urls_scheme_picks_the_destination(tmp_path):
    loaded = parse_accounts(
        {
            "accounts": {
                "pg": {"api_key": "k", "api_secret": "env:S", "dataset_url": "postgresql://me@localhost/mj"},
                "duck": {
                    "api_key": "j",
                    "api_secret": "env:T",
                    "dataset_url": "duckdb:///data/{account}.duckdb",
                },
            }
        },
        base_dir=tmp_path,
    )
    assert (loaded.get("pg").destination, loaded.get("pg").dataset_name) == ("postgres", "mailjet_pg")
    assert (loaded.get("duck").destination, loaded.get("duck").dataset_url) == (
        "duckdb",
        str(tmp_path / "data/duck.duckdb"),
    )
    with pytest.raises(AccountsError, match=r"accounts.x.dataset_url: mysql://... names no destination"):
        parse_accounts(
            {"accounts": {"x": {"api_key": "k", "api_secret": "env:S", "dataset_url": "mysql://h/db"}}},
            base_dir=tmp_path,
        )
