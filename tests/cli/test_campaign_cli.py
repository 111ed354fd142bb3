"""`mailjet-connector campaign ...`: the whole flow on one emulator, the confirmation, one-line errors."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from mailjet_connector.cli import app

runner = CliRunner()


def creds(server) -> list[str]:
    return ["--base-url", server.url, "--api-key", server.api_key, "--api-secret", server.api_secret]


def campaign(server, *args: str, input: str | None = None):
    return runner.invoke(app, ["campaign", *args, *creds(server)], input=input)


def new_draft(server, tmp_path: Path) -> int:
    created = campaign(server, "create", "--list", "Newsletter", "--subject", "Nov", "--from", "news@example.com",
                       "--from-name", "News", "--json")  # fmt: skip
    assert created.exit_code == 0, created.output
    draft_id = orjson.loads(created.stdout)["ID"]
    (tmp_path / "mail.html").write_text("<p>Hello</p>")
    (tmp_path / "mail.txt").write_text("Hello")
    content = campaign(server, "content", str(draft_id), "--html", str(tmp_path / "mail.html"),
                       "--text", str(tmp_path / "mail.txt"))  # fmt: skip
    assert content.exit_code == 0, content.output
    return draft_id


def test_flow_create_content_test_schedule_cancel_send_status(emulator, tmp_path: Path) -> None:
    draft_id = str(new_draft(emulator, tmp_path))
    assert campaign(emulator, "test", draft_id, "--to", "me@example.com").exit_code == 0
    scheduled = campaign(emulator, "schedule", draft_id, "--at", "2099-01-01T10:00:00Z", "--yes")
    assert scheduled.exit_code == 0 and "programmed for 2099-01-01T10:00:00Z" in scheduled.stdout
    status = campaign(emulator, "status", draft_id)
    assert "Programmed, scheduled for 2099-01-01T10:00:00Z" in status.stdout
    assert campaign(emulator, "cancel", draft_id).exit_code == 0
    sent = campaign(emulator, "send", draft_id, "--yes")
    assert sent.exit_code == 0, sent.output
    assert "active recipients" in sent.stderr and '"Newsletter"' in sent.stderr
    final = orjson.loads(campaign(emulator, "status", draft_id, "--json").stdout)
    assert final["status"] == "Sent" and final["campaign_id"] > 0


def test_send_asks_and_a_no_sends_nothing(emulator, tmp_path: Path) -> None:
    draft_id = str(new_draft(emulator, tmp_path))
    declined = campaign(emulator, "send", draft_id, input="n\n")
    assert declined.exit_code == 1
    assert "Send draft" in declined.stderr and "Nothing was sent." in declined.stderr
    status = orjson.loads(campaign(emulator, "status", draft_id, "--json").stdout)
    assert status["status"] == "Draft"
    accepted = campaign(emulator, "send", draft_id, input="y\n")
    assert accepted.exit_code == 0, accepted.output


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (
            ["create", "--list", "Nope", "--subject", "S", "--from", "a@b.c"],
            "no contacts list named 'Nope'",
            2,
        ),
        (["schedule", "1", "--at", "someday", "--yes"], "bad date 'someday'", 2),
        (["content", "1"], "no content", 2),
        (["status", "999999"], "Object not found", 5),
    ],
    ids=["unknown-list", "bad-date", "no-content", "unknown-draft"],
)
def test_errors_are_one_line_with_documented_codes(
    emulator, args: list[str], message: str, code: int
) -> None:
    result = campaign(emulator, *args)
    assert result.exit_code == code, result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_send_without_content_shows_mailjets_reason(emulator) -> None:
    created = campaign(
        emulator, "create", "--list", "1", "--subject", "S", "--from", "news@example.com", "--json"
    )
    result = campaign(emulator, "send", str(orjson.loads(created.stdout)["ID"]), "--yes")
    assert result.exit_code == 5 and "no content" in result.stderr
