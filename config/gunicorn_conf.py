"""gunicorn's settings file (docker-compose.yml: `--config python:config.gunicorn_conf`): the
Prometheus figures of every worker process are written into one folder that /metrics sums
(config.metrics). The folder is made fresh for each gunicorn master, so a restart starts the
counters from zero, and a worker that exits has its live gauges removed."""

import os
import tempfile

if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # Set before any worker imports prometheus_client (workers load the app after the fork).
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="fieldwork-metrics-")


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


# The access log line ends with the request's id and the signed-in user's id (the same ids as the
# application's JSON lines: config.observability leaves them in the WSGI environ); "-" when none.
access_log_format = (
    '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({fieldwork.request_id}e)s user_id=%({fieldwork.user_id}e)s'
)
