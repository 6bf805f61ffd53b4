"""``workshop.requirements``: one parser, following ``-r``, for the doctor and the site's table."""

from pathlib import Path

from workshop.paths import REPOSITORY_ROOT
from workshop.requirements import pinned_requirements, read_pins
from workshop.site.requirements import pins_table


def _pinned_lines(path: Path) -> set[str]:
    """Every ``name==version`` line of a requirements file, read as plainly as possible."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return {line.split("#")[0].strip() for line in lines if "==" in line.split("#")[0]}


def test_the_site_table_lists_every_pinned_package_including_the_apps():
    """The bug this module fixed: the table skipped ``-r requirements-app.txt`` (no Django)."""
    files = sorted(REPOSITORY_ROOT.glob("requirements*.txt"))
    assert REPOSITORY_ROOT / "requirements-app.txt" in files
    expected = set().union(*(_pinned_lines(path) for path in files))
    lines = pins_table(read_pins(REPOSITORY_ROOT / "requirements.txt")).splitlines()
    header = [cell.strip() for cell in lines[0].split("|")]
    package, pinned = header.index("Package"), header.index("Pinned")
    cells = [line.split("|") for line in lines[2:]]
    rows = {row[package].strip(" `") + "==" + row[pinned].strip() for row in cells}
    assert rows == expected
    assert any(row.startswith("django==") for row in rows)


def test_an_included_file_takes_the_section_its_include_stands_in_and_is_read_once(tmp_path):
    (tmp_path / "requirements-app.txt").write_text("django==5.2.1  # LTS\n")
    (tmp_path / "requirements.txt").write_text(
        "# --- The App ---\n-r requirements-app.txt\nuvicorn[standard]==0.5\n\n"
        "# --- Site ---\nmkdocs==1.6.1\n--requirement=requirements-app.txt\n-e .\n"
    )
    pins = read_pins(tmp_path / "requirements.txt")
    assert [(p.section, p.name, p.version, p.note, p.file) for p in pins] == [
        ("The App", "django", "5.2.1", "LTS", "requirements-app.txt"),
        ("The App", "uvicorn[standard]", "0.5", "", "requirements.txt"),
        ("Site", "mkdocs", "1.6.1", "", "requirements.txt"),
    ]


def test_an_included_files_own_sections_name_its_pins(tmp_path):
    (tmp_path / "test.txt").write_text("# --- Tests ---\npytest==9.0\n")
    (tmp_path / "all.txt").write_text("# --- Lessons ---\n-r test.txt\n")
    assert [(p.section, p.name) for p in read_pins(tmp_path / "all.txt")] == [("Tests", "pytest")]


def test_the_distribution_name_drops_extras_and_markers_are_not_part_of_the_version(tmp_path):
    (tmp_path / "r.txt").write_text('psycopg[binary,pool]==3.3.9 ; python_version >= "3.11"\n')
    (pin,) = read_pins(tmp_path / "r.txt")
    assert (pin.name, pin.distribution, pin.version) == ("psycopg[binary,pool]", "psycopg", "3.3.9")
    assert pinned_requirements(tmp_path / "r.txt") == {"psycopg": "3.3.9"}
