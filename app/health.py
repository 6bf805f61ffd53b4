"""GET /healthz: is the process up, and can it reach its database?"""

from asgiref.sync import sync_to_async
from django.db import DatabaseError, connection
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from app.db import DjangoRoute

router = APIRouter(tags=["Health"], route_class=DjangoRoute)


class Health(BaseModel):
    status: str
    database: str


def _ping_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


@router.get(
    "/healthz",
    response_model=Health,
    description="200 when the database answers, 503 when it does not.",
    responses={503: {"model": Health, "description": "The database is unreachable"}},
)
async def healthz() -> JSONResponse:
    try:
        await sync_to_async(_ping_database)()
    except DatabaseError as error:
        body = Health(status="unavailable", database=f"unreachable: {type(error).__name__}")
        return JSONResponse(body.model_dump(), status_code=503)
    return JSONResponse(Health(status="ok", database="ok").model_dump())
