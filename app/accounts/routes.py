"""HTTP routes of the logged-in user: parse, call the service, return a schema. Who is calling
comes from a dependency (``app.accounts.dependencies``), never from the route itself."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response, status

from app.accounts.dependencies import (
    CurrentUser,
    WritingUser,
    get_reading_list_service,
    require_permission,
)
from app.accounts.schemas import (
    AddToReadingListRequest,
    CurrentUserSchema,
    ReadingListEntrySchema,
    UserReadingListEntrySchema,
)
from app.accounts.services import ReadingListService
from app.db import DjangoRoute
from app.errors import ErrorResponse, error_responses
from app.fields import MAX_DATABASE_ID

router = APIRouter(tags=["Accounts"], route_class=DjangoRoute)

ReadingListServiceDep = Annotated[ReadingListService, Depends(get_reading_list_service)]
BookId = Annotated[int, Path(gt=0, le=MAX_DATABASE_ID, description="The book's id")]
Skip = Annotated[int, Query(ge=0, le=1_000_000, description="How many entries to skip")]
Limit = Annotated[int, Query(ge=1, le=100, description="How many entries to return")]

VIEW_ALL_READING_LISTS = "accounts.view_readinglistentry"

NOT_LOGGED_IN: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "No session: log in at /admin/login/ first"}
}
REFUSED_WRITE: dict[int | str, dict[str, Any]] = {
    **NOT_LOGGED_IN,
    403: {"model": ErrorResponse, "description": "Django's CSRF protection refused the request"},
}
NO_PERMISSION: dict[int | str, dict[str, Any]] = {
    **NOT_LOGGED_IN,
    403: {"model": ErrorResponse, "description": "The user lacks the permission"},
}


@router.get(
    "/v0/me",
    description="The user of this session (log in at /admin/login/ in the same browser).",
    responses=NOT_LOGGED_IN,
)
async def read_me(user: CurrentUser) -> CurrentUserSchema:
    return CurrentUserSchema.model_validate(user)


@router.get(
    "/v0/me/reading-list",
    description="The books on your reading list, in the order you added them.",
    responses=NOT_LOGGED_IN,
)
async def read_reading_list(
    user: CurrentUser, service: ReadingListServiceDep
) -> list[ReadingListEntrySchema]:
    return await service.get_reading_list(user.pk)


@router.post(
    "/v0/me/reading-list",
    status_code=status.HTTP_201_CREATED,
    description="Add a book to your reading list. Needs the `X-CSRFToken` header.",
    responses={**REFUSED_WRITE, **error_responses(400, 404, 409)},
)
async def add_to_reading_list(
    request: AddToReadingListRequest, user: WritingUser, service: ReadingListServiceDep
) -> ReadingListEntrySchema:
    return await service.add_book(user.pk, request)


@router.delete(
    "/v0/me/reading-list/{book_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    # A plain Response: a 204 has no body, so it gets no JSON content-type either.
    response_class=Response,
    description="Take a book off your reading list. Needs the `X-CSRFToken` header.",
    responses={**REFUSED_WRITE, **error_responses(404)},
)
async def remove_from_reading_list(
    book_id: BookId, user: WritingUser, service: ReadingListServiceDep
) -> None:
    await service.remove_book(user.pk, book_id)


@router.get(
    "/v0/reading-lists",
    description=f"Every user's reading-list entries; needs the permission `{VIEW_ALL_READING_LISTS}`.",
    responses=NO_PERMISSION,
    dependencies=[Depends(require_permission(VIEW_ALL_READING_LISTS))],
)
async def read_all_reading_lists(
    service: ReadingListServiceDep, skip: Skip = 0, limit: Limit = 20
) -> list[UserReadingListEntrySchema]:
    return await service.get_all_reading_lists(skip=skip, limit=limit)
