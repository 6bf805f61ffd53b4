"""Shorter tracebacks in lesson notebooks: the frames of the HTTP plumbing are left out.

An error raised in a route and re-raised by ``httpx2.ASGITransport`` passes through 30-odd frames
of httpx, Starlette, FastAPI and AnyIO on its way back to the cell: five or six screens in which
the two frames that teach (the cell's line and the route's line, then Django's own frames) are
hard to find. :func:`hide_plumbing_frames` installs an IPython exception handler that drops those
frames before IPython prints the traceback. The error stays a real error (the cell fails, and a
``raises-exception`` tag is still needed); only what is printed is shorter.
"""

from collections.abc import Iterable
from types import TracebackType
from typing import Any

PLUMBING = ("httpx2", "httpx", "starlette", "fastapi", "anyio", "uvicorn", "asyncio", "contextlib")


def without_frames_of(
    traceback: TracebackType | None, packages: Iterable[str]
) -> TracebackType | None:
    """The same traceback with the frames of ``packages`` (top-level names) unlinked."""
    hidden = set(packages)
    kept: list[TracebackType] = []
    while traceback is not None:
        module = traceback.tb_frame.f_globals.get("__name__", "")
        if module.partition(".")[0] not in hidden:
            kept.append(traceback)
        traceback = traceback.tb_next
    for frame, following in zip(kept, [*kept[1:], None], strict=True):
        frame.tb_next = following
    return kept[0] if kept else None


def trim_exception(error: BaseException, packages: Iterable[str] = PLUMBING) -> BaseException:
    """Trim ``error``'s traceback and those of the exceptions it was raised from (in place)."""
    packages = tuple(packages)
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.__traceback__ = without_frames_of(current.__traceback__, packages)
        current = current.__cause__ or current.__context__
    return error


def hide_plumbing_frames(packages: Iterable[str] = PLUMBING) -> None:
    """In the running IPython kernel, print every traceback without the frames of ``packages``."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        raise RuntimeError("hide_plumbing_frames() works in an IPython kernel only")
    packages = tuple(packages)

    def show_trimmed(
        shell: Any,
        kind: type[BaseException],
        error: BaseException,
        traceback: TracebackType | None,
        tb_offset: int | None = None,
    ) -> None:
        error.__traceback__ = traceback
        trim_exception(error, packages)
        shell.showtraceback((kind, error, error.__traceback__), tb_offset=tb_offset)

    shell.set_custom_exc((Exception,), show_trimmed)
