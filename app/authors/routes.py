"""HTTP routes for authors: parse, call the service, return a schema. Nothing else."""

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query, Response, status

from app.authors.dependencies import get_author_service
from app.authors.schemas import CreateAuthorRequest, ReadAuthorSchema, UpdateAuthorRequest
from app.authors.services import AuthorService
from app.db import DjangoRoute
from app.errors import error_responses
from app.fields import MAX_DATABASE_ID

router = APIRouter(prefix="/v0/authors", tags=["Authors"], route_class=DjangoRoute)

AuthorServiceDep = Annotated[AuthorService, Depends(get_author_service)]
AuthorId = Annotated[int, Path(gt=0, le=MAX_DATABASE_ID, description="The author's id")]
Skip = Annotated[int, Query(ge=0, le=1_000_000, description="How many authors to skip")]
Limit = Annotated[int, Query(ge=1, le=100, description="How many authors to return")]

# Swagger's "Try it out" sends this example: it must succeed on the seeded database.
NEW_AUTHOR_EXAMPLE = {
    "name": "Thomas Mann",
    "bio": "German novelist; Nobel Prize in Literature, 1929.",
}


@router.get("/", description="List authors, oldest first, a page at a time.")
async def list_authors(
    service: AuthorServiceDep, skip: Skip = 0, limit: Limit = 20
) -> list[ReadAuthorSchema]:
    return await service.get_all_authors(skip=skip, limit=limit)


@router.post(
    "/",
    status_code=status.HTTP_201_CREATED,
    description="Create an author. `bio` is optional; names need not be unique, so the example "
    "succeeds every time it runs.",
    responses=error_responses(400),
)
async def create_author(
    request: Annotated[
        CreateAuthorRequest,
        Body(
            openapi_examples={
                "new_author": {
                    "summary": "An author with a short bio",
                    "value": NEW_AUTHOR_EXAMPLE,
                }
            }
        ),
    ],
    service: AuthorServiceDep,
) -> ReadAuthorSchema:
    return await service.create_author(request)


@router.get("/{author_id:int}", description="One author by id.", responses=error_responses(404))
async def get_author(author_id: AuthorId, service: AuthorServiceDep) -> ReadAuthorSchema:
    return await service.get_author_by_id(author_id)


@router.patch(
    "/{author_id:int}",
    description="Change some of an author's fields; the others stay as they are.",
    responses=error_responses(400, 404),
)
async def update_author(
    author_id: AuthorId, request: UpdateAuthorRequest, service: AuthorServiceDep
) -> ReadAuthorSchema:
    return await service.update_author(author_id, request)


@router.delete(
    "/{author_id:int}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,  # no body, so no content-type (JSONResponse would claim JSON)
    description="Delete an author. Refused with 409 while the author still has books.",
    responses=error_responses(404, 409),
)
async def delete_author(author_id: AuthorId, service: AuthorServiceDep) -> None:
    await service.delete_author(author_id)
