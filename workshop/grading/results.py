"""What grading produces: one outcome per check, gathered per exercise, learner and class."""

from dataclasses import dataclass, field

# Shown in the table beside the score, most telling first.
REASONS = (
    "tampering", "outside", "forbidden", "time limit", "output flood", "exits", "crashed",
    "syntax error", "import error", "missing file",
)  # fmt: skip


@dataclass
class CheckOutcome:
    name: str
    passed: bool
    reason: str = ""
    message: str = ""


@dataclass
class ExerciseResult:
    exercise: str
    score: int
    points: int
    reason: str = ""
    seconds: float = 0.0
    checks: list[CheckOutcome] = field(default_factory=list)

    @staticmethod
    def from_checks(exercise: str, checks: list[CheckOutcome], seconds: float) -> "ExerciseResult":
        reasons = {check.reason for check in checks if not check.passed}
        reason = next((r for r in REASONS if r in reasons), "")
        score = sum(check.passed for check in checks)
        return ExerciseResult(exercise, score, len(checks), reason, seconds, checks)


@dataclass
class LearnerResult:
    learner: str
    exercises: dict[str, ExerciseResult]

    @property
    def total(self) -> int:
        return sum(result.score for result in self.exercises.values())

    @property
    def points(self) -> int:
        return sum(result.points for result in self.exercises.values())


@dataclass
class ClassResult:
    exercises: list[str]
    learners: list[LearnerResult]
    seconds: float
    sandbox: str = ""
    files: list = field(default_factory=list)
