"""Watching learner code from inside its own process: forbidden shortcuts and tampering.

Installed by the grading plugin before any learner module is imported.

- **Forbidden shortcuts.** ``DJANGO_ALLOW_ASYNC_UNSAFE`` hides ``SynchronousOnlyOperation``
  instead of fixing it. The guard sees it set however it is set: ``os.environ`` and ``os.putenv``
  (both raise the ``os.putenv`` audit event), a child process started with it, ``setenv`` reached
  through ``ctypes``, or written into ``os.environ``'s private dict (seen at the end of the check).
  It also catches the *effect* of any other way of disabling Django's async-safety check: every
  SQLite connection Django opens gets a trace callback that notes a statement run on a thread
  whose event loop is running, which Django's check exists to refuse.
- **Tampering.** Learner code shares the process with the checks and could replace the
  grader's functions, pytest's or ``fail()`` through ``sys.modules``. The guard takes a snapshot
  of every function and class of those modules once the checks are collected (before learner code
  runs) and compares after each check.

Audit hooks cannot be removed once added (PEP 578), which is why they are the first line.
"""

import os
import sqlite3
import sys
import types
from asyncio import _get_running_loop  # the C function, captured before learner code runs
from dataclasses import dataclass

FORBIDDEN_VARIABLE = "DJANGO_ALLOW_ASYNC_UNSAFE"
WATCHED_MODULES = ("workshop.grading", "tests.grading", "_pytest", "pytest", "pluggy")


@dataclass(frozen=True)
class Act:
    kind: str  # "forbidden", "tampering" or "outside" (a file outside its folder)
    detail: str
    check: int  # index of the check running when it happened (-1: before the first)
    exercise: str = ""  # the exercise that check belongs to


class Guard:
    def __init__(self) -> None:
        self.acts: list[Act] = []
        self.current_check = -1
        self.current_exercise = ""
        self._snapshot: dict[str, int] = {}
        self._installed = False
        self._variable_seen = False
        self._writable: tuple[str, ...] = ()
        self._readable: tuple[str, ...] = ()

    # --- forbidden shortcuts -------------------------------------------------------------

    def install(self, writable: list[str], readable: list[str]) -> None:
        """``writable``/``readable``: the folders learner code may write/read; a file touched
        elsewhere is noted (the sandbox, where there is one, has already refused it)."""
        if self._installed:
            return
        self._installed = True
        self._writable = tuple(os.path.join(os.path.realpath(p), "") for p in writable)
        self._readable = self._writable + tuple(
            os.path.join(os.path.realpath(p), "") for p in readable
        )
        if os.environ.pop(FORBIDDEN_VARIABLE, None) is not None:
            os.unsetenv(FORBIDDEN_VARIABLE)
        # Importing a module whose bytecode is not cached yet (a fresh clone) would write a .pyc
        # beside it, outside the writable folders: the interpreter's act, not the learner's.
        sys.dont_write_bytecode = True
        sys.addaudithook(self._audit)
        from django.db.backends.signals import connection_created

        connection_created.connect(self._connected, weak=False, dispatch_uid="grading-guard")

    def _connected(self, sender: object, connection: object, **kwargs: object) -> None:
        if getattr(connection, "vendor", "") == "sqlite":
            connection.connection.set_trace_callback(self._statement)  # type: ignore[attr-defined]

    def _note(self, kind: str, detail: str) -> None:
        act = Act(kind, detail, self.current_check, self.current_exercise)
        if act not in self.acts:
            self.acts.append(act)

    def _audit(self, event: str, args: tuple) -> None:
        try:
            if event == "os.putenv" and _names_variable(args[0]):
                self._note("forbidden", f"set {FORBIDDEN_VARIABLE} (os.environ or os.putenv)")
            elif event in ("subprocess.Popen", "os.exec", "os.posix_spawn", "os.spawn"):
                if any(_mentions_variable(arg) for arg in args):
                    self._note("forbidden", f"started a process with {FORBIDDEN_VARIABLE}")
            elif event == "os.system" and _mentions_variable(args[0]):
                self._note("forbidden", f"ran a shell command with {FORBIDDEN_VARIABLE}")
            elif event == "ctypes.dlsym" and str(args[1]) in ("setenv", "putenv"):
                self._note("forbidden", "called the C library's setenv/putenv through ctypes")
            elif self.current_check >= 0 and event in _FILE_EVENTS:
                self._file(event, args)
        except Exception:  # an audit hook must never break the code it watches
            pass

    def _file(self, event: str, args: tuple) -> None:
        if not self._writable or not isinstance(args[0], str | bytes | os.PathLike):
            return
        path = os.path.realpath(os.fsdecode(args[0]))
        writes = event != "open" or _writes(args[1], args[2] if len(args) > 2 else 0)
        allowed = self._writable if writes else self._readable
        if not path.startswith(allowed) and path not in _HARMLESS:
            verb = {"open": "write" if writes else "read"}.get(event, "delete or move")
            name = os.path.basename(path)  # the name only: feedback shows no machine path
            self._note("outside", f"tried to {verb} a file outside its own folder ({name})")

    def _statement(self, sql: str) -> None:
        if _get_running_loop() is not None:
            self._note(
                "forbidden",
                "ran a synchronous ORM query on the event loop's thread with Django's "
                "async-safety check disabled",
            )

    def end_of_check(self) -> None:
        """What can only be seen by looking: the variable written around ``os.putenv``. Noted
        once, for the exercise that set it; in later exercises only its effect counts (a query
        it let through), so it costs no check it did not make pass."""
        if not self._variable_seen and (
            FORBIDDEN_VARIABLE in os.environ
            or FORBIDDEN_VARIABLE.encode() in getattr(os.environ, "_data", {})
        ):
            self._variable_seen = True
            self._note("forbidden", f"left {FORBIDDEN_VARIABLE} set")
        changed = self._changed()
        if changed:
            self._note("tampering", f"replaced the grader's or pytest's {changed}")

    # --- tampering -----------------------------------------------------------------------

    def take_snapshot(self) -> None:
        self._snapshot = _identities()

    def _changed(self) -> str | None:
        if not self._snapshot:
            return None
        now = _identities()
        for name, identity in self._snapshot.items():
            if now.get(name) != identity:
                return name
        return None

    def acts_against(self, check: int) -> list[Act]:
        """The acts that cost check number ``check`` its point: any during it (a state that
        persists, like the variable left set or a patched grader, is noted again in every check it
        lasts), and any earlier in the same exercise. Another exercise's act costs nothing."""
        return [
            act
            for act in self.acts
            if act.check == check or (act.check < check and act.exercise == self.current_exercise)
        ]


_FILE_EVENTS = ("open", "os.remove", "os.rmdir", "os.rename", "shutil.rmtree", "os.truncate")
_HARMLESS = ("/dev/null", "/etc/mime.types", "/etc/localtime")


def _writes(mode: object, flags: object) -> bool:
    if isinstance(mode, str) and mode:
        return any(letter in mode for letter in "wax+")
    return isinstance(flags, int) and bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))


def _names_variable(value: object) -> bool:
    if isinstance(value, bytes):
        value = value.decode(errors="replace")
    return str(value) == FORBIDDEN_VARIABLE


def _mentions_variable(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, dict):
        return any(_mentions_variable(key) for key in value)
    if isinstance(value, list | tuple):
        return any(_mentions_variable(item) for item in value)
    if isinstance(value, bytes):
        value = value.decode(errors="replace")
    return FORBIDDEN_VARIABLE in str(value)


def _identities() -> dict[str, int]:
    """``module.attribute`` (and ``module.Class.attribute``) -> id of the function or class."""
    found: dict[str, int] = {}
    for module_name, module in list(sys.modules.items()):
        if not module_name.startswith(WATCHED_MODULES) or module is None:
            continue
        found[module_name] = id(module)
        for name, value in list(vars(module).items()):
            if isinstance(value, types.FunctionType | types.BuiltinFunctionType):
                found[f"{module_name}.{name}"] = id(value)
            elif isinstance(value, type) and value.__module__ == module_name:
                found[f"{module_name}.{name}"] = id(value)
                for attribute, member in list(vars(value).items()):
                    if isinstance(member, types.FunctionType | classmethod | staticmethod):
                        found[f"{module_name}.{name}.{attribute}"] = id(member)
    found["sqlite3.connect"] = id(sqlite3.connect)
    return found


GUARD = Guard()
