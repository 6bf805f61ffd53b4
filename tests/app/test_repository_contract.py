"""One contract, every repository: the same tests run against the in-memory fakes
(tests/app/fakes.py) and the Django repositories on the test database, as FastAPI's tutorial
tests run one suite over each version of a snippet. A fake that drifts from the real thing (a
rule it forgets, an order it does not keep) fails here, not in a lesson's unit test that
trusted it."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date

import pytest
from asgiref.sync import sync_to_async

from app.authors.services import AuthorRepository
from app.books.services import BookRepository
from app.exceptions import Conflict, InvalidReference, NotFound
from tests.app.fakes import FakeAuthorRepository, FakeBookRepository, FakeDatabase

pytestmark = pytest.mark.anyio

NO_SUCH_ID = 987_654_321
DEMIAN = {"title": "Demian", "isbn": "9780060931919", "publication_date": date(1919, 1, 1)}


@dataclass
class Repositories:
    books: BookRepository
    authors: AuthorRepository


@pytest.fixture(params=["fake", "django"])
def implementation(request: pytest.FixtureRequest, db: None) -> str:
    """Which repositories a test gets. Both kinds have the test database (emptied before and
    after): requesting it only for "django" (``getfixturevalue``) set it up too late for an
    async fixture, on the workshop's database instead of the test one."""
    return str(request.param)


@pytest.fixture
async def repositories(implementation: str) -> AsyncIterator[Repositories]:
    if implementation == "fake":
        database = FakeDatabase()
        yield Repositories(FakeBookRepository(database), FakeAuthorRepository(database))
        return
    from django.db import connections

    from app.authors.repository import DjangoAuthorRepository
    from app.books.repository import DjangoBookRepository

    yield Repositories(DjangoBookRepository(), DjangoAuthorRepository())
    # The async ORM ran on asgiref's shared thread: hand that thread's connection back.
    await sync_to_async(connections.close_all)()


async def test_a_created_author_reads_back(repositories: Repositories) -> None:
    created = await repositories.authors.create(name="Hermann Hesse", bio="Poet")
    found = await repositories.authors.get_by_id(created.id)
    assert (found.id, found.name, found.bio) == (created.id, "Hermann Hesse", "Poet")


@pytest.mark.parametrize(("kind", "change"), [("Author", {"bio": "x"}), ("Book", {"title": "x"})])
async def test_a_missing_row_is_not_found(
    repositories: Repositories, kind: str, change: dict[str, str]
) -> None:
    repository = repositories.authors if kind == "Author" else repositories.books
    with pytest.raises(NotFound, match=f"{kind} {NO_SUCH_ID} not found"):
        await repository.get_by_id(NO_SUCH_ID)
    with pytest.raises(NotFound):
        await repository.update(NO_SUCH_ID, change)
    with pytest.raises(NotFound):
        await repository.delete(NO_SUCH_ID)


async def test_authors_are_listed_oldest_first_a_page_at_a_time(
    repositories: Repositories,
) -> None:
    for name in ["Zweig", "Hesse", "Mann", "Kafka"]:  # not alphabetical: order is by id
        await repositories.authors.create(name=name, bio="")
    page = await repositories.authors.list(skip=1, limit=2)
    assert [author.name for author in page] == ["Hesse", "Mann"]


async def test_an_author_update_changes_only_the_fields_given(repositories: Repositories) -> None:
    created = await repositories.authors.create(name="Hesse", bio="")
    updated = await repositories.authors.update(created.id, {"bio": "Poet"})
    assert (updated.name, updated.bio) == ("Hesse", "Poet")
    found = await repositories.authors.get_by_id(created.id)
    assert (found.name, found.bio) == ("Hesse", "Poet")


async def test_an_author_without_books_is_deleted(repositories: Repositories) -> None:
    created = await repositories.authors.create(name="Hesse", bio="")
    await repositories.authors.delete(created.id)
    with pytest.raises(NotFound):
        await repositories.authors.get_by_id(created.id)


async def test_an_author_with_books_is_not_deleted(repositories: Repositories) -> None:
    author = await repositories.authors.create(name="Hesse", bio="")
    await repositories.books.create(author_id=author.id, **DEMIAN)
    with pytest.raises(Conflict, match=f"Author {author.id} still has 1 book"):
        await repositories.authors.delete(author.id)
    assert (await repositories.authors.get_by_id(author.id)).name == "Hesse"


async def test_a_created_book_reads_back(repositories: Repositories) -> None:
    author = await repositories.authors.create(name="Hesse", bio="")
    created = await repositories.books.create(author_id=author.id, **DEMIAN)
    found = await repositories.books.get_by_id(created.id)
    assert (found.id, found.title, found.author_id, found.isbn, found.publication_date) == (
        created.id,
        "Demian",
        author.id,
        "9780060931919",
        date(1919, 1, 1),
    )
    assert await repositories.books.isbn_exists("9780060931919")
    assert not await repositories.books.isbn_exists("9780553208849")


async def test_a_taken_isbn_is_a_conflict_on_create_and_update(
    repositories: Repositories,
) -> None:
    author = await repositories.authors.create(name="Hesse", bio="")
    await repositories.books.create(author_id=author.id, **DEMIAN)
    with pytest.raises(Conflict, match="9780060931919"):
        await repositories.books.create(author_id=author.id, **{**DEMIAN, "title": "Again"})
    other = await repositories.books.create(
        author_id=author.id, **{**DEMIAN, "isbn": "9780553208849"}
    )
    with pytest.raises(Conflict, match="9780060931919"):
        await repositories.books.update(other.id, {"isbn": "9780060931919"})
    assert (await repositories.books.get_by_id(other.id)).isbn == "9780553208849"


async def test_an_unknown_author_is_an_invalid_reference_on_create_and_update(
    repositories: Repositories,
) -> None:
    with pytest.raises(InvalidReference, match=f"Author {NO_SUCH_ID} does not exist") as caught:
        await repositories.books.create(author_id=NO_SUCH_ID, **DEMIAN)
    assert caught.value.field == "author_id"
    author = await repositories.authors.create(name="Hesse", bio="")
    book = await repositories.books.create(author_id=author.id, **DEMIAN)
    with pytest.raises(InvalidReference, match=f"Author {NO_SUCH_ID} does not exist"):
        await repositories.books.update(book.id, {"author_id": NO_SUCH_ID})
    assert (await repositories.books.get_by_id(book.id)).author_id == author.id


async def test_a_book_update_keeps_its_own_isbn_and_changes_only_the_fields_given(
    repositories: Repositories,
) -> None:
    author = await repositories.authors.create(name="Hesse", bio="")
    book = await repositories.books.create(author_id=author.id, **DEMIAN)
    updated = await repositories.books.update(
        book.id, {"title": "Demian (new)", "isbn": DEMIAN["isbn"]}
    )
    assert (updated.title, updated.isbn) == ("Demian (new)", "9780060931919")
    found = await repositories.books.get_by_id(book.id)
    assert (found.title, found.author_id, found.publication_date) == (
        "Demian (new)",
        author.id,
        date(1919, 1, 1),
    )


async def test_books_are_listed_oldest_first_filtered_by_author_a_page_at_a_time(
    repositories: Repositories,
) -> None:
    hesse = await repositories.authors.create(name="Hesse", bio="")
    mann = await repositories.authors.create(name="Mann", bio="")
    # Neither titles, ISBNs nor dates are in the order of creation: the list must be by id.
    books = [
        ("Steppenwolf", hesse, "9780000000004", 1927),
        ("Buddenbrooks", mann, "9780000000001", 1901),
        ("Siddhartha", hesse, "9780000000003", 1922),
        ("Demian", hesse, "9780000000009", 1919),
        ("Gertrud", hesse, "9780000000002", 1910),
    ]
    for title, author, isbn, year in books:
        await repositories.books.create(
            title=title, author_id=author.id, isbn=isbn, publication_date=date(year, 1, 1)
        )
    page = await repositories.books.list(skip=1, limit=2, author_id=hesse.id)
    assert [book.title for book in page] == ["Siddhartha", "Demian"]
    everything = await repositories.books.list(skip=0, limit=100)
    assert [book.title for book in everything] == [title for title, *_ in books]


async def test_a_deleted_book_is_gone(repositories: Repositories) -> None:
    author = await repositories.authors.create(name="Hesse", bio="")
    book = await repositories.books.create(author_id=author.id, **DEMIAN)
    await repositories.books.delete(book.id)
    with pytest.raises(NotFound):
        await repositories.books.get_by_id(book.id)
    assert not await repositories.books.isbn_exists(DEMIAN["isbn"])


async def test_create_with_author_reuses_an_author_of_that_name(
    repositories: Repositories,
) -> None:
    first = await repositories.books.create_with_author(author_name="Hesse", **DEMIAN)
    second = await repositories.books.create_with_author(
        author_name="Hesse", **{**DEMIAN, "title": "Siddhartha", "isbn": "9780553208849"}
    )
    assert first.author_id == second.author_id
    assert [a.name for a in await repositories.authors.list(skip=0, limit=10)] == ["Hesse"]


async def test_create_with_author_of_a_taken_isbn_adds_nothing(
    repositories: Repositories,
) -> None:
    await repositories.books.create_with_author(author_name="Hesse", **DEMIAN)
    with pytest.raises(Conflict, match="9780060931919"):
        await repositories.books.create_with_author(author_name="Mann", **DEMIAN)
    assert [a.name for a in await repositories.authors.list(skip=0, limit=10)] == ["Hesse"]
