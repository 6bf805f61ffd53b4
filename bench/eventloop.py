"""Run a coroutine on the event loop the benchmark's servers use: uvloop when it is installed.

uvicorn picks uvloop when it can (``loop="auto"``), and a ``sync_to_async`` hop costs about a
third more CPU on asyncio's own loop than on uvloop, so a piece timed on the wrong loop misstates
what the servers pay for it. The load generator runs on it too.
"""

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)
