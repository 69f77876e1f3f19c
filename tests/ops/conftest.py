from tests.reports.conftest import _fast_hasher, report_data, run_jobs  # noqa: F401 - shared fixtures
