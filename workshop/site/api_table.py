"""The HTTP API table, generated from the running app's own OpenAPI schema at build time."""

from typing import Any

_METHODS = ("get", "post", "put", "patch", "delete")


def openapi_schema() -> dict[str, Any]:
    """The schema FastAPI serves at /openapi.json (imports the app: Django is set up, no query)."""
    from app.main import app

    return app.openapi()


def api_table(schema: dict[str, Any]) -> str:
    rows = ["| Method | Path | What it does | Answers |", "|---|---|---|---|"]
    for path, operations in schema.get("paths", {}).items():
        for method in _METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            text = operation.get("description") or operation.get("summary") or ""
            codes = ", ".join(sorted(operation.get("responses", {})))
            rows.append(f"| `{method.upper()}` | `{path}` | {_cell(text)} | {codes} |")
    return "\n".join(rows)


def schema_names(schema: dict[str, Any]) -> list[str]:
    return sorted(schema.get("components", {}).get("schemas", {}))


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
