"""How the grader finds and loads the code it grades."""

import pytest
from starlette.testclient import TestClient

from tests.grading import classroom
from tests.grading.support import REPO_ROOT, load_exercise

EX02 = "ex02_synchronous_only_operation"


def test_each_target_gets_its_own_module() -> None:
    stub = load_exercise(REPO_ROOT / "exercises", EX02)
    solution = load_exercise(REPO_ROOT / "solutions", EX02)
    assert stub is not solution
    assert stub.__file__ == str(REPO_ROOT / "exercises" / f"{EX02}.py")
    assert solution.__file__ == str(REPO_ROOT / "solutions" / f"{EX02}.py")


def test_a_missing_file_fails_with_a_friendly_message(tmp_path) -> None:
    with pytest.raises(pytest.fail.Exception, match=r"\[missing file\].*does not exist"):
        load_exercise(tmp_path, EX02)


def test_learner_and_class_folders_are_told_apart(tmp_path) -> None:
    assert classroom.is_learner_folder(REPO_ROOT / "solutions")
    (tmp_path / "ana").mkdir()
    (tmp_path / "ana" / "ex01_django_setup.py").write_text("")
    assert classroom.is_class_folder(tmp_path)
    assert not classroom.is_class_folder(REPO_ROOT / "solutions")
    assert classroom.discover_learners(tmp_path) == [tmp_path / "ana"]


@pytest.mark.parametrize(("folder", "status"), [("exercises", 500), ("solutions", 200)])
def test_the_ex02_stub_is_the_broken_route(seeded: None, folder: str, status: int) -> None:
    """The stub IS the route that raises SynchronousOnlyOperation; the solution answers rows."""
    from app.authors.models import Author
    from app.main import create_app

    app = create_app()
    app.include_router(load_exercise(REPO_ROOT / folder, EX02).router)
    author = Author.objects.get()
    response = TestClient(app, raise_server_exceptions=False).get(
        f"/exercise02/authors/{author.pk}/books"
    )
    assert response.status_code == status
