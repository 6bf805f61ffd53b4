"""The API's published contract: title, version, tags and a description on every route."""


def test_openapi_metadata(client):
    schema = client.get("/openapi.json").json()
    assert (schema["info"]["title"], schema["info"]["version"]) == ("Books App", "0.1")
    assert {"Books", "Authors"} <= {tag["name"] for tag in schema["tags"]}


def test_every_route_has_a_tag_and_a_description(client):
    schema = client.get("/openapi.json").json()
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert len(operations) >= 11
    for operation in operations:
        assert operation.get("tags"), operation["operationId"]
        assert operation.get("description"), operation["operationId"]


def test_book_and_author_routes(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert set(paths["/v0/books/"]) == {"get", "post"}
    assert set(paths["/v0/books/{book_id}"]) == {"get", "patch", "delete"}
    assert set(paths["/v0/authors/"]) == {"get", "post"}
    assert set(paths["/v0/authors/{author_id}"]) == {"get", "patch", "delete"}
    assert set(paths["/v0/books/import"]) == {"post"}


def test_docs_and_redoc_are_served(client):
    assert "swagger-ui" in client.get("/docs").text
    assert "redoc" in client.get("/redoc").text


def test_unknown_host_is_refused(client):
    assert client.get("/v0/books/", headers={"host": "evil.example"}).status_code == 400
