"""Collection GETs: select the matching rows, order them, cut the page and wrap it in the envelope."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from starlette.responses import Response

from mailjet_connector.catalog import Op, Resource
from mailjet_connector.emulator.errors import EmulatorError
from mailjet_connector.emulator.frame import Frame
from mailjet_connector.emulator.rest import responses
from mailjet_connector.emulator.rest.campaign_filters import CAMPAIGN_FILTERS
from mailjet_connector.emulator.rest.query import (
    Paging,
    apply_filter,
    order_positions,
    parse_filter_value,
    parse_paging,
    sort_rows,
)
from mailjet_connector.emulator.rest.special import (
    ID_ALIASES,
    SPECIAL_FILTERS,
    FilterContext,
    SpecialFilter,
    present,
    today_window,
)
from mailjet_connector.emulator.state import Account, EmulatorState
from mailjet_connector.emulator.stats import computed


def find_special(resource: Resource, name: str, declared_special: bool) -> SpecialFilter | None:
    """The function for a filter: the resource's own, else (for SPECIAL filters) a shared one, else None."""
    found = SPECIAL_FILTERS.get((resource.name, name))
    if found is None and declared_special:
        found = CAMPAIGN_FILTERS.get(name)
    return found


def select(ctx: FilterContext) -> np.ndarray:
    """Positions (ascending) of the rows matching every filter given, in request order.

    Raises:
        EmulatorError: 400 for a missing required filter or a value that does not parse.
    """
    resource, table = ctx.resource, ctx.table
    for flt in resource.filters:
        if flt.required and flt.name.lower() not in ctx.params:
            raise EmulatorError(400, f'Missing required parameter "{flt.name}"')
    positions = table.live()
    for name, raw in ctx.params.items():
        flt = resource.filter(name)
        if flt is None:
            continue  # unknown parameters are ignored (§1.6)
        special = find_special(resource, name, flt.op is Op.SPECIAL)
        if special is not None:
            positions = special(ctx, positions, raw)
        elif flt.op is not Op.SPECIAL and flt.field in table.types:
            positions = apply_filter(table, positions, flt, parse_filter_value(flt, raw))
    return today_window(ctx.state, table, positions, ctx.params)


def list_response(
    state: EmulatorState, account: Account, resource: Resource, params: Mapping[str, str]
) -> Response:
    """Answer a collection GET.

    Args:
        state: the emulator state.
        account: the caller's account.
        resource: the catalog entry.
        params: query parameters, lower-cased names, first occurrence only.

    Returns:
        The envelope (or the countOnly answer).

    Raises:
        EmulatorError: 400 for bad parameters.
    """
    paging = parse_paging(resource, params)
    if resource.computed:
        return _computed_page(state, account, resource, params, paging)
    with account.lock:
        table = account.table(resource)
        positions = select(FilterContext(state, account, resource, table, params))
        total = int(positions.size)
        if paging.count_only:
            return responses.count_only(total)
        # The ID a listing shows may be another column (contactdata shows its contact's ID): sort on that.
        sort = ID_ALIASES.get(resource.name, "ID") if paging.sort == "ID" else paging.sort
        ordered = order_positions(table, positions, sort, paging.desc)
        rows = table.records(ordered[paging.window(total)])
    return responses.envelope(present(resource, rows, params), total=total if paging.count_records else None)


def _computed_page(
    state: EmulatorState, account: Account, resource: Resource, params: Mapping[str, str], paging: Paging
) -> Response:
    answer = computed.result(state, account, resource, params)
    total = len(answer)
    if paging.count_only:
        return responses.count_only(total)
    if isinstance(answer, Frame):
        # Sort and cut the page on the columns; only the page's rows become dicts.
        page = answer.records(answer.order(paging.sort, paging.desc)[paging.window(total)])
    else:
        page = sort_rows(answer, paging.sort, paging.desc)[paging.window(total)]
    return responses.envelope(present(resource, page, params), total=total if paging.count_records else None)
