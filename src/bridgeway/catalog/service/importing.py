"""Importing opportunities from JSON or CSV files: all rows or none, errors naming the row."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from bridgeway.accounts.domain import Principal
from bridgeway.catalog import errors
from bridgeway.catalog.models import OpportunityVersion
from bridgeway.catalog.schemas import OpportunityCreate
from bridgeway.catalog.service.authoring import create_opportunity
from bridgeway.kit.errors import BridgewayError

LIST_COLUMNS = ("schedules", "prerequisites")
BOOL_COLUMNS = ("is_credit",)


def read_rows(path: Path) -> list[dict[str, Any]]:
    """Read an import file (JSON list, JSON {"opportunities": [...]}, or CSV with a header) into rows."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise errors.ImportRowInvalid(
                f"{path.name}: not valid JSON (line {exc.lineno}: {exc.msg})"
            ) from None
        if isinstance(data, dict):
            data = data.get("opportunities")
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise errors.ImportRowInvalid(f"{path.name}: expected a list of opportunity objects")
        return data
    if path.suffix.lower() == ".csv":
        return [_csv_row(row) for row in csv.DictReader(io.StringIO(text))]
    raise errors.ImportRowInvalid(f"{path.name}: the file must end in .json or .csv")


def _csv_row(row: dict[str | None, str | None]) -> dict[str, Any]:
    if None in row:
        raise errors.ImportRowInvalid("a CSV row has more cells than the header")
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key is None or value is None or value.strip() == "":
            continue
        key = key.strip()
        if key in LIST_COLUMNS:
            out[key] = [v.strip() for v in value.split(";") if v.strip()]
        elif key in BOOL_COLUMNS:
            out[key] = value.strip().lower() in ("1", "true", "yes", "oui", "credit")
        else:
            out[key] = value.strip()
    return out


def import_opportunities(
    session: Session, *, actor: Principal, rows: list[dict[str, Any]], source: str = "import"
) -> list[OpportunityVersion]:
    """Create a draft opportunity per row, in order (a row may name earlier rows as prerequisites)."""
    created = []
    for number, row in enumerate(rows, start=1):
        label = f"{source} row {number}" + (f" (code {row.get('code')})" if row.get("code") else "")
        try:
            data = OpportunityCreate.model_validate(row)
            created.append(create_opportunity(session, actor=actor, data=data))
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
            raise errors.ImportRowInvalid(f"{label}: {problems}", detail={"row": number}) from None
        except BridgewayError as exc:
            raise errors.ImportRowInvalid(f"{label}: {exc.message}", detail={"row": number}) from None
    return created
