"""Running a merge on the emulator: every row once with its variables, resumable, mixed batches recorded."""

from __future__ import annotations

from collections import Counter

from mailjet_connector.client import Client
from mailjet_connector.emulator.server import EmulatorServer, start_emulator
from mailjet_connector.journal import DONE, FAILED, Journal
from mailjet_connector.send import Content, MessageSpec, build_payload, merge_job_id, plan_merge, send_merge
from tests.send.conftest import make_client, welcome_spec


def people(n: int) -> list[dict]:
    return [{"email": f"p{i}@merge.example", "first": f"First{i}", "code": i} for i in range(n)]


def test_merge_of_1000_rows_sends_each_once_with_its_variables(
    server: EmulatorServer, client: Client, journal: Journal
) -> None:
    spec = welcome_spec()
    plan = plan_merge(people(1000), spec, job=merge_job_id("people.csv", spec))
    report = send_merge(client, plan, journal)
    assert (report.sent, report.failed, report.calls) == (1000, 0, 20)
    account = server.state.accounts[server.api_key]
    content = account.extra["sent_content"]
    done = journal.entries(plan.job, DONE)
    for i, row in enumerate(plan.rows):
        sent = content[done[row.key].result["MessageID"]]
        assert sent["Recipient"]["Email"] == f"p{i}@merge.example"
        assert sent["Subject"] == f"Hello First{i}"
        assert sent["HTMLPart"] == f"<p>Hi First{i}, code {i}</p>"
        assert sent["CustomID"] == row.recipient.custom_id
    messages = account.tables["message"]
    ids = {int(r["ID"]) for r in messages.records(messages.live())}
    assert {e.result["MessageID"] for e in done.values()} <= ids
    again = send_merge(client, plan, journal)
    assert (again.sent, again.calls, again.already_done) == (0, 0, 1000)


def test_mixed_batch_records_each_rows_success_or_error(client: Client, journal: Journal) -> None:
    rows = people(3)
    rows[1]["email"] = "broken@merge..example"  # passes our check, Mailjet refuses it (mj-0013)
    spec = welcome_spec()
    plan = plan_merge(rows, spec, job=merge_job_id("mixed", spec))
    report = send_merge(client, plan, journal)
    assert (report.sent, report.failed) == (2, 1)
    failed = journal.entries(plan.job, FAILED)
    assert list(failed) == ["broken@merge..example"]
    assert "mj-0013" in (failed["broken@merge..example"].error or "")


def test_rows_in_flight_are_settled_by_custom_id_before_resending(
    server: EmulatorServer, client: Client, journal: Journal
) -> None:
    spec = welcome_spec()
    plan = plan_merge(people(10), spec, job=merge_job_id("crash", spec))
    # A run that died mid-call: all ten marked in flight, but only the first four reached Mailjet.
    journal.begin_many(plan.job, [r.key for r in plan.rows])
    client.request("POST", "/v3.1/send", json=build_payload(spec, [r.recipient for r in plan.rows[:4]]))
    report = send_merge(client, plan, journal)
    assert (report.reconciled, report.sent) == (4, 6)
    custom_ids = Counter(
        c["CustomID"] for c in server.state.accounts[server.api_key].extra["sent_content"].values()
    )
    assert all(custom_ids[r.recipient.custom_id] == 1 for r in plan.rows)


def test_unknown_outcomes_are_settled_within_the_run(tmp_path) -> None:
    # "truncate" answers after Mailjet processed the call: the client sees a broken response.
    with start_emulator(scale="tiny", seed=0, faults="truncate:0.3") as faulty, make_client(faulty) as client:
        spec = welcome_spec()
        plan = plan_merge(people(300), spec, job=merge_job_id("faulty", spec))
        with Journal(tmp_path / "j.sqlite") as journal:
            report = send_merge(client, plan, journal)
            assert journal.counts(plan.job) == {"done": 300}
        assert report.reconciled > 0 and report.sent == 300  # answers lost, messages found by CustomID
        content = faulty.state.accounts[faulty.api_key].extra["sent_content"].values()
        per_row = Counter(c["CustomID"] for c in content)
        assert all(per_row[r.recipient.custom_id] == 1 for r in plan.rows)


def test_sandbox_validates_and_sends_nothing(
    server: EmulatorServer, client: Client, journal: Journal
) -> None:
    spec = welcome_spec()
    plan = plan_merge(people(60), spec, job=merge_job_id("sandbox", spec, sandbox=True))
    before = len(server.state.accounts[server.api_key].extra.get("sent_messages", []))
    report = send_merge(client, plan, journal, sandbox=True)
    assert (report.sandbox, report.sent, report.calls) == (60, 0, 2)
    assert len(server.state.accounts[server.api_key].extra.get("sent_messages", [])) == before


def test_template_merge_renders_the_stored_template_with_row_variables(
    server: EmulatorServer, client: Client, journal: Journal
) -> None:
    spec = MessageSpec(None, Content(template_id=1))  # the template's own From and Subject apply
    rows = [{"email": "t1@merge.example", "firstname": "Tess"}, {"email": "t2@merge.example"}]
    plan = plan_merge(rows, spec, job=merge_job_id("template", spec))
    assert send_merge(client, plan, journal).sent == 2
    content = server.state.accounts[server.api_key].extra["sent_content"]
    done = journal.entries(plan.job, DONE)
    first, second = (content[done[r.key].result["MessageID"]] for r in plan.rows)
    assert "Hello Tess," in first["HTMLPart"] and "Hello there," in second["HTMLPart"]
    assert first["Subject"] == "Welcome" and first["TemplateID"] == 1
