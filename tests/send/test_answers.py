"""Reading v3.1 answers: success, sandbox, mixed batches and global errors give one outcome per message."""

from __future__ import annotations

from mailjet_connector.send import batch_outcomes
from mailjet_connector.send.answers import FAILED, SANDBOX, SENT

OK = {"Status": "success", "To": [{"Email": "a@x", "MessageUUID": "u-1", "MessageID": 2**60 + 1}]}
BAD = {
    "Status": "error",
    "Errors": [{"ErrorCode": "mj-0013", "ErrorMessage": '"a@x..com" is an invalid email address.',
                "ErrorRelatedTo": ["To[0].Email"]}],
}  # fmt: skip


def test_mixed_batch_gives_each_message_its_own_outcome() -> None:
    first, second = batch_outcomes({"Messages": [OK, BAD]}, 2)
    assert (first.status, first.message_id, first.message_uuid) == (SENT, 2**60 + 1, "u-1")
    assert second.status == FAILED
    assert second.error == 'mj-0013: "a@x..com" is an invalid email address. (To[0].Email)'


def test_sandbox_answers_are_recognised() -> None:
    entry = {"Status": "success", "To": [{"Email": "a@x", "MessageUUID": "", "MessageID": 0}]}
    assert batch_outcomes({"Messages": [entry]}, 1)[0].status == SANDBOX


def test_global_error_fails_every_message() -> None:
    body = {"ErrorCode": "mj-0002", "ErrorMessage": "Malformed JSON", "StatusCode": 400}
    outcomes = batch_outcomes(body, 3)
    assert [o.status for o in outcomes] == [FAILED] * 3
    assert outcomes[0].error == "mj-0002: Malformed JSON"


def test_short_answer_leaves_no_message_without_an_outcome() -> None:
    outcomes = batch_outcomes({"Messages": [OK]}, 2)
    assert outcomes[1].status == FAILED
