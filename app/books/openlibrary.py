"""A small client for the Open Library books API: the talk's "external service", made real.

It is given to the import route through ``Depends(get_open_library_client)``, so tests replace
it with ``app.dependency_overrides`` and an ``AsyncMock``.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

import httpx2

from app.exceptions import UpstreamUnavailable

_DATE_FORMATS = ("%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%B %Y", "%b %Y", "%Y")


@dataclass(frozen=True)
class CatalogueEntry:
    title: str
    author_name: str
    publication_date: date


class OpenLibraryClient:
    def __init__(self, http: httpx2.AsyncClient) -> None:
        self.http = http

    async def find_by_isbn(self, isbn: str) -> CatalogueEntry | None:
        """The book with this ISBN, or None if Open Library does not know it.

        Raises ``UpstreamUnavailable`` when Open Library cannot be reached, is too slow (the
        client's timeout), answers with an error, or answers with something unusable.
        """
        key = f"ISBN:{isbn}"
        try:
            response = await self.http.get(
                "/api/books", params={"bibkeys": key, "format": "json", "jscmd": "data"}
            )
            response.raise_for_status()
            record = response.json().get(key)
        except httpx2.TimeoutException:
            raise UpstreamUnavailable("Open Library did not answer in time") from None
        except (httpx2.HTTPError, ValueError, AttributeError) as error:
            raise UpstreamUnavailable(
                f"Open Library is unavailable ({type(error).__name__})"
            ) from None
        if record is None:
            return None
        return _entry_from_record(record)


def _entry_from_record(record: dict) -> CatalogueEntry:
    try:
        title = str(record["title"]).strip()
        authors = record.get("authors") or [{"name": "Unknown"}]
        author_name = str(authors[0]["name"]).strip()
        published = _parse_publish_date(str(record.get("publish_date", "")))
    except (KeyError, IndexError, TypeError) as error:
        raise UpstreamUnavailable(f"Open Library sent an incomplete record ({error})") from None
    if not title or not author_name or published is None:
        raise UpstreamUnavailable("Open Library sent a record without title, author or date")
    return CatalogueEntry(
        title=title[:300], author_name=author_name[:200], publication_date=published
    )


def _parse_publish_date(text: str) -> date | None:
    """Open Library dates are free text ("1951", "March 1951", "Jan 01, 1982")."""
    text = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    year = re.search(r"\b(\d{4})\b", text)
    return date(int(year.group(1)), 1, 1) if year else None
