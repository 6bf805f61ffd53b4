"""``python -m bench.costs`` times the pieces of a request; notebook 08 adds some of them up.
The shape of its output and the loop it times on, never the numbers."""

import asyncio
import json

import uvloop

from bench import eventloop
from tests.bench.commands import run_bench_module

# The pieces notebook 08 reads by name (cells c009a and c009d): renaming one breaks the lesson.
PIECES_THE_LESSON_READS = {
    "request context, borrowed thread (app/db.py)",
    "ORM: Book.objects.get(pk=...)",
    "connect + ORM get + close, the app's pool (sqlite)",
    "connect + ORM get + close, Django's SQLite backend",
}


def test_async_pieces_are_timed_on_the_event_loop_the_servers_run():
    """uvicorn serves on uvloop; a hop timed on asyncio's own loop costs about a third more."""

    async def running_loop() -> asyncio.AbstractEventLoop:
        return asyncio.get_running_loop()

    assert isinstance(eventloop.run(running_loop()), uvloop.Loop)


def test_costs_writes_every_piece_the_lesson_reads(tmp_path):
    completed = run_bench_module("bench.costs", "--backends=sqlite", f"--out={tmp_path}")
    assert completed.stdout.startswith("CPU cost of each piece of a request, sqlite ")
    report = json.loads((tmp_path / "costs.json").read_text())
    pieces = {
        piece["piece"]: piece["cpu_us"] for piece in report["cpu_us_per_call"]["sqlite"]["pieces"]
    }
    assert set(pieces) >= PIECES_THE_LESSON_READS, sorted(pieces)
    assert all(micros > 0 for micros in pieces.values()), pieces
