"""Reminders, digests and their log (docs/rules.md “Reminders, digests and delegation of approval”; the `remind` command of docs/domain.md §10).

- deadlines.py  the plan's deadlines per period, and the days reminders go out (pure)
- selectors.py  who owes what on a day, digests' contents, next deadlines, the log
- services.py   sending: one SentReminder row per person, kind and deadline step, written in the
                transaction that queues the email (exactly once, whatever the workers)
- tasks.py      Celery: the daily run (beat) and the email delivery with retries
"""
