"""Building the Books App around a learner's router, for the checks."""

from types import ModuleType

from fastapi import APIRouter, FastAPI
from starlette.testclient import TestClient

from workshop.grading.checks import fail


def app_with_router(exercise: str, module: ModuleType) -> FastAPI:
    """The real app (``create_app()``: middleware, error handlers) plus the learner's router."""
    from app.main import create_app

    router = getattr(module, "router", None)
    if not isinstance(router, APIRouter):
        fail(exercise, "wrong", "the module has no APIRouter called `router` any more")
    app = create_app()
    app.include_router(router)
    return app


def client_for(app: FastAPI) -> TestClient:
    # Server errors are re-raised in the check, so it can say which error it was.
    return TestClient(app, raise_server_exceptions=True)
