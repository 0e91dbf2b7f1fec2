"""Every child's identifying details in a child-level file, for the tests that check none of them is kept."""
from __future__ import annotations

import datetime as dt
import io

import python_calamine

from data_loaders.annex_a import header_key

ANNEX_A_PRIVATE_HEADERS = ("child unique id", "date of birth", "allocated worker", "allocated personal advisor",
                           "individual adopter identifier")


def annex_a_identifiers(data: bytes) -> set[str]:
    """Every child reference, date of birth (as written, yyyy-mm-dd and dd/mm/yyyy) and worker name
    (with its non-breaking space and with a plain one) in an Annex A workbook."""
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    found = set()
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python()
        columns = [i for i, cell in enumerate(rows[0]) if header_key(cell) in ANNEX_A_PRIVATE_HEADERS]
        for cells in rows[1:]:
            for index in columns:
                cell = cells[index] if index < len(cells) else ""
                if isinstance(cell, (dt.date, dt.datetime)):
                    found |= {cell.strftime("%Y-%m-%d"), cell.strftime("%d/%m/%Y")}
                elif isinstance(cell, float):
                    found.add(str(int(cell)) if cell.is_integer() else str(cell))
                elif str(cell).strip() and str(cell).strip() != "#N/A":
                    found |= {str(cell), str(cell).replace("\xa0", " ")}
    return found - {""}
