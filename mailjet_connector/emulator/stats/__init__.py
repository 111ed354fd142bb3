"""Computed resources: statcounters and the legacy *statistics, derived from the stored rows.

Modules: `registry` (resource name -> compute function), `computed` (running one and caching its frame),
`facts` (the per-account digest every statistic reads), `counters`, `history`, `entities`, `overview`,
`engagement` (the statistics by concept), `rows` and `params` (shared grouping and parameter parsing).
"""
