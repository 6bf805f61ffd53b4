def test_list_books_returns_seeded_books(client, seeded):
    response = client.get("/v0/books/")
    assert response.status_code == 200
    assert [book["title"] for book in response.json()] == [
        "Siddhartha",
        "Steppenwolf",
        "The Glass Bead Game",
    ]


def test_tables_are_empty_without_seed(client):
    assert client.get("/v0/books/").json() == []
