"""workshop.tracebacks: the HTTP plumbing's frames leave the traceback, the teaching frames stay."""

import traceback

import httpx2
import pytest
from fastapi import FastAPI

from workshop.tracebacks import PLUMBING, trim_exception


class Refused(Exception):
    pass


def refuse() -> None:
    raise Refused("from the route")


demo = FastAPI()


@demo.get("/broken")
async def broken_route() -> None:
    refuse()


async def error_raised_through_the_transport() -> Refused:
    transport = httpx2.ASGITransport(app=demo)
    async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as http:
        with pytest.raises(Refused) as raised:
            await http.get("/broken")
    return raised.value


def names_and_files(error: BaseException) -> tuple[list[str], list[str]]:
    frames = traceback.extract_tb(error.__traceback__)
    return [frame.name for frame in frames], [frame.filename for frame in frames]


@pytest.mark.anyio
async def test_the_plumbing_frames_are_many_before_trimming() -> None:
    error = await error_raised_through_the_transport()
    _, files = names_and_files(error)
    assert sum("starlette" in f or "httpx2" in f or "fastapi" in f for f in files) > 10


@pytest.mark.anyio
async def test_trimming_keeps_the_caller_the_route_and_the_raise_only() -> None:
    error = await error_raised_through_the_transport()
    trim_exception(error)
    names, files = names_and_files(error)
    assert names == ["error_raised_through_the_transport", "broken_route", "refuse"]
    assert not any(f"/{package}/" in file for file in files for package in PLUMBING)


@pytest.mark.anyio
async def test_the_exceptions_it_was_raised_from_are_trimmed_too() -> None:
    cause = await error_raised_through_the_transport()
    try:
        raise RuntimeError("wrapped") from cause
    except RuntimeError as error:
        trim_exception(error)
    names, _ = names_and_files(cause)
    assert names == ["error_raised_through_the_transport", "broken_route", "refuse"]
