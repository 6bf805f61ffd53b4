"""The ISBN rule, in one pattern shared by the API's validation, its OpenAPI schema and the model
(so the admin checks it too).

ASCII only: digits 0-9, with hyphens and spaces anywhere as separators; 10 or 13 digits; an
ISBN-10 may end in X (or x). Not ``\\d`` and ``\\s``: in Python (and in pydantic's Rust regex) those
are Unicode, which let tabs, newlines and no-break spaces through as separators and stored
non-ASCII digits such as '978055320884٩'. The pattern uses only what Python's ``re``, Rust's
``regex`` and the ECMAScript regexes of OpenAPI tools read the same way, so a generated client or
a fuzzer that follows the schema sends only ISBNs the API accepts.
"""

import re

# 9 digits, then either a 10th character (digit or X) or 4 more digits: 10 or 13 in all.
ISBN_PATTERN = r"^[- ]*(?:[0-9][- ]*){9}(?:[0-9Xx]|(?:[0-9][- ]*){3}[0-9])[- ]*$"
# What is stored and returned: the same characters without separators, a final x upper-cased.
STORED_ISBN_PATTERN = r"^(?:[0-9]{13}|[0-9]{9}[0-9X])$"

_ISBN = re.compile(ISBN_PATTERN)


def normalize_isbn(value: str) -> str:
    """Check ``value`` against :data:`ISBN_PATTERN`, then drop the separators and upper-case X.

    Raises ``ValueError`` with a message meant for the person who typed the ISBN.
    """
    if not _ISBN.fullmatch(value):
        raise ValueError(
            f"{value!r} is not an ISBN: expected 10 or 13 digits 0-9 (an ISBN-10 may end in X), "
            "hyphens and spaces allowed"
        )
    return value.replace("-", "").replace(" ", "").upper()
