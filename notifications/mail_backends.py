"""The file mail backend of the demo and development runs (MAIL_TO_FILES): one complete file per message, or none.

Django's file backend appends every message of a connection to one `.log` file as it goes. When the disk fills up
mid-message it leaves that file truncated, the outbox records the send as failed, and the retry writes the message
again: a half message stays next to the whole one. Here each message is written to a hidden temporary file in the
same directory, flushed to disk, and renamed to its final `.eml` name only once complete; a failure removes the
temporary file and raises, so the outbox retries a message that is nowhere on disk. A rename within one directory
is atomic: a reader sees the whole message or no file.

Like Django's, the backend is for development only: `check --deploy` refuses it (notifications.E001).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.mail import EmailMessage
from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend

BACKEND = "notifications.mail_backends.AtomicFileEmailBackend"
TEMPORARY_PREFIX = ".sending-"


class AtomicFileEmailBackend(FileEmailBackend):
    def open(self) -> bool:
        return False  # no file is kept open between messages

    def close(self) -> None:
        pass

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        with self._lock:
            for message in email_messages:
                try:
                    self.write_message_file(message)
                except Exception:
                    if not self.fail_silently:
                        raise
                    continue
                sent += 1
        return sent

    def write_message_file(self, message: EmailMessage) -> str:
        """Write one message to a file of its own, atomically; return the file's path."""
        data = message.message().as_bytes()
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        final = os.path.join(self.file_path, f"{stamp}-{uuid.uuid4().hex}.eml")
        descriptor, temporary = tempfile.mkstemp(dir=self.file_path, prefix=TEMPORARY_PREFIX, suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, final)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        return final


@register(Tags.mail, deploy=True)
def check_not_in_production(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Django's mail.E001 knows only its own development backends; this one is as unfit to send real mail."""
    mailers = getattr(settings, "MAILERS", {}) or {}
    if mailers.get("default", {}).get("BACKEND") != BACKEND:
        return []
    return [
        Error(
            f"Your MAILERS setting uses a development-only email backend in the 'default' entry ({BACKEND}).",
            hint="Set EMAIL_HOST (SMTP), or turn MAIL_TO_FILES off; otherwise email is written to files, not sent.",
            id="notifications.E001",
        )
    ]
