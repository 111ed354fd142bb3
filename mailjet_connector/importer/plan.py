"""Plan writes (pure): source rows + what exists -> validated writes, one per row, with counts.

The one planner of the project: `import RESOURCE`, `contacts import` (bulk jobs), two-way sync and SQL
writes all turn rows into a `Plan` (`model.py`) here, then hand it to `run.apply`. The per-row rules are
in `rows.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from mailjet_connector.catalog import Resource, Verb
from mailjet_connector.catalog.enums import LIST_ACTIONS
from mailjet_connector.importer.columns import PlanError, choose_key, delimiter_hint, map_columns
from mailjet_connector.importer.model import BadRow, Existing, Mode, Plan, materialise
from mailjet_connector.importer.properties import TypeInference
from mailjet_connector.importer.rows import RowPlanner, supersede

__all__ = ["PlanError", "check_options", "plan_rows"]


def plan_rows(
    res: Resource,
    rows: Iterable[Mapping[str, Any]],
    mode: Mode | str,
    existing: Existing,
    *,
    key: Sequence[str] = (),
    lists: Sequence[int] = (),
    list_action: str | None = None,
    define_properties: bool = False,
) -> Plan:
    """Plan the writes of rows into one resource, without any I/O.

    Args:
        res: the resource to write.
        rows: source rows (column -> value; None or blank = leave the field as it is).
        mode: insert, update, upsert or delete.
        existing: the current objects and, for contacts, properties and subscriptions; with
            `records=None` the plan is blind (contacts only: every valid row is an upsert).
        key: match-key fields (default from `columns.choose_key`).
        lists: contact imports: list IDs the list action applies to.
        list_action: contact imports: addforce, addnoforce, remove or unsub. Default: addnoforce with
            lists (never resubscribe someone who unsubscribed), addforce without. A diff plan only adds.
        define_properties: contact imports: columns that are not defined properties become new ones
            (`Plan.to_define`, Datatype inferred from the data) instead of refusing the import.

    Returns:
        The plan; rows that cannot be written (a `BadRow` among them) are `error` writes with the reason.

    Raises:
        PlanError: the resource lacks the verb, a column is unknown, rows cannot be matched, or the list
            options do not fit.
    """
    mode = Mode(mode)
    materialised = materialise(rows)
    good = [r for r in materialised if not isinstance(r, BadRow)]
    columns = list(dict.fromkeys(c for r in good for c in r))
    blind = existing.records is None
    action = check_options(res, mode, lists, list_action, blind=blind)
    plan = Plan(res.name, mode, tuple(key), [], tuple(lists), action, blind)
    if not good:
        plan.writes = [r.failed(n) for n, r in enumerate(materialised, start=1) if isinstance(r, BadRow)]
        return plan
    plan.key = choose_key(res, columns, key)
    if not plan.key and mode is not Mode.INSERT:
        uniques = " or ".join("+".join(k) for k in res.unique_keys) or "none"
        raise PlanError(
            f"{mode.value} needs a key column: ID (unique keys: {uniques}), or --key FIELD,..."
            f"{delimiter_hint(columns)}"
        )
    contact = res.name == "contact"
    cmap = map_columns(
        res,
        columns,
        key=plan.key,
        properties=existing.definitions if contact else None,
        define=define_properties,
    )
    plan.properties = _property_types(good, cmap.properties, cmap.new_properties, existing)
    plan.to_define = {cmap.properties[c]: plan.properties[c] for c in cmap.new_properties}
    planner = RowPlanner(res, mode, existing, plan.key, cmap, plan.properties, plan.lists)
    plan.writes = supersede([planner.plan(n, row) for n, row in enumerate(materialised, start=1)])
    plan.ignored = dict(cmap.ignored)
    plan.warnings = [f"column {c!r} ignored: {why}" for c, why in cmap.ignored.items() if "dlt" not in why]
    return plan


def check_options(
    res: Resource, mode: Mode, lists: Sequence[object] = (), action: str | None = None, *, blind: bool = False
) -> str:
    """Refuse what cannot be planned, before reading the account or any row.

    Returns:
        The list action the plan uses (see `plan_rows`).

    Raises:
        PlanError: a verb the resource lacks, lists for another resource, a bad list action.
    """
    needed = {Mode.INSERT: (Verb.POST,), Mode.UPDATE: (Verb.PUT,), Mode.DELETE: (Verb.DELETE,)}
    verbs = needed.get(mode, (Verb.POST, Verb.PUT))
    if mode is Mode.DELETE and res.name == "contact":
        raise PlanError(
            "contact has no DELETE in Mailjet: use `mailjet-connector contacts forget` (GDPR delete)"
        )
    missing = [v.value for v in verbs if v not in res.verbs]
    if missing and not (mode is Mode.UPSERT and len(missing) == 1):
        allowed = ", ".join(v.value for v in res.verbs)
        raise PlanError(f"{res.name} does not allow {' and '.join(missing)} ({mode.value}); verbs: {allowed}")
    if lists and res.name != "contact":
        raise PlanError("--list applies to contact imports only")
    if blind and (res.name != "contact" or mode is not Mode.UPSERT):
        raise PlanError("a plan without reading the account is for contact upserts (bulk jobs) only")
    if action is None:
        return "addnoforce" if lists else "addforce"
    if action not in LIST_ACTIONS:
        raise PlanError(f"unknown action {action!r}: one of {', '.join(LIST_ACTIONS)}")
    if not lists and action != "addforce":
        raise PlanError(f"action {action!r} needs a list")
    if not blind and lists and action != "addnoforce":
        raise PlanError(f"action {action!r}: a plan diffed against the account only subscribes (addnoforce)")
    return action


def _property_types(
    rows: list[dict[str, Any]],
    columns: Mapping[str, str],
    new: Sequence[str],
    existing: Existing,
) -> dict[str, str]:
    """Property column -> Datatype: as defined, or inferred over the column's values for a new one."""
    types = {}
    for column in columns:
        if column not in new:
            types[column] = existing.definitions[column.lower()].datatype
            continue
        inference = TypeInference()
        for row in rows:
            inference.add(row.get(column))
        types[column] = inference.datatype
    return types
