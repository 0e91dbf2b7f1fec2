"""Read DfE Explore Education Statistics (EES) open-data CSVs into one tidy table.

An EES file has time and geography columns, then filter columns (text saying which slice a row
is, such as `population_type`), then indicator columns (a number, or a symbol saying why there is
none). `load_ees` gives one row per published figure: a wide file gives one row per indicator
column; a long file (one `number` column) takes the measure from the filter column beside it.
Local authorities are keyed on `old_la_code`, the three-digit code that survives boundary and
code changes (Buckinghamshire 825 is E10000002 to 2019 and E06000060 after).
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from data_loaders.files import column_letter, decode_text, normalise_name, read_bytes, sniff_format
from data_loaders.model import MAX_NAME_CHARS, POLARITIES, Problem, ReturnError
from periods import financial_year_label, parse_period

SYMBOL_MEANINGS = {
    "c": "suppressed to protect confidential information",
    "x": "not available",
    "z": "not applicable",
    "u": "low reliability",
    "low": "rounds to 0 but is not 0",
    "k": "rounds to 0 but is not 0",
    ":": "not available",
    "~": "rounds to 0 but is not 0",
}
BLANK = "blank"  # the `symbol` of an empty value cell, so that symbol "" always means a number
REPORTING_YEAR = "reporting year"  # EES time identifier: the year to 31 March of time_period

LONG_VALUE_COLUMNS = ("number", "value")
COMPARATORS_MAP_COLUMNS = ("indicator_id", "breakdown", "dataset", "measure", "filters",
                           "polarity_override", "reference", "source_label", "note")
# The date a published figure refers to, by (month, day) of the reporting year's end: children in need and
# looked-after figures run to (or stand at) 31 March; the social work workforce census is at 30 September.
REFERENCES = {"year to 31 March": (3, 31), "at 31 March": (3, 31),
              "year to 30 September": (9, 30), "at 30 September": (9, 30)}
SOURCE_PLACEHOLDERS = {"period": "the financial-year label, e.g. 2024-25",
                       "year": "DfE's reporting year, e.g. 2025"}
# ONS codes of the regions DfE publishes figures for, as EES names them. London boroughs are compared with
# Inner or Outer London (ONS statistical definitions, as in every EES file), never with London as a whole.
REGIONS = {"E12000001": "North East", "E12000002": "North West", "E12000003": "Yorkshire and The Humber",
           "E12000004": "East Midlands", "E12000005": "West Midlands", "E12000006": "East of England",
           "E12000007": "London", "E12000008": "South East", "E12000009": "South West",
           "E13000001": "Inner London", "E13000002": "Outer London"}
INNER_LONDON = frozenset({"201", "202", "204", "205", "206", "207", "208", "209", "210", "211", "212", "213",
                          "309", "316"})  # City, Camden, Hackney ... Westminster, Haringey, Newham

_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_IDENTIFIER_COLUMNS = {"time_period", "time_identifier", "geographic_level"}
_IDENTIFIER_SUFFIXES = ("_code", "_name", "_urn", "_laestab", "_ukprn")
_SN_CODE = re.compile(r"^sn_(\d+)$")
_LA_CODE = r"\d{3}"
_RESERVED = {"dataset", "period", "measure", "value", "symbol", "joint_return"}


def load_ees(source: object, dataset: str | None = None) -> pd.DataFrame:
    """One tidy row per figure of an EES CSV (path, bytes or binary file-like).

    Columns: dataset, period (financial-year label such as `2024-25`), geographic_level,
    la_code (old_la_code, text), la_name, new_la_code, region_code, region_name, joint_return
    (the published joint code such as `314 / 318`, else ""), every filter column, measure,
    value (float, NaN where the file has a symbol) and symbol ("" where there is a number).
    Raises ReturnError listing every problem in the file.
    """
    data, file_name = read_bytes(source)
    where = file_name or "EES file"
    table = _read_table(data, where)
    _require_columns(table, where, ("time_period", "geographic_level"))
    if table.empty:
        raise ReturnError([Problem(where, 2, None, "the file has a header but no rows")])
    value_columns, filter_columns = _classify_columns(table)
    if not value_columns:
        raise ReturnError([Problem(where, 1, None, "no column holds numbers, so there are no figures to read")])
    periods, problems = _period_labels(table, where)
    problems += _la_code_problems(table, where)
    problems += _long_name_problems(table, where)
    for column in value_columns:
        problems += _cell_problems(table, column, where)
    if problems:
        raise ReturnError(problems)

    tidy = _identify_rows(table, periods, filter_columns,
                          dataset if dataset is not None else _dataset_name(file_name))
    tidy = _drop_joint_rows_published_alone(_split_joint_returns(tidy), filter_columns)
    if len(value_columns) == 1 and value_columns[0] in LONG_VALUE_COLUMNS and filter_columns:
        tidy["measure"] = tidy[_output_name(filter_columns[-1])]
        tidy["raw"] = table[value_columns[0]].reindex(tidy.index).to_numpy()
    else:
        tidy = tidy.join(table[value_columns]).melt(
            id_vars=list(tidy.columns), value_vars=value_columns, var_name="measure", value_name="raw")
    text = tidy.pop("raw").str.strip()
    is_number = _cell_kinds(text)[0]
    tidy["value"] = pd.to_numeric(text.where(is_number)).astype("float64")
    tidy["symbol"] = text.str.lower().where(~is_number, "").mask(text.eq(""), BLANK)
    return tidy.reset_index(drop=True)


def load_statistical_neighbours(source: object) -> dict[str, list[str]]:
    """LA code -> its neighbours' codes, closest first, from DfE's `sn_model_*_wide.csv`."""
    model = _neighbour_model(source)
    return {code: group["neighbour_code"].tolist() for code, group in model.groupby("la_code", sort=False)}


def statistical_neighbour_table(source: object, la_code: str | None) -> pd.DataFrame:
    """rank, la_code, la_name, closeness (labels stripped) of `la_code`'s neighbours, for people to read."""
    model = _neighbour_model(source)
    names = model.drop_duplicates("la_code").set_index("la_code")["la_name"]
    rows = model[model["la_code"] == str(la_code or "").strip()]
    return pd.DataFrame({
        "rank": rows["rank"].astype("int64"),
        "la_code": rows["neighbour_code"],
        "la_name": rows["neighbour_code"].map(names).fillna("").astype("str"),
        "closeness": rows["closeness"],
    }).reset_index(drop=True)


def load_authority_regions(source: object) -> dict[str, tuple[str, str]]:
    """LA code -> (region code, region name) as EES names the region, from DfE's `sn_model_*_wide.csv`.

    The model names London as one region; a London borough gets Inner or Outer London, as every EES
    file gives it. For an authority with no published row, so that its own region is compared.
    """
    data, file_name = read_bytes(source)
    where = file_name or "statistical neighbour file"
    table = _read_table(data, where)
    _require_columns(table, where, ("old_la_code", "region_name"))
    codes = {name: code for code, name in REGIONS.items()}
    regions, problems = {}, []
    for line, la_code, name in zip(table["_line"], table["old_la_code"].str.strip(), table["region_name"].str.strip()):
        if name == "London":
            name = "Inner London" if la_code in INNER_LONDON else "Outer London"
        if name not in codes:
            problems.append(Problem(where, int(line), "region_name",
                                    f"'{name}' is not an English region ({', '.join(sorted(codes))})"))
            continue
        regions[la_code] = (codes[name], name)
    if problems:
        raise ReturnError(problems)
    return regions


def load_comparators_map(source: object) -> pd.DataFrame:
    """The mapping from dashboard indicators to EES measures, checked; raises ReturnError.

    Text columns as in the file, except `filters`, which is parsed into a dict {column: value}.
    """
    data, file_name = read_bytes(source)
    where = file_name or "comparators map"
    table = _read_table(data, where)
    problems = [Problem(where, 1, name, f"unknown column; the columns are {', '.join(COMPARATORS_MAP_COLUMNS)}")
                for name in table.columns if name not in COMPARATORS_MAP_COLUMNS and name != "_line"]
    problems += [Problem(where, 1, name, "the column is missing")
                 for name in COMPARATORS_MAP_COLUMNS if name not in table.columns]
    if problems:
        raise ReturnError(problems)
    mapping = table[list(COMPARATORS_MAP_COLUMNS)].apply(lambda column: column.str.strip())
    for line, row in zip(table["_line"], mapping.itertuples(index=False)):
        problems += _mapping_row_problems(row, line, where)
    duplicated = mapping.duplicated(["indicator_id", "breakdown"])
    problems += [Problem(where, line, "breakdown", f"{row.indicator_id} '{row.breakdown}' is mapped twice")
                 for line, row in zip(table.loc[duplicated, "_line"], mapping[duplicated].itertuples())]
    if problems:
        raise ReturnError(problems)
    return mapping.assign(filters=mapping["filters"].map(parse_filters)).reset_index(drop=True)


def parse_filters(text: str) -> dict[str, str]:
    """`population_type=Children looked after; breakdown=Total` -> {column: value}; ValueError if malformed."""
    filters = {}
    for part in filter(None, (piece.strip() for piece in str(text).split(";"))):
        name, equals, value = part.partition("=")
        name, value = normalise_name(name), value.strip()
        if not equals or not name or not value:
            raise ValueError(f"'{part}' is not column=value (join several with '; ')")
        if name in filters:
            raise ValueError(f"the filter column {name} appears twice")
        filters[name] = value
    return filters


def _read_table(data: bytes, where: str) -> pd.DataFrame:
    """The CSV's cells as text under normalised column names, with `_line` (file line, header = 1)."""
    if sniff_format(data, where) != "csv":
        raise ReturnError([Problem(where, None, None, "this is an Excel workbook, not a CSV file: download "
                                                      "the data as CSV from Explore Education Statistics")])
    text = decode_text(data)
    try:
        cells = pd.read_csv(io.StringIO(text), header=None, dtype="str", keep_default_na=False,
                            skip_blank_lines=False)
    except pd.errors.ParserError:
        raise ReturnError(_ragged_line_problems(text, where)) from None
    header = [normalise_name(name) for name in cells.iloc[0]]
    body = cells.iloc[1:].set_axis(header, axis=1)
    has_cells = [body.iloc[:, i].ne("").any() for i in range(len(header))]
    problems = [Problem(where, 1, column_letter(i), "the column has no name")
                for i, name in enumerate(header) if not name and has_cells[i]]
    problems += [Problem(where, 1, name, "the column appears twice")
                 for name in sorted({name for name in header if name and header.count(name) > 1})]
    if problems:
        raise ReturnError(problems)
    body = body.loc[:, [bool(name) for name in header]]
    body.insert(0, "_line", body.index + 1)
    return body[body.drop(columns="_line").ne("").any(axis=1)]


def _ragged_line_problems(text: str, where: str) -> list[Problem]:
    """A problem for every line with more cells than the header (pandas stops at the first)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    width = len(next(reader, []))
    return [Problem(where, reader.line_num, None,
                    f"the line has {len(row)} cells but the header has {width}: "
                    "a name with a comma may have lost its quotes")
            for row in reader if len(row) > width] or [Problem(where, None, None, "this is not a readable CSV file")]


def _require_columns(table: pd.DataFrame, where: str, names: tuple[str, ...]) -> None:
    """Raise ReturnError naming every required column the file lacks."""
    missing = [name for name in names if name not in table.columns]
    if missing:
        raise ReturnError([Problem(where, 1, name, "the column is missing: this does not look like an "
                                                   "Explore Education Statistics data file") for name in missing])


def _is_identifier(name: str) -> bool:
    """Whether a column is EES time or geography, which is never a value even when it holds digits."""
    return name in _IDENTIFIER_COLUMNS or name.endswith(_IDENTIFIER_SUFFIXES)


def _cell_kinds(column: pd.Series) -> tuple[pd.Series, pd.Series]:
    """For each cell: is it a (finite) number; is it a known symbol or blank. `1e400` is no number."""
    text = column.str.strip()
    looks = text.str.fullmatch(_NUMBER)
    finite = np.isfinite(pd.to_numeric(text.where(looks), errors="coerce").astype("float64"))
    return looks & finite, text.str.lower().isin(SYMBOL_MEANINGS) | text.eq("")


def _classify_columns(table: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(value columns, filter columns) in file order, judged from the cells.

    A value column has only numbers and symbols; a column whose filled cells are mostly numbers
    or symbols is also one, and its other cells are reported. Every other text column is a filter.
    """
    values, filters = [], []
    for name in table.columns:
        if name == "_line" or _is_identifier(name):
            continue
        is_number, is_symbol = _cell_kinds(table[name])
        filled = table[name].str.strip().ne("")
        known_filled = ((is_number | is_symbol) & filled).sum()
        (values if (is_number | is_symbol).all() or known_filled * 2 > filled.sum() else filters).append(name)
    return values, filters


def _cell_problems(table: pd.DataFrame, column: str, where: str) -> list[Problem]:
    """A problem for every cell of a value column that is neither a number nor a known symbol."""
    is_number, is_symbol = _cell_kinds(table[column])
    bad = table.loc[~(is_number | is_symbol), ["_line", column]]
    known = ", ".join(SYMBOL_MEANINGS)
    return [Problem(where, int(line), column, f"'{cell}' is not a number or a known symbol ({known})")
            for line, cell in bad.itertuples(index=False)]


def _period_label(time_period: str, time_identifier: str) -> str:
    """Financial-year label of an EES time: `2025` reporting year -> `2024-25`; `202425` -> `2024-25`."""
    text = time_period.strip()
    if re.fullmatch(r"\d{4}", text):
        if time_identifier.strip().lower() != REPORTING_YEAR:
            raise ValueError(f"time period {text} '{time_identifier}' cannot be matched to a financial year: "
                             "only reporting years (to 31 March) and six-digit years such as 202425 can")
        return financial_year_label(int(text) - 1)
    if re.fullmatch(r"\d{6}", text) and parse_period(text).frequency == "year":
        return parse_period(text).label
    raise ValueError(f"'{time_period}' is not an EES time period such as 2025 or 202425")


def _period_labels(table: pd.DataFrame, where: str) -> tuple[pd.Series, list[Problem]]:
    """Each row's financial-year label, and one problem for each time that cannot be read."""
    identifier = table["time_identifier"] if "time_identifier" in table.columns else ""
    keys = table["time_period"] + "\x1f" + identifier
    labels, problems = {}, []
    for key, lines in table["_line"].groupby(keys, sort=False):
        try:
            labels[key] = _period_label(*key.split("\x1f"))
        except ValueError as error:
            more = f" (and {len(lines) - 1} more rows)" if len(lines) > 1 else ""
            problems.append(Problem(where, int(lines.iloc[0]), "time_period", f"{error}{more}"))
    return keys.map(labels).fillna("").astype("str"), problems


def _long_name_problems(table: pd.DataFrame, where: str) -> list[Problem]:
    """A problem for every name longer than names may be (they are shown as headings and in the pack)."""
    problems = []
    for column in ("la_name", "region_name"):
        if column in table.columns:
            long = table.loc[table[column].str.len() > MAX_NAME_CHARS, "_line"]
            problems += [Problem(where, int(line), column, f"the name is longer than {MAX_NAME_CHARS} characters")
                         for line in long]
    return problems


def _la_code_problems(table: pd.DataFrame, where: str) -> list[Problem]:
    """Local authority rows must carry old_la_code: three digits, or a joint return such as `314 / 318`."""
    is_la = table["geographic_level"].str.strip().eq("Local authority")
    if not is_la.any():
        return []
    if "old_la_code" not in table.columns:
        return [Problem(where, 1, "old_la_code", "the column is missing, so local authority rows cannot be matched")]
    return _code_problems(table[is_la], "old_la_code", where, rf"{_LA_CODE}(?:\s*/\s*{_LA_CODE})*")


def _code_problems(table: pd.DataFrame, column: str, where: str, pattern: str = _LA_CODE) -> list[Problem]:
    """A problem for every cell of `column` that does not match `pattern` (a three-digit LA code)."""
    codes = table[column].str.strip()
    bad = ~codes.str.fullmatch(pattern)
    return [Problem(where, int(line), column, f"'{code}' is not a three-digit local authority code")
            for line, code in zip(table.loc[bad, "_line"], codes[bad])]


def _dataset_name(file_name: str) -> str:
    """`c1_..._2025__extract.csv` -> `c1_..._2025`: the file stem without the extract suffix."""
    stem = Path(file_name).stem.lower() if file_name else ""
    return stem.removesuffix("__extract")


def _identify_rows(table: pd.DataFrame, periods: pd.Series, filter_columns: list[str], dataset: str) -> pd.DataFrame:
    """The identifying columns of the output, one row per file row (same index)."""
    def column(name: str) -> pd.Series:
        return table[name].str.strip() if name in table.columns else pd.Series("", index=table.index, dtype="str")
    rows = pd.DataFrame({
        "dataset": pd.Series(dataset, index=table.index, dtype="str"),
        "period": periods,
        "geographic_level": column("geographic_level"),
        "la_code": column("old_la_code"),
        "la_name": column("la_name"),
        "new_la_code": column("new_la_code"),
        "region_code": column("region_code"),
        "region_name": column("region_name"),
        "joint_return": pd.Series("", index=table.index, dtype="str"),
    })
    for name in filter_columns:
        rows[_output_name(name)] = table[name].str.strip()
    return rows


def _output_name(filter_column: str) -> str:
    """A filter's output column: its own name unless that is one of the tidy table's columns."""
    return f"filter_{filter_column}" if filter_column in _RESERVED else filter_column


def _split_joint_returns(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per member of a joint return (`314 / 318`), its name split the same way when it can be."""
    joint = rows["la_code"].str.contains("/", regex=False)
    if not joint.any():
        return rows
    members = rows[joint].copy()
    codes = members["la_code"].str.split("/").map(lambda parts: [part.strip() for part in parts])
    members["joint_return"] = members["la_code"]
    members["la_code"] = codes
    for name in ("la_name", "new_la_code"):
        parts = members[name].str.split("/").map(lambda items: [item.strip() for item in items])
        members[name] = [split if len(split) == len(code) else [whole] * len(code)
                         for split, code, whole in zip(parts, codes, members[name])]
    members = members.explode(["la_code", "la_name", "new_la_code"]).astype({
        "la_code": "str", "la_name": "str", "new_la_code": "str"})
    return pd.concat([rows[~joint], members]).sort_index(kind="stable")


def _drop_joint_rows_published_alone(rows: pd.DataFrame, filter_columns: list[str]) -> pd.DataFrame:
    """Where an authority has its own row as well as a share of a joint return, keep its own."""
    key = ["period", "geographic_level", "la_code", *map(_output_name, filter_columns)]
    own = pd.MultiIndex.from_frame(rows.loc[rows["joint_return"].eq(""), key])
    shadowed = rows["joint_return"].ne("") & pd.MultiIndex.from_frame(rows[key]).isin(own)
    return rows[~shadowed.to_numpy()]


def _neighbour_model(source: object) -> pd.DataFrame:
    """DfE's statistical neighbour model as la_code, la_name, rank, neighbour_code, closeness."""
    data, file_name = read_bytes(source)
    where = file_name or "statistical neighbour file"
    table = _read_table(data, where)
    _require_columns(table, where, ("old_la_code", "la_name"))
    ranks = sorted((int(match[1]) for name in table.columns if (match := _SN_CODE.match(name))))
    if not ranks:
        raise ReturnError([Problem(where, 1, "SN_1", "there are no neighbour columns SN_1, SN_2, ...")])
    problems = _code_problems(table, "old_la_code", where)
    for rank in ranks:
        problems += _code_problems(table, f"sn_{rank}", where, rf"(?:{_LA_CODE})?")
    if problems:
        raise ReturnError(problems)
    long = pd.concat([
        pd.DataFrame({"_line": table["_line"], "la_code": table["old_la_code"].str.strip(),
                      "la_name": table["la_name"].str.strip(), "rank": rank,
                      "neighbour_code": table[f"sn_{rank}"].str.strip(),
                      "closeness": table[f"sn_{rank}p"].str.strip() if f"sn_{rank}p" in table.columns else ""})
        for rank in ranks])
    long = long[long["neighbour_code"].ne("")].sort_values(["_line", "rank"], kind="stable")
    return long.drop(columns="_line").reset_index(drop=True)


def _mapping_row_problems(row, line: int, where: str) -> list[Problem]:
    """What is wrong with one row of the comparators map."""
    problems = []
    if not row.indicator_id:
        problems.append(Problem(where, line, "indicator_id", "the indicator id is blank"))
    if not row.measure:
        problems.append(Problem(where, line, "measure", "the measure is blank"))
    try:
        parse_filters(row.filters)
    except ValueError as error:
        problems.append(Problem(where, line, "filters", str(error)))
    if row.polarity_override and row.polarity_override not in POLARITIES:
        problems.append(Problem(where, line, "polarity_override",
                                f"'{row.polarity_override}' is not one of {', '.join(POLARITIES)} (or blank)"))
    if row.reference not in REFERENCES:
        problems.append(Problem(where, line, "reference", f"'{row.reference}' is not one of "
                                                          f"{', '.join(REFERENCES)}: say what date the figure is for"))
    if set(re.findall(r"\{([^}]*)\}", row.source_label)) - set(SOURCE_PLACEHOLDERS):
        allowed = "; ".join(f"{{{name}}} ({meaning})" for name, meaning in SOURCE_PLACEHOLDERS.items())
        problems.append(Problem(where, line, "source_label", f"the only placeholders allowed are {allowed}"))
    return problems
