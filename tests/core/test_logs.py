"""A refused request is logged in one line, without a traceback; a server error keeps its traceback."""

import logging

from onedoor.core.logs import ClientErrorsWithoutTraceback


def _record(status: int) -> logging.LogRecord:
    try:
        raise PermissionError("refused")
    except PermissionError:
        import sys

        record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Forbidden: /x", (), sys.exc_info())
    record.status_code = status
    return record


def test_client_errors_lose_the_traceback_server_errors_keep_it():
    refused, failed = _record(403), _record(500)
    assert ClientErrorsWithoutTraceback().filter(refused) and refused.exc_info is None
    assert ClientErrorsWithoutTraceback().filter(failed) and failed.exc_info is not None


def test_the_filter_is_on_djangos_request_logger():
    assert any(isinstance(f, ClientErrorsWithoutTraceback) for f in logging.getLogger("django.request").filters)
