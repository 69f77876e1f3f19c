"""Year-end report (placeholder until built)."""


def year_end(p, today):
    raise NotImplementedError


def year_sheet(p, today):
    raise NotImplementedError
