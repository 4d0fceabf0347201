"""Logging filters."""

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """A refused request (403, 404...) is logged in one line: the traceback Django attaches for a
    PermissionDenied is the expected path, not a fault, and buries real errors in the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
