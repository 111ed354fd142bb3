"""`mailjet-connector campaign create|content|test|schedule|send|cancel|status`: the campaign workflow."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer

from mailjet_connector import campaigns
from mailjet_connector.cli.command import Typer
from mailjet_connector.cli.exits import EXIT_ROWS_FAILED
from mailjet_connector.cli.options import CONNECTION, ConnectionOptions
from mailjet_connector.client import Client

EXIT_DECLINED = EXIT_ROWS_FAILED

campaign_app = Typer(
    name="campaign",
    no_args_is_help=True,
    help="""Prepare, test and send a campaign (a campaigndraft) to a contacts list.

Typical flow: create -> content -> test -> send (or schedule; cancel undoes a schedule) -> status.
--emulator starts a fresh emulator for each command: for a whole flow, run `mailjet-connector emulator
serve` and pass --base-url http://127.0.0.1:8025 instead.

Exit codes: 0 done, 1 declined at the confirmation prompt, 2 usage, 3 authentication refused,
4 API unreachable, 5 Mailjet refused (e.g. the draft cannot be sent: Mailjet's reason is shown).
""",
)

AsJson = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation (scripts).")]
DraftId = Annotated[int, typer.Argument(help="The campaign draft ID.")]


def _emit(as_json: bool, data: dict[str, Any], line: str) -> None:
    typer.echo(orjson.dumps(data).decode() if as_json else line)


@campaign_app.command("create")
def create(
    list_: Annotated[str, typer.Option("--list", help="Contacts list ID or exact name.")],
    subject: Annotated[str, typer.Option("--subject", help="Subject line.")],
    from_email: Annotated[str, typer.Option("--from", help="Sender address (an active sender).")],
    from_name: Annotated[str | None, typer.Option("--from-name", help="Sender name.")] = None,
    title: Annotated[
        str | None, typer.Option("--title", help="Internal title (default: the subject).")
    ] = None,
    locale: Annotated[str, typer.Option("--locale", help="Locale, e.g. en_US or fr_FR.")] = "en_US",
    as_json: AsJson = False,
    conn: ConnectionOptions = CONNECTION,
) -> None:
    """Create a campaign draft for a list. Example: campaign create --list Newsletter --subject Hi --from a@b.c"""
    with conn.client() as client:
        draft = campaigns.create_draft(
            client,
            list_ref=list_,
            subject=subject,
            from_email=from_email,
            from_name=from_name,
            title=title,
            locale=locale,
        )
    _emit(as_json, draft, f"Created campaign draft {draft['ID']} for list {draft['ContactsListID']}")


@campaign_app.command("content")
def content(
    draft_id: DraftId,
    html: Annotated[Path | None, typer.Option("--html", help="HTML part file.")] = None,
    text: Annotated[Path | None, typer.Option("--text", help="Text part file.")] = None,
    mjml: Annotated[Path | None, typer.Option("--mjml", help="MJML source file.")] = None,
    as_json: AsJson = False,
    conn: ConnectionOptions = CONNECTION,
) -> None:
    """Replace the draft's content with the parts given (a part not given is cleared).

    Example: campaign content 42 --html mail.html --text mail.txt
    """
    with conn.client() as client:
        parts = {
            name: p.read_text(encoding="utf-8") if p else None
            for name, p in (("html", html), ("text", text), ("mjml", mjml))
        }
        stored = campaigns.set_content(client, draft_id, **parts)
    given = ", ".join(name for name, value in parts.items() if value is not None)
    _emit(as_json, stored, f"Content of draft {draft_id} replaced ({given})")


@campaign_app.command("test")
def test(
    draft_id: DraftId,
    to: Annotated[list[str], typer.Option("--to", help="Test address (repeat for several).")],
    as_json: AsJson = False,
    conn: ConnectionOptions = CONNECTION,
) -> None:
    """Send the draft to test addresses only. Example: campaign test 42 --to me@example.com"""
    with conn.client() as client:
        status = campaigns.send_test(client, draft_id, to)
    _emit(
        as_json,
        {"draft": draft_id, "to": to, "status": status},
        f"Test of draft {draft_id} sent to {', '.join(to)}",
    )


def _confirm(client: Client, draft_id: int, what: str, yes: bool) -> None:
    """Show the list and its active recipients, then ask (unless --yes)."""
    draft = client.get("campaigndraft", draft_id)
    who = campaigns.audience(client, int(draft.get("ContactsListID") or 0))
    typer.echo(
        f'Draft {draft_id} "{draft.get("Subject", "")}" to list {who.list_id} "{who.name}": '
        f"{who.active} active recipients (subscriptions active and not unsubscribed; the list's "
        f"SubscriberCount is {who.subscriber_count}, unsubscribed included)",
        err=True,
    )
    if not yes and not typer.confirm(f"{what}?", err=True):
        typer.echo("Nothing was sent.", err=True)
        raise typer.Exit(EXIT_DECLINED)


@campaign_app.command("schedule")
def schedule(
    draft_id: DraftId,
    at: Annotated[str, typer.Option("--at", help="ISO 8601 date-time (UTC when no offset) or 'now'.")],
    yes: Yes = False,
    as_json: AsJson = False,
    conn: ConnectionOptions = CONNECTION,
) -> None:
    """Program the send; asks for confirmation. Example: campaign schedule 42 --at 2026-05-01T09:00:00+02:00"""
    with conn.client() as client:
        date = campaigns.parse_when(at)
        _confirm(client, draft_id, f"Schedule draft {draft_id} for {date}", yes)
        answer = campaigns.schedule(client, draft_id, date)
    _emit(
        as_json, {"draft": draft_id, **answer}, f"Draft {draft_id} programmed for {answer.get('Date', date)}"
    )


@campaign_app.command("send")
def send_campaign(
    draft_id: DraftId,
    yes: Yes = False,
    as_json: AsJson = False,
    conn: ConnectionOptions = CONNECTION,
) -> None:
    """Send the draft now, after showing the list and its recipients count. Example: campaign send 42"""
    with conn.client() as client:
        _confirm(client, draft_id, f"Send draft {draft_id} now", yes)
        status = campaigns.send_now(client, draft_id)
    _emit(as_json, {"draft": draft_id, "status": status}, f"Draft {draft_id}: {status}")


@campaign_app.command("cancel")
def cancel(
    draft_id: DraftId,
    as_json: AsJson = False,
    conn: ConnectionOptions = CONNECTION,
) -> None:
    """Cancel a scheduled send (the draft goes back to Draft). Example: campaign cancel 42"""
    with conn.client() as client:
        campaigns.cancel(client, draft_id)
    _emit(as_json, {"draft": draft_id, "cancelled": True}, f"Schedule of draft {draft_id} cancelled")


@campaign_app.command("status")
def status(
    draft_id: DraftId,
    as_json: AsJson = False,
    conn: ConnectionOptions = CONNECTION,
) -> None:
    """Where the draft stands: Draft, Programmed (and when), Sent (and its campaign). Example: campaign status 42"""
    with conn.client() as client:
        found = campaigns.draft_status(client, draft_id)
    line = f'Draft {found.draft_id} "{found.subject}" (list {found.list_id}): {found.status}'
    if found.scheduled_at:
        line += f", scheduled for {found.scheduled_at}"
    if found.campaign_id:
        line += f", campaign {found.campaign_id} delivered at {found.delivered_at}"
    _emit(as_json, asdict(found), line)
