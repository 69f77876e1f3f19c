"""The stored figures' writers (docs/rules.md “Stored standings”): the engine's standings and the
coverage page's figures kept in tables, so that pages read them at a cost independent of the
number of cadres. This wing sits above the selectors: it computes through them (the engine stays
the one source of every figure) and writes; the selectors read the rows back
(fieldwork.selectors.stored, fieldwork.selectors.coverage) and never call in here.

- changes: what a change marks to be refreshed — the signals, `batch`/`batched`, `trips_changed`
  for the services' bulk writes, `suspended` for bulk loads — and the refresh once per batch;
- standings: a plan's (or some cadres') standings recomputed and stored; the daily refresh; the
  pages' safety net `ensure_fresh`;
- coverage: the coverage page's figures per place, refreshed with the standings;
- plan_refresh: a large plan recomputed in a background job with progress (and its Celery task).

Who refreshes: the service that changed the data (through the signals and `batch`, in its
transaction), the background job, the daily job; and a page's view, before it reads today's rows
(fieldwork.views.fresh) — never a selector.
"""
