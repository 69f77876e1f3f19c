from tests.reports.conftest import _fast_hasher, run_jobs  # noqa: F401 - shared fixtures
