"""The only module that queries the ORM for authors. Every method is async and uses Django's
async ORM API, so a route never touches the database from the event loop's thread."""

from typing import Any

from django.db import IntegrityError
from django.db.models import ProtectedError

from app.authors.models import Author
from app.exceptions import Conflict, NotFound


class DjangoAuthorRepository:
    async def create(self, name: str, bio: str) -> Author:
        return await Author.objects.acreate(name=name, bio=bio)

    async def get_by_id(self, author_id: int) -> Author:
        try:
            return await Author.objects.aget(pk=author_id)
        except Author.DoesNotExist:
            raise NotFound("Author", author_id) from None

    async def list(self, skip: int, limit: int) -> list[Author]:
        return [author async for author in Author.objects.order_by("id")[skip : skip + limit]]

    async def update(self, author_id: int, changes: dict[str, Any]) -> Author:
        author = await self.get_by_id(author_id)
        for field, value in changes.items():
            setattr(author, field, value)
        await author.asave(update_fields=list(changes))
        return author

    async def delete(self, author_id: int) -> None:
        try:
            deleted, _ = await Author.objects.filter(pk=author_id).adelete()
        except ProtectedError as error:
            raise Conflict(
                f"Author {author_id} still has {len(error.protected_objects)} book(s); "
                "delete them or give them another author first"
            ) from None
        except IntegrityError:
            # A book was added between Django's PROTECT check and the DELETE: the database's
            # foreign key refused it, and nothing was deleted.
            raise Conflict(f"Author {author_id} still has books") from None
        if not deleted:
            raise NotFound("Author", author_id)
