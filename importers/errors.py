"""The importers' exception hierarchy; callers catch ``ImporterError`` (or a subclass).

ImporterError            base class: anything an importer refuses to do
└── ImportFormatError    the bytes are not a reference file this package can read
                         (empty, binary, a PDF, HTML, a look-alike format, malformed
                         or unsafe XML); ``str(error)`` is a message fit for the user,
                         saying what the file looks like and what to export instead.
"""

from __future__ import annotations


class ImporterError(Exception):
    """Base class of every error raised by ``importers``."""


class ImportFormatError(ImporterError):
    """The file cannot be read as references; the message says why and what to do."""

    def __init__(self, message: str, *, detected: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        # What the file appears to be ("pdf", "html", "wos", ...), when known.
        self.detected = detected
