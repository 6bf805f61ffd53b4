"""ISBN normalisation, shared by the API schemas and the model (so the admin checks it too)."""

import re

_ISBN = re.compile(r"\d{13}|\d{9}[\dX]")


def normalize_isbn(value: str) -> str:
    """Remove hyphens and spaces, upper-case a final x, and check the length and digits.

    Raises ``ValueError`` with a message meant for the person who typed the ISBN.
    """
    cleaned = re.sub(r"[\s-]", "", value).upper()
    if not _ISBN.fullmatch(cleaned):
        raise ValueError(
            f"{value!r} is not an ISBN: expected 10 or 13 digits (an ISBN-10 may end in X), "
            "hyphens and spaces allowed"
        )
    return cleaned
