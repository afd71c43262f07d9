"""Logging filters the settings attach (LOGGING in config/settings.py)."""

from __future__ import annotations

import logging

# Answers the app gives on purpose: a page of another body (404) or a change a viewer may not make (403).
EXPECTED_STATUSES = frozenset({403, 404})


class ExpectedClientErrors(logging.Filter):
    """For django.request: an expected 403 or 404 logs its one line ("Forbidden (Permission denied): /path"), not
    the traceback of the exception that answered it. Every other record, a 500 above all, is left as it is."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in EXPECTED_STATUSES:
            record.exc_info = None
            record.exc_text = None
        return True
