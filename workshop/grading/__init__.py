"""The workshop's grader: load a learner's module, sandbox it, run the checks, score, report.

The per-exercise checks live in ``tests/grading/test_exNN_*.py`` and import what they need from
:mod:`workshop.grading.checks`. This package is the machinery around them:

- ``checks``: what a check file imports (``load_exercise``, ``fail``, ``calling``);
- ``guard``: watches learner code from inside its process (forbidden shortcuts, tampering);
- ``plugin``: the pytest plugin that turns each check's outcome into a structured record;
- ``sandbox``: bubblewrap (or plain process isolation where it cannot run) and resource limits;
- ``runner``: grades one learner's one exercise in a sandboxed child, reads its records;
- ``classroom``: a class folder, learners in parallel; ``reports``: table, CSV, JSON, JUnit,
  feedback; ``gradescope``: the autograder zip; ``__main__``: ``python -m workshop.grading``.
"""
