"""The SQL behind every figure of the HTML report: one named, portable (DuckDB and PostgreSQL) query each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from mailjet_connector.catalog.enums import MESSAGE_STATES

__all__ = ["QUERIES", "SORT_METRICS", "Query", "ReportParams", "render_sql"]

# Columns the per-campaign table can be sorted by (the SQL's `order by` takes one of these, never user text).
SORT_METRICS = (
    "processed",
    "delivered",
    "opened",
    "clicked",
    "bounced",
    "open_rate",
    "click_rate",
    "sent_at",
)


@dataclass(frozen=True)
class Query:
    """One figure's SQL: `sql` is a template whose `{placeholders}` `render_sql` fills from `ReportParams`."""

    name: str
    title: str
    doc: str
    tables: tuple[str, ...]
    sql: str


@dataclass(frozen=True)
class ReportParams:
    """What the report covers: the period (inclusive days, UTC), campaigns and lists (empty = all)."""

    date_from: date
    date_to: date
    campaigns: tuple[int, ...] = ()
    lists: tuple[int, ...] = ()
    sort: str = "processed"
    limit: int = 25

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    @property
    def previous(self) -> tuple[date, date]:
        """The period of the same length just before this one (first and last day)."""
        return self.date_from - timedelta(days=self.days), self.date_from - timedelta(days=1)

    @property
    def counter_source(self) -> str:
        """The statcounters source the overview reads: chosen campaigns, chosen lists, else the API key."""
        return "Campaign" if self.campaigns else "List" if self.lists else "APIKey"


def _ts(day: date) -> str:
    moment = datetime.combine(day, time(), tzinfo=UTC)
    return f"cast('{moment.isoformat()}' as timestamp with time zone)"


def _id_list(ids: tuple[int, ...]) -> str:
    # IDs are ints (validated by the caller's types), so inlining them cannot inject SQL.
    return "(" + ", ".join(str(int(i)) for i in ids) + ")" if ids else "(null)"


def render_sql(query: Query, params: ReportParams) -> str:
    """The query's SQL with the report's period, sources and filters filled in.

    Args:
        query: one of `QUERIES`.
        params: the period and filters.

    Returns:
        Runnable SQL (literals only: dates, integers and names from fixed lists).

    Raises:
        ValueError: `params.sort` is not one of `SORT_METRICS`.
    """
    if params.sort not in SORT_METRICS:
        raise ValueError(f"sort must be one of {', '.join(SORT_METRICS)}, not {params.sort!r}")
    prev_from, _ = params.previous
    source = params.counter_source
    source_ids = params.campaigns if source == "Campaign" else params.lists
    return query.sql.format(
        start=_ts(params.date_from),
        end=_ts(params.date_to + timedelta(days=1)),
        prev_start=_ts(prev_from),
        source=f"'{source}'",
        all_sources="true" if source == "APIKey" else "false",
        source_ids=_id_list(source_ids),
        all_campaigns="false" if params.campaigns else "true",
        campaigns=_id_list(params.campaigns),
        all_lists="false" if params.lists else "true",
        lists=_id_list(params.lists),
        sort=params.sort,
        limit=int(params.limit),
        message_states=_message_states(),
    )


def _message_states() -> str:
    """The messagestate reference table (not synced: it is not account data) as SQL VALUES, from the catalog."""
    rows = ", ".join(f"({s.id}, '{s.related_to}', '{s.state}')" for s in MESSAGE_STATES)
    return f"(values {rows}) as ms(state_id, related_to, state)"


_DAY = "cast({col} at time zone 'UTC' as date)"
_COUNTER_SUMS = """sum(total) as processed,
       sum(message_sent_count) as delivered,
       sum(message_opened_count) as opened,
       sum(message_clicked_count) as clicked,
       sum(message_hard_bounced_count) as hard_bounced,
       sum(message_soft_bounced_count) as soft_bounced,
       sum(message_blocked_count) as blocked,
       sum(message_spam_count) as spam,
       sum(message_unsubscribed_count) as unsubscribed"""
_COUNTERS_WHERE = """counter_source = {{source}} and counter_timing = 'Message' and counter_resolution = '{res}'
  and ({{all_sources}} or source_id in {{source_ids}})
  and _mj_deleted_at is null"""

OVERVIEW = Query(
    name="overview",
    title="Account overview",
    doc="Message counters of the period and of the previous one, from statcounters Day slices (timing Message).",
    tables=("statcounters",),
    sql=f"""select case when timeslice >= {{start}} then 'current' else 'previous' end as period,
       {_COUNTER_SUMS}
from statcounters
where {_COUNTERS_WHERE.format(res="Day")}
  and timeslice >= {{prev_start}} and timeslice < {{end}}
group by 1
order by 1""",
)

OVERVIEW_EVENTS = Query(
    name="overview_events",
    title="Account overview (from messages)",
    doc="Fallback when statcounters has no Day slices: the messages' last Status, by ArrivedAt.",
    tables=("message",),
    sql="""select case when arrived_at >= {start} then 'current' else 'previous' end as period,
       count(*) as processed,
       count(*) filter (where status in ('sent', 'opened', 'clicked', 'spam', 'unsub')) as delivered,
       count(*) filter (where status in ('opened', 'clicked')) as opened,
       count(*) filter (where status = 'clicked') as clicked,
       count(*) filter (where status = 'hardbounced') as hard_bounced,
       count(*) filter (where status in ('softbounced', 'bounce')) as soft_bounced,
       count(*) filter (where status = 'blocked') as blocked,
       count(*) filter (where status = 'spam') as spam,
       count(*) filter (where status = 'unsub') as unsubscribed
from message
where arrived_at >= {prev_start} and arrived_at < {end}
  and ({all_campaigns} or campaign_id in {campaigns})
  and _mj_deleted_at is null
group by 1
order by 1""",
)

DAILY = Query(
    name="daily",
    title="Daily activity",
    doc="Sends, opens, clicks and bounces per day from statcounters Day slices (timing Message).",
    tables=("statcounters",),
    sql=f"""select {_DAY.format(col="timeslice")} as day,
       sum(total) as sends,
       sum(message_opened_count) as opens,
       sum(message_clicked_count) as clicks,
       sum(message_hard_bounced_count + message_soft_bounced_count) as bounces
from statcounters
where {_COUNTERS_WHERE.format(res="Day")}
  and timeslice >= {{start}} and timeslice < {{end}}
group by 1
order by 1""",
)

DAILY_EVENTS = Query(
    name="daily_events",
    title="Daily activity (from events)",
    doc="Fallback when statcounters has no Day slices: messages, open, click and bounce events per day.",
    tables=("message", "openinformation", "clickstatistics", "bouncestatistics"),
    sql=f"""with events as (
  select {_DAY.format(col="arrived_at")} as day, 'sends' as kind from message
  where arrived_at >= {{start}} and arrived_at < {{end}} and ({{all_campaigns}} or campaign_id in {{campaigns}})
  union all
  select {_DAY.format(col="opened_at")}, 'opens' from openinformation
  where opened_at >= {{start}} and opened_at < {{end}} and ({{all_campaigns}} or campaign_id in {{campaigns}})
  union all
  select {_DAY.format(col="clicked_at")}, 'clicks' from clickstatistics
  where clicked_at >= {{start}} and clicked_at < {{end}}
  union all
  select {_DAY.format(col="bounced_at")}, 'bounces' from bouncestatistics
  where bounced_at >= {{start}} and bounced_at < {{end}} and not is_blocked
    and ({{all_campaigns}} or campaign_id in {{campaigns}})
)
select day,
       count(*) filter (where kind = 'sends') as sends,
       count(*) filter (where kind = 'opens') as opens,
       count(*) filter (where kind = 'clicks') as clicks,
       count(*) filter (where kind = 'bounces') as bounces
from events
group by 1
order by 1""",
)

CAMPAIGNS = Query(
    name="campaigns",
    title="Campaigns",
    doc="Lifetime counters per campaign sent in the period (statcounters Campaign Lifetime), sorted by a metric.",
    tables=("campaign", "statcounters"),
    sql=f"""with counters as (
  select source_id, {_COUNTER_SUMS}
  from statcounters
  where counter_source = 'Campaign' and counter_timing = 'Message' and counter_resolution = 'Lifetime'
    and _mj_deleted_at is null
  group by source_id
), per_campaign as (
  select c.id, coalesce(nullif(c.subject, ''), c.custom_value) as subject, c.send_start_at as sent_at,
         coalesce(k.processed, 0) as processed, coalesce(k.delivered, 0) as delivered,
         coalesce(k.opened, 0) as opened, coalesce(k.clicked, 0) as clicked,
         coalesce(k.hard_bounced + k.soft_bounced, 0) as bounced,
         coalesce(k.unsubscribed, 0) as unsubscribed, coalesce(k.spam, 0) as spam
  from campaign c left join counters k on k.source_id = c.id
  where c._mj_deleted_at is null and not coalesce(c.is_deleted, false)
    and ({{all_campaigns}} or c.id in {{campaigns}})
    and (not {{all_campaigns}} or (c.send_start_at >= {{start}} and c.send_start_at < {{end}}))
)
select *,
       case when delivered > 0 then 1.0 * opened / delivered end as open_rate,
       case when delivered > 0 then 1.0 * clicked / delivered end as click_rate
from per_campaign
order by {{sort}} desc nulls last, id
limit {{limit}}""",
)

CAMPAIGN_DAILY = Query(
    name="campaign_daily",
    title="Campaign sends per day",
    doc="Processed messages per campaign and day (statcounters Campaign Day), for the table's sparklines.",
    tables=("statcounters",),
    sql=f"""select source_id as campaign_id, {_DAY.format(col="timeslice")} as day, sum(total) as sends,
       sum(message_opened_count) as opens
from statcounters
where counter_source = 'Campaign' and counter_timing = 'Message' and counter_resolution = 'Day'
  and _mj_deleted_at is null
group by 1, 2
order by 1, 2""",
)

BOUNCE_REASONS = Query(
    name="bounce_reasons",
    title="Bounces and blocks by reason",
    doc="Bounce and block events of the period per messagestate reason (the catalog's reference table).",
    tables=("bouncestatistics",),
    sql="""select case when b.is_blocked then 'blocked' when b.is_state_permanent then 'hard bounce'
            else 'soft bounce' end as kind,
       coalesce(ms.related_to, 'unknown') as related_to,
       coalesce(ms.state, 'state ' || cast(b.state_id as varchar)) as reason,
       count(*) as events
from bouncestatistics b
left join {message_states} on ms.state_id = b.state_id
where b.bounced_at >= {start} and b.bounced_at < {end}
  and ({all_campaigns} or b.campaign_id in {campaigns})
  and b._mj_deleted_at is null
group by 1, 2, 3
order by events desc, kind, reason""",
)

BOUNCE_DOMAINS = Query(
    name="bounce_domains",
    title="Bounces and blocks by recipient domain",
    doc="Bounce and block events of the period per recipient email domain (bouncestatistics x contact).",
    tables=("bouncestatistics", "contact"),
    sql="""select lower(split_part(c.email, '@', 2)) as domain,
       count(*) filter (where not b.is_blocked) as bounced,
       count(*) filter (where b.is_blocked) as blocked,
       count(*) as events
from bouncestatistics b
join contact c on c.id = b.contact_id
where b.bounced_at >= {start} and b.bounced_at < {end}
  and ({all_campaigns} or b.campaign_id in {campaigns})
  and b._mj_deleted_at is null
group by 1
order by events desc, domain
limit {limit}""",
)

LIST_GROWTH = Query(
    name="list_growth",
    title="List growth",
    doc="Subscriptions (SubscribedAt) and unsubscriptions (UnsubscribedAt) per list and day in the period.",
    tables=("listrecipient", "contactslist"),
    sql=f"""with moves as (
  select list_id, {_DAY.format(col="subscribed_at")} as day, 1 as subscribed, 0 as unsubscribed
  from listrecipient
  where subscribed_at >= {{start}} and subscribed_at < {{end}} and _mj_deleted_at is null
  union all
  select list_id, {_DAY.format(col="unsubscribed_at")}, 0, 1
  from listrecipient
  where unsubscribed_at >= {{start}} and unsubscribed_at < {{end}} and _mj_deleted_at is null
)
select m.list_id, coalesce(l.name, cast(m.list_id as varchar)) as list_name, m.day,
       sum(m.subscribed) as subscribed, sum(m.unsubscribed) as unsubscribed
from moves m
left join contactslist l on l.id = m.list_id
where ({{all_lists}} or m.list_id in {{lists}})
group by 1, 2, 3
order by 1, 3""",
)

TOP_LINKS = Query(
    name="top_links",
    title="Top clicked links",
    doc="Click events of the period per URL (clickstatistics; campaign filter through message).",
    tables=("clickstatistics", "message"),
    sql="""select k.url, count(*) as clicks, count(distinct k.message_id) as messages
from clickstatistics k
where k.clicked_at >= {start} and k.clicked_at < {end}
  and ({all_campaigns} or k.message_id in (select id from message where campaign_id in {campaigns}))
  and k._mj_deleted_at is null
group by 1
order by clicks desc, url
limit {limit}""",
)

DEVICES = Query(
    name="devices",
    title="Devices and user agents",
    doc="Opens and clicks per platform and user agent, all time (useragentstatistics).",
    tables=("useragentstatistics",),
    sql="""select platform, user_agent, sum(count) as events, sum(distinct_count) as distinct_events
from useragentstatistics
where _mj_deleted_at is null
group by 1, 2
order by events desc, platform, user_agent
limit {limit}""",
)

COUNTRIES = Query(
    name="countries",
    title="Countries",
    doc="Opens and clicks per country, all time (geostatistics).",
    tables=("geostatistics",),
    sql="""select coalesce(nullif(country, ''), 'unknown') as country, sum(opened_count) as opened,
       sum(clicked_count) as clicked
from geostatistics
where _mj_deleted_at is null
group by 1
order by opened desc, country
limit {limit}""",
)

NEWEST_DAY = Query(
    name="newest_day",
    title="Default period end",
    doc="The newest message's day: the default report period ends there.",
    tables=("message",),
    sql=f"""select max({_DAY.format(col="arrived_at")}) as day from message""",
)

QUERIES: dict[str, Query] = {
    q.name: q
    for q in (
        NEWEST_DAY,
        OVERVIEW,
        OVERVIEW_EVENTS,
        DAILY,
        DAILY_EVENTS,
        CAMPAIGNS,
        CAMPAIGN_DAILY,
        BOUNCE_REASONS,
        BOUNCE_DOMAINS,
        LIST_GROWTH,
        TOP_LINKS,
        DEVICES,
        COUNTRIES,
    )
}

# Every table a report query reads: what a sync for the report needs (tests and benches sync only these).
TABLES: tuple[str, ...] = tuple(sorted({table for query in QUERIES.values() for table in query.tables}))
