"""The reading lists in Django's admin: what the API wrote, the admin lists."""

from starlette.testclient import TestClient

from tests.app.accounts.conftest import Reader, create_user, log_in


def test_entries_added_through_the_api_are_in_the_admin(reader: Reader, app) -> None:
    reader.add(3)
    create_user("boss", superuser=True)
    with TestClient(app) as admin:
        log_in(admin, "boss")
        page = admin.get("/admin/accounts/readinglistentry/")
    assert page.status_code == 200
    assert "The Glass Bead Game on reader&#x27;s reading list" in page.text
    assert "1 reading list entry" in page.text
