"""`--explain`: the API calls a live query would make, sized without reading a row.

A listing is sized by one countOnly call (reported as a probe); keyed reads, countOnly and LIMIT windows
cost what they say; a fed source costs at most one call per value its feeders can give (their estimated
rows), or a plain read of the table when that is cheaper.
"""

from __future__ import annotations

from dataclasses import dataclass

from mailjet_connector.client import Client
from mailjet_connector.livesql.fetch import FEED_DIRECT, describe, is_walk, known_cost, pages_for
from mailjet_connector.livesql.plan import Plan, Read, Source, export_params, feed_filter

__all__ = ["Explainer", "LiveExplain"]


@dataclass(frozen=True)
class LiveExplain:
    """What a live query would do.

    Args:
        lines: the plan, for people: one block per table reference, then the total.
        estimate: API calls the query would make (about: listings can change size).
        probes: countOnly calls made to size the listings.
    """

    lines: tuple[str, ...]
    estimate: int
    probes: int


class Explainer:
    """Builds a `LiveExplain` from a plan, counting listings with the client."""

    def __init__(self, client: Client, plan: Plan) -> None:
        self.client, self.plan = client, plan
        self.lines: list[str] = []
        self.estimate = self.probes = 0
        self.rows: dict[int, int] = {}  # estimated rows per reference

    def run(self) -> LiveExplain:
        plan = self.plan
        if plan.empty:
            self.lines.append("LIMIT 0: no API call")
        covered = {s.table.name: s for s in plan.sources if s.full}
        for source in [] if plan.empty else plan.sources:
            full = covered.get(source.table.name, source)
            if full is not source:
                self.lines.append(f"{_name(source)}: the rows of the full read of {source.table.name}")
                self.rows[source.ref.id] = self.rows.get(full.ref.id, 0)
                continue
            self._source(source)
        self.lines.append(
            "the answer is the countOnly total"
            if plan.count
            else "then DuckDB runs the SQL over the rows read"
        )
        self.lines.append(
            f"about {self.estimate} API call(s); {self.probes} countOnly call(s) made to estimate"
        )
        return LiveExplain(tuple(self.lines), self.estimate, self.probes)

    def _source(self, source: Source) -> None:
        if source.feed is not None or source.parent_dims:
            self._fed(source)
        else:
            rows = 0
            for read in source.reads:
                if is_walk(read):
                    count = self._count(source, read)
                    calls, rows = pages_for(count), rows + count
                    detail = f"{count} rows, ~{calls} call(s)"
                else:
                    calls = known_cost(read)
                    rows += len(read.keys) if read.keys is not None else read.limit or 0
                    detail = f"{calls} call(s)"
                self.lines.append(f"{_name(source)}: {describe(source.table, read)}  ({detail})")
                self.estimate += calls
            self.rows[source.ref.id] = rows
        self.lines += [f"    {note}" for note in source.notes]

    def _fed(self, source: Source) -> None:
        table, read = source.table, source.reads[0]
        values = 1
        params = dict(read.params)
        how = []
        if source.feed is not None:
            edge = source.feed
            values = max(1, sum(self.rows.get(n.id, 0) for n in edge.needs))
            dim = table.dimension(edge.target_column.name)
            name = dim.filter if dim is not None else feed_filter(edge.target_column)
            if name is not None:
                params[name] = "{value}"
            how.append(f"distinct {edge.text} (as {edge.target_column.name})")
        for dim in source.parent_dims:
            parent = table.parent_of(dim, read.params)
            if parent is None:
                continue
            ids = self._probe(parent)
            self.estimate += pages_for(ids)
            values *= max(1, ids)
            params[dim.filter] = "{" + parent + " ID}"
            how.append(f"{parent} ID ({ids}, listed first)")
        calls = values
        if source.feed is not None and not table.dimensions and values > FEED_DIRECT:
            plain = sum(pages_for(self._count(source, r)) for r in source.reads)
            if plain < values:  # as the run decides: reading the table whole is cheaper
                for read in source.reads:
                    self.lines.append(f"{_name(source)}: {describe(table, read)}  (whole: fewer calls than "
                                      f"one per distinct {source.feed.text}, ~{values})")  # fmt: skip
                self.estimate += plain
                self.rows[source.ref.id] = plain * 1000
                return
        keyed = source.feed is not None and "{value}" not in params.values() and not table.dimensions
        call = describe(table, Read({}, keys=[]) if keyed else Read(params))
        self.lines.append(
            f"{_name(source)}: one read per {' and '.join(how) or 'value'}: {call}  (at most ~{calls})"
        )
        self.estimate += calls
        self.rows[source.ref.id] = calls * 10

    def _count(self, source: Source, read: Read) -> int:
        self.probes += 1
        return self.client.count(source.table.res.name, export_params(source.table, read.params, rows=False))

    def _probe(self, name: str) -> int:
        self.probes += 1
        return self.client.count(name)


def _name(source: Source) -> str:
    alias = source.ref.alias
    return source.table.name if alias == source.table.name else f"{source.table.name} AS {alias}"
