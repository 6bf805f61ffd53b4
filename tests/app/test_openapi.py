"""The API's published contract: title, version, tags and a description on every route; the
ISBN rule in the schema; Swagger's examples that work on the seeded database."""

import re

import pytest
from pydantic import ValidationError

from app.books.isbn import ISBN_PATTERN, STORED_ISBN_PATTERN
from app.books.schemas import CreateBookRequest, ImportBookRequest


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


def test_unknown_host_is_refused_with_json_like_every_error(client):
    response = client.get("/v0/books/", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid host header: add it to ALLOWED_HOSTS"}


def isbn_schemas(schema: dict) -> dict[str, dict]:
    """The `isbn` property of every component schema that has one."""
    components = schema["components"]["schemas"]
    return {
        name: component["properties"]["isbn"]
        for name, component in components.items()
        if "isbn" in component.get("properties", {})
    }


def request_body_schemas(schema: dict) -> set[str]:
    """The component names of every request body in the document."""
    names = set()
    for path in schema["paths"].values():
        for operation in path.values():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                names.add(body["schema"]["$ref"].rsplit("/", 1)[1])
    return names


def test_every_request_body_with_an_isbn_states_the_rule(client):
    schema = client.get("/openapi.json").json()
    isbns = isbn_schemas(schema)
    with_isbn = request_body_schemas(schema) & set(isbns)
    assert with_isbn == {"CreateBookRequest", "UpdateBookRequest", "ImportBookRequest"}
    for name in with_isbn:
        assert isbns[name]["pattern"] == ISBN_PATTERN, name
    # The response documents what is stored: 13 or 10 ASCII characters, no separators.
    assert isbns["ReadBookSchema"]["pattern"] == STORED_ISBN_PATTERN


# What the schema promises and what the API accepts, on the edges of the rule.
ISBN_CASES = [
    "9780553208849",
    "978-0-553-20884-9",
    " 978 0 553 20884 9 ",
    "0553275860",
    "055327586X",
    "055327586x",
    "978055320884\u0669",  # ARABIC-INDIC DIGIT NINE: not 0-9
    "978055320884\uff19",  # FULLWIDTH DIGIT NINE
    "978\t0553208849",  # a tab is not a separator
    "978\u00a00553208849",  # nor a no-break space
    "9780553208849\n",
    "97805532088",  # 11 digits
    "X553275860",  # X only at the end of an ISBN-10
    "9780553208849X",
    "",
]


@pytest.mark.parametrize("isbn", ISBN_CASES)
def test_the_schema_pattern_and_the_validation_agree(isbn):
    """A client that follows the schema (ECMAScript regex: `$` is the very end) sends only
    ISBNs the API accepts, and the API accepts nothing the schema refuses."""
    promised = re.search(ISBN_PATTERN, isbn) is not None and not isbn.endswith("\n")
    try:
        ImportBookRequest(isbn=isbn)
        accepted = True
    except ValidationError:
        accepted = False
    assert accepted == promised


def test_stored_isbns_are_ascii():
    assert ImportBookRequest(isbn=" 055327586x ").isbn == "055327586X"
    assert ImportBookRequest(isbn="978-0-553-20884-9").isbn == "9780553208849"
    for isbn in ["978055320884\u0669", "978\t0553208849", "978\u00a00553208849"]:
        with pytest.raises(ValidationError, match="is not an ISBN"):
            ImportBookRequest(isbn=isbn)


def example_body(schema: dict, path: str) -> dict:
    body = schema["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    (example,) = body["examples"].values()  # Swagger UI pre-fills the first one
    return example["value"]


def test_swaggers_create_examples_succeed_on_the_seeded_database(client, seeded):
    schema = client.get("/openapi.json").json()
    book = example_body(schema, "/v0/books/")
    first = client.post("/v0/books/", json=book)
    assert first.status_code == 201, first.text
    again = client.post("/v0/books/", json=book)
    assert again.status_code == 409
    assert "409" in schema["paths"]["/v0/books/"]["post"]["description"]

    author = example_body(schema, "/v0/authors/")
    assert client.post("/v0/authors/", json=author).status_code == 201
    assert client.post("/v0/authors/", json=author).status_code == 201


def test_the_import_example_is_a_real_isbn_and_says_it_needs_open_library(client, seeded):
    schema = client.get("/openapi.json").json()
    isbn = ImportBookRequest(**example_body(schema, "/v0/books/import")).isbn
    digits = [int(d) for d in isbn]
    assert (
        len(digits) == 13 and sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10 == 0
    )
    assert isbn not in {book["isbn"] for book in client.get("/v0/books/").json()}
    assert "Open Library" in schema["paths"]["/v0/books/import"]["post"]["description"]


def schema_bounds(node: object) -> list[int | float]:
    """Every numeric bound anywhere in the document."""
    if isinstance(node, dict):
        found = [
            value
            for key, value in node.items()
            if key in {"maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum"}
        ]
        return found + [bound for value in node.values() for bound in schema_bounds(value)]
    if isinstance(node, list):
        return [bound for value in node for bound in schema_bounds(value)]
    return []


def test_every_numeric_bound_reads_the_same_as_a_double(client):
    """JSON numbers are doubles to most clients and fuzzers: a bound of 2**63 - 1 reads as 2**63,
    so ids just above the real limit looked valid to them and the API refused them."""
    bounds = schema_bounds(client.get("/openapi.json").json())
    assert 2**53 - 1 in bounds
    for bound in bounds:
        assert abs(bound) <= 2**53 - 1, bound


@pytest.mark.parametrize("title", [" ", "\t\n", "\u3000", "\xa0", "\x1c", "\ufeff", " a ", "a"])
def test_a_blank_title_is_refused_by_schema_and_api_alike(client, title):
    """Titles are stripped, then may not be empty: the schema's pattern says the same (a fuzzer
    following the schema once sent " " as a valid title)."""
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    pattern = schema["CreateBookRequest"]["properties"]["title"]["pattern"]
    body = {"title": title, "author_id": 1, "isbn": "0553275860", "publication_date": "2000-01-01"}
    try:
        CreateBookRequest(**body)
        accepted = True
    except ValidationError:
        accepted = False
    assert accepted == (re.search(pattern, title) is not None)
    assert accepted == (title.strip(" \t\n\u3000\xa0") != "")
