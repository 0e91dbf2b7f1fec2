"""Pieces of page the app repeats: banners, the key, RAG badges, summary tables and indicator cards.

Every piece of text that comes from a return or from commentary passes through `esc`, so
nothing an officer types can become markup or script on the page.
"""
from __future__ import annotations

import datetime as dt
import html

import pandas as pd
import streamlit as st

import app_state
import disclosure
import indicators
import spc

from data_loaders import SYMBOL_MEANINGS
from periods import Period, parse_period
from units import counts_text, format_count, format_value, format_value_parts

RAG_LABELS = {"red": "Red", "amber": "Amber", "green": "Green", "no target": "No target", "no data": "No data"}
RAG_SYMBOLS = {"red": "✖", "amber": "▲", "green": "✔", "no target": "–", "no data": "?"}

CSS = """
<style>
:root { --ink: #0b0c0c; --muted: #505a5f; --line: #b1b4b6; }
.rag { display:inline-block; padding:2px 10px; border-radius:4px; font-weight:700; font-size:0.95rem;
       white-space:nowrap; border:2px solid transparent; }
.rag-red { background:#b10e1e; color:#fff; }
.rag-amber { background:#ffdd00; color:#0b0c0c; border-color:#594d00; }
.rag-green { background:#00703c; color:#fff; }
.rag-no-target { background:#fff; color:#383f43; border-color:#505a5f; }
.rag-no-data { background:#f3f2f1; color:#383f43; border-color:#b1b4b6; border-style:dashed; }
.dir { white-space:nowrap; font-weight:600; }
.dir-improving { color:#005a30; } .dir-worsening { color:#942514; }
.dir-up, .dir-down, .dir-no-change { color:#383f43; }
.muted { color:var(--muted); }
table.summary { width:100%; border-collapse:collapse; font-size:1rem; margin-bottom:0.5rem; }
table.summary caption { text-align:left; font-weight:700; font-size:1.15rem; padding:0.4rem 0; color:var(--ink); }
table.summary th { text-align:left; border-bottom:2px solid var(--ink); padding:6px 8px; font-size:0.9rem; }
table.summary td { border-bottom:1px solid var(--line); padding:6px 8px; vertical-align:top; }
table.summary td.num, table.summary th.num { text-align:right; white-space:nowrap; }
.value-big { font-size:1.05rem; font-weight:700; }
.key { border-left:5px solid #1d70b8; background:#f3f7fb; padding:0.6rem 0.9rem; margin:0.3rem 0 1rem 0;
       font-size:0.95rem; }
.key span.rag { margin-right:4px; }
.tiles { display:flex; flex-wrap:wrap; gap:10px; margin:0.5rem 0 1rem 0; }
.tile { border:1px solid var(--line); border-radius:6px; padding:8px 12px; min-width:220px; flex:1 1 220px;
        background:#fff; }
.tile h4 { margin:0 0 6px 0; font-size:1rem; }
.tile .rag { margin-right:4px; margin-bottom:3px; font-size:0.85rem; }
.card-head { display:flex; flex-wrap:wrap; align-items:baseline; gap:14px; }
.card-value { font-size:2.1rem; font-weight:700; line-height:1.1; }
.card-counts { font-size:1.05rem; color:var(--ink); }
.card-facts { margin:0.3rem 0; font-size:0.98rem; }
.card-facts div { margin:2px 0; }
.commentary { border-left:5px solid #505a5f; background:#f8f8f8; padding:0.5rem 0.8rem; margin:0.4rem 0;
              white-space:pre-wrap; font-size:1rem; }
.commentary .who { display:block; font-size:0.85rem; color:var(--muted); margin-top:0.3rem; }
.needs-words { border-left:5px solid #b10e1e; background:#fdf2f2; padding:0.5rem 0.8rem; font-weight:600; }
.banner-demo { background:#fff7bf; border:2px solid #594d00; padding:0.45rem 0.8rem; border-radius:4px;
               font-weight:600; margin-bottom:0.4rem; }
.asat { font-size:1rem; color:var(--muted); margin-top:-0.4rem; }
.attention-item { border:1px solid var(--line); border-left:6px solid #1d70b8; border-radius:4px;
                  padding:0.6rem 0.9rem; margin-bottom:0.7rem; background:#fff; }
.attention-head { font-size:1.1rem; margin-bottom:0.2rem; }
.reason { display:inline-block; background:#eef2f6; border:1px solid #b1b4b6; border-radius:3px;
          padding:1px 7px; margin:4px 6px 4px 0; font-size:0.9rem; font-weight:600; }
.spc { display:inline-block; padding:1px 9px; border-radius:12px; font-size:0.9rem; font-weight:600;
       border:2px solid; margin-right:6px; white-space:nowrap; }
.spc-common { border-color:#7f7f7f; color:#404040; background:#f2f2f2; }
.spc-improve { border-color:#0070a0; color:#00405c; background:#e0f6fd; }
.spc-concern { border-color:#b35300; color:#6b3100; background:#fdeee2; }
.spc-neutral { border-color:#490092; color:#490092; background:#f1e6fa; }
</style>
"""


def esc(text: object) -> str:
    """Text from data, safe to place in HTML."""
    return html.escape("" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text))


def inject_css() -> None:
    """The app's shared styles."""
    st.html(CSS)


def rag_badge(rag: str, count: int | None = None) -> str:
    """A RAG status as a badge with a word and a symbol, never colour alone (optionally with a count)."""
    slug = rag.replace(" ", "-")
    text = RAG_LABELS[rag] + ("" if count is None else f": {count}")
    return (f'<span class="rag rag-{slug}"><span aria-hidden="true">{RAG_SYMBOLS[rag]}</span> '
            f"{esc(text)}</span>")


def direction_html(direction: str, moved: str, compared_with: str = "") -> str:
    """An arrow for which way the figure moved and a word for whether that is better or worse."""
    if not direction:
        return '<span class="muted">no earlier figure</span>'
    arrow, word = indicators.change_words(direction, moved).split(" ", 1)
    suffix = f' <span class="muted">{esc(compared_with)}</span>' if compared_with else ""
    return (f'<span class="dir dir-{direction.replace(" ", "-")}"><span aria-hidden="true">{arrow}</span> '
            f"{esc(word)}</span>{suffix}")


def changes_html(row: pd.Series, previous: str, last_year: str) -> tuple[str, str]:
    """The change since the previous period and since the same period last year, with the earlier figures."""
    return (direction_html(row["direction"], row["movement"], f"from {previous}" if row["direction"] else ""),
            direction_html(row["last_year_direction"], row["last_year_movement"],
                           f"from {last_year}" if row["last_year_direction"] else ""))


def months_behind(latest: pd.Timestamp | None, today: dt.date | None = None) -> int:
    """Whole months between the data's latest month and this month."""
    if latest is None:
        return 0
    today = today or dt.date.today()
    return (today.year - latest.year) * 12 + today.month - latest.month


def data_as_at(latest: pd.Timestamp | None) -> str:
    """'Data as at October 2026'."""
    if latest is None:
        return "No data loaded"
    return f"Data as at {Period(latest.year, latest.month).display()}"


def page_banners(data, editing_note: str = "") -> None:
    """Demo-data and stale-data notices, and whether editing is open to anyone."""
    if data.is_demo:
        st.html('<div class="banner-demo" role="status">Demo data: figures for a fictional authority. '
                "Upload a return to replace them.</div>")
    behind = months_behind(data.ret.latest_month)
    if behind > 2:
        st.warning(f"The latest figures are for {Period(data.ret.latest_month.year, data.ret.latest_month.month).display()}, "
                   f"{behind} months ago. Upload a newer return so members see current data.", icon=":material/warning:")
    if editing_note:
        st.info(editing_note, icon=":material/lock_open:")


def key_html() -> str:
    """What the colours and arrows mean."""
    return (
        '<div class="key"><strong>Key.</strong> '
        f"{rag_badge('green')} meets or beats the target. "
        f"{rag_badge('amber')} short of the target but within the agreed tolerance. "
        f"{rag_badge('red')} outside the tolerance. "
        f"{rag_badge('no target')} no target set (for example, a count we monitor). "
        "RAG is judged on the figure as shown (percentages to one decimal place).<br>"
        "<strong>Arrows</strong> show whether the figure went up or down compared with the previous period of the same "
        "kind (the previous month, quarter or year) and, in the last column, the same period a year earlier; "
        "the word says whether that is <em>better</em> (Improving) or <em>worse</em> (Worsening) for children. "
        "Counts (n of N) show how many children or cases a percentage is based on.</div>")


def rag_tiles_html(summary: pd.DataFrame) -> str:
    """One tile per dashboard with its count of red, amber and green indicators."""
    tiles = []
    for dashboard, rows in summary.groupby("dashboard", sort=False):
        counts = rows["rag"].value_counts()
        badges = " ".join(rag_badge(rag, int(counts[rag])) for rag in ("red", "amber", "green", "no target")
                          if counts.get(rag, 0))
        tiles.append(f'<div class="tile"><h4>{esc(dashboard)}</h4>{badges}</div>')
    return f'<div class="tiles">{"".join(tiles)}</div>'


def figure_cells(row: pd.Series, public: bool = False) -> tuple[str, str]:
    """The value as shown and its counts, with `c` where suppressed in public view."""
    if public and row.get("value_c", False):
        value = "c"
    else:
        value = format_value(row["value"], row["unit"])
    counts = counts_text(row["numerator"], row["denominator"], row["unit"],
                         (bool(row.get("numerator_c", False)), bool(row.get("denominator_c", False)))
                         if public else (False, False))
    return value, counts


def summary_table_html(rows: pd.DataFrame, caption: str, public: bool = False) -> str:
    """An accessible table of a dashboard's indicators: value, counts, target, RAG and direction."""
    body = []
    for _, row in rows.iterrows():
        value, counts = figure_cells(row, public)
        target = format_value(row["target"], row["unit"]) if not pd.isna(row["target"]) else "—"
        partial = "" if row["complete"] or pd.isna(row["value"]) else \
            f'<br><span class="muted">{esc(row["period_display"])}</span>'
        previous = ("c" if public and row.get("previous_value_c", False)
                    else format_value(row["previous_value"], row["unit"]))
        last_year = ("c" if public and row.get("last_year_value_c", False)
                     else format_value(row["last_year_value"], row["unit"]))
        since_previous, since_last_year = changes_html(row, previous, last_year)
        body.append(
            "<tr>"
            f'<td>{esc(row["title"])} <span class="muted">({esc(row["indicator_id"])})</span>{partial}</td>'
            f'<td class="num"><span class="value-big">{esc(value)}</span></td>'
            f'<td class="num">{esc(counts)}</td>'
            f'<td class="num">{esc(target)}</td>'
            f'<td>{rag_badge(row["rag"])}</td>'
            f'<td>{since_previous}</td>'
            f'<td>{since_last_year}</td>'
            "</tr>")
    return ('<table class="summary">'
            f"<caption>{esc(caption)}</caption>"
            '<thead><tr><th scope="col">Indicator</th><th scope="col" class="num">Value</th>'
            '<th scope="col" class="num">Count (n of N)</th><th scope="col" class="num">Target</th>'
            '<th scope="col">RAG</th><th scope="col">Since previous period</th>'
            '<th scope="col">Since same period last year</th></tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def commentary_html(entry: pd.Series | None, label: str = "Commentary") -> str:
    """An officer's narrative, escaped, with who wrote it and for which period."""
    if entry is None:
        return ""
    who = ", ".join(part for part in (esc(entry.get("author", "")), esc(entry.get("period_display", ""))) if part)
    return (f'<div class="commentary" role="note" aria-label="{esc(label)}">{esc(entry["text"])}'
            f'{f"<span class=who>{who}</span>" if who else ""}</div>')


def small_number_html(row: pd.Series, public: bool = False) -> str:
    """A warning when a percentage rests on few cases, with its 95% interval (officers' view)."""
    if public or not indicators.is_small_denominator(row["denominator"], row["unit"]):
        return ""
    words = f"Based on only {format_count(row['denominator'])} cases: treat with caution"
    if row["unit"] == "percent":
        low, high = indicators.wilson_interval(row["numerator"], row["denominator"])
        words += f" (95% interval {low:.1f}% to {high:.1f}%)"
    return f'<div class="muted"><strong>Small number.</strong> {esc(words)}.</div>'


def indicator_card_html(row: pd.Series, public: bool = False) -> str:
    """The headline figures of one indicator: value, counts, target, RAG and both comparisons."""
    value, counts = figure_cells(row, public)
    target = f"Target {format_value(row['target'], row['unit'])}" if not pd.isna(row["target"]) else "No target set"
    tolerance = (f" (amber within {format_value(row['amber_tolerance'], row['unit'], with_unit=False)})"
                 if not pd.isna(row["amber_tolerance"]) and not pd.isna(row["target"]) else "")
    previous = "c" if public and row.get("previous_value_c", False) else format_value(row["previous_value"], row["unit"])
    last_year = "c" if public and row.get("last_year_value_c", False) else format_value(row["last_year_value"], row["unit"])
    since_previous, since_last_year = changes_html(row, previous, last_year)
    return (
        '<div class="card-head">'
        f'<span class="card-value">{esc(value)}</span>'
        f'<span class="card-counts">{esc(counts)}</span>{rag_badge(row["rag"])}</div>'
        '<div class="card-facts">'
        f'{small_number_html(row, public)}'
        f'<div>{esc(row["period_display"])} · {esc(target)}{esc(tolerance)}</div>'
        f'<div>Since previous period: {since_previous}</div>'
        f'<div>Since same period last year: '
        f'{since_last_year}</div>'
        "</div>")


VARIATION_BADGES = {  # icon -> (css class, short words)
    "common_cause": ("spc-common", "Common cause"),
    "improvement_high": ("spc-improve", "Improvement (high)"),
    "improvement_low": ("spc-improve", "Improvement (low)"),
    "concern_high": ("spc-concern", "Concern (high)"),
    "concern_low": ("spc-concern", "Concern (low)"),
    "neutral_high": ("spc-neutral", "Special cause (high)"),
    "neutral_low": ("spc-neutral", "Special cause (low)"),
}
ASSURANCE_BADGES = {
    "consistent_pass": ("spc-improve", "Will consistently meet target"),
    "consistent_fail": ("spc-concern", "Will consistently miss target"),
    "inconsistent": ("spc-common", "May meet or miss target"),
}


def spc_badges_html(variation: str | None, assurance: str | None) -> str:
    """Making Data Count variation and assurance icons as labelled badges with their meaning on hover."""
    parts = []
    if isinstance(variation, str):
        css, words = VARIATION_BADGES[variation]
        parts.append(f'<span class="spc {css}" title="{esc(spc.VARIATION_TEXT[variation])}">Variation: {esc(words)}</span>')
    if isinstance(assurance, str):
        css, words = ASSURANCE_BADGES[assurance]
        parts.append(f'<span class="spc {css}" title="{esc(spc.ASSURANCE_TEXT[assurance])}">Assurance: {esc(words)}</span>')
    return "".join(parts)


SPC_EXPLAINER = """
**How to read the SPC (statistical process control) charts.** Following NHS England's *Making Data Count*,
each monthly figure is a dot. The solid grey line is the average; the dashed lines are the *process limits*,
the range the figure would normally wander within if nothing has changed. Dots are **grey** when the
movement is ordinary noise (*common cause*): there is no evidence of a real change, even if the figure went
up or down. A dot turns **blue** (improvement) or **orange** (concern) when something has really changed
(*special cause*): a point outside the limits, seven points in a row on one side of the average or moving the
same way, or two of three points near a limit. **Purple** marks a real change where neither direction is better.
The *assurance* badge says whether, if nothing changes, the target will be met every month, missed every
month, or sometimes met and sometimes missed. SPC needs at least 13 monthly figures, and is not drawn for
rolling 12-month measures, whose months overlap.
"""


def _chart(spec: dict, key: str) -> None:
    """Draw a cached Vega-Lite spec with its text alternative."""
    st.vega_lite_chart(spec=spec, width="stretch", key=key)


def indicator_section(data, row: pd.Series, frequency: str, period: Period, public: bool) -> None:
    """One indicator: headline figures, icons, commentary and definition beside its charts and data."""
    view = app_state.indicator_view(data, data.token, row["indicator_id"], frequency, period.label, public,
                                    app_state.authority_code(data), app_state.neighbour_average(data))
    with st.container(border=True):
        st.subheader(f"{row['title']}", anchor=row["indicator_id"].lower())
        left, right = st.columns([2, 3], gap="large")
        with left:
            st.html(indicator_card_html(row, public) + spc_badges_html(view["variation"], view["assurance"]))
            entry = indicators.commentary_for(data.ret.commentary, period, indicator_id=row["indicator_id"])
            if entry is not None:
                st.html(commentary_html(entry))
            elif row["rag"] == "red" and not public:
                st.html('<div class="needs-words">Red with no explanation yet: write commentary before the '
                        "meeting.</div>")
            facts = f"<strong>Definition.</strong> {esc(row['definition'])}"
            if row["source"]:
                facts += f" <strong>Source:</strong> {esc(row['source'])}."
            st.html(f'<p class="muted" style="font-size:0.95rem">{facts}</p>')
            if row["comparator_note"]:
                st.caption(row["comparator_note"])
            comparator_panel(data, view["comparator"], row["unit"])
        with right:
            names = ["Trend"] + (["Breakdown"] if "breakdown" in view else []) + ["SPC"] + \
                (["Same month each year"] if "seasonal" in view else []) + ["Data"]
            tabs = dict(zip(names, st.tabs(names)))
            key = f"{row['indicator_id']}_{frequency}_{public}"
            with tabs["Trend"]:
                _chart(view["trend"], f"trend_{key}")
            if "breakdown" in view:
                with tabs["Breakdown"]:
                    _chart(view["breakdown"], f"breakdown_{key}")
            with tabs["SPC"]:
                if "spc" in view:
                    _chart(view["spc"], f"spc_{key}")
                    st.caption("Grey: common cause. Blue: improvement. Orange: concern. Purple: change where "
                               "neither direction is better. Dashed lines: process limits.")
                else:
                    st.info(view["spc_reason"])
            if "seasonal" in view:
                with tabs["Same month each year"]:
                    _chart(view["seasonal"], f"seasonal_{key}")
            with tabs["Data"]:
                st.dataframe(view["table"], hide_index=True, width="stretch")


def dashboard_overview(data, rows: pd.DataFrame, frequency: str, period: Period, public: bool = False,
                       headlines: bool = True) -> None:
    """Dashboard 7's answers on one screen: children and incidents, home and care, how long, interviews.

    Without `headlines` the incident, children and interview figures are left to the tiles beside it.
    """
    ids = set(rows["indicator_id"])
    if not {"MFH01", "MFH02"} <= ids:
        return
    shown_period = rows.loc[rows["indicator_id"] == "MFH01", "period"].iloc[0]
    here = app_state.period_slice(data.ret, data.token, frequency, shown_period)
    here = here[here["indicator_id"].str.startswith("MFH")]
    if public:
        here = disclosure.suppress(here, group=["indicator_id", "period"])

    def figure(indicator_id: str, breakdown: str = "") -> str:
        match = here[(here["indicator_id"] == indicator_id) & (here["breakdown"] == breakdown)]
        if match.empty:
            return "—"
        item = match.iloc[0]
        value = "c" if public and item.get("value_c", False) else format_value(item["value"], item["unit"])
        counts = counts_text(item["numerator"], item["denominator"], item["unit"],
                             (bool(item.get("numerator_c", False)), bool(item.get("denominator_c", False)))
                             if public else (False, False))
        return f"{value} ({counts})" if counts and item["unit"] == "percent" else value

    st.subheader(f"Missing from home and care: {parse_display(shown_period)}")
    first, second, third, fourth = st.columns(4) if headlines else (None, *st.columns(2), None)
    if headlines:
        _overview_headlines(first, fourth, figure, ids)
    settings = [b for b in ("From home", "From care", "Missing", "Away without authorisation")
                if not here[(here["indicator_id"] == "MFH01") & (here["breakdown"] == b)].empty]
    second.html('<table class="summary"><caption>Home or care</caption><thead><tr><th scope="col"></th>'
                '<th scope="col" class="num">Incidents</th><th scope="col" class="num">Children</th></tr></thead><tbody>'
                + "".join(f'<tr><td>{esc(b)}</td><td class="num">{esc(figure("MFH01", b))}</td>'
                          f'<td class="num">{esc(figure("MFH02", b))}</td></tr>' for b in settings)
                + "</tbody></table>")
    bands = ["Under 24 hours", "1 to 7 days", "Over 7 days", "Still missing"]
    third.html('<table class="summary"><caption>How long they were missing</caption><tbody>'
               + "".join(f'<tr><td>{esc(b)}</td><td class="num">{esc(figure("MFH05", b))}</td></tr>' for b in bands)
               + f'<tr><td>Median length</td><td class="num">{esc(figure("MFH06"))} hours</td></tr></tbody></table>')


def _overview_headlines(first, fourth, figure, ids: set[str]) -> None:
    """The incident, children and return-interview figures of dashboard 7's overview."""
    first.metric("Missing incidents", figure("MFH01"), border=True,
                 help="Each time a child went missing, counted in the month it started.")
    first.metric("Children who went missing", figure("MFH02"), border=True,
                 help="Each child counted once in each month one of their incidents started.")
    first.caption(f"Children missing more than once: {figure('MFH03')} · incidents per child: {figure('MFH04')}")
    if "MFH07" in ids:
        fourth.metric("Interviews within 72 hours", figure("MFH07"), border=True,
                      help="Of children who returned, the share interviewed within 72 hours of coming back.")
    if "MFH08" in ids:
        fourth.caption(f"Offered an interview: {figure('MFH08')}")


def parse_display(label: str) -> str:
    """A period label in words."""
    return parse_period(label).display()


def _published(value: float, symbol: str, unit: str) -> str:
    """A published figure, or its DfE symbol with what it means."""
    if not pd.isna(value):
        return esc(format_value(value, unit))
    if symbol and symbol != "blank":
        meaning = SYMBOL_MEANINGS.get(symbol, "not published")
        return f'<abbr title="{esc(meaning)}">{esc(symbol)}</abbr> <span class="muted">({esc(meaning)})</span>'
    return "—"


def comparator_rows_html(rows: pd.DataFrame, unit: str, average: str, region: str = "Region") -> str:
    """Published comparators by year: this authority, England, region, neighbours, rank and quartile."""
    body = "".join(
        f"<tr><td>{esc(row.period)}</td><td class='num'>{_published(row.la_value, row.la_symbol, unit)}</td>"
        f"<td class='num'>{_published(row.england, row.england_symbol, unit)}</td>"
        f"<td class='num'>{_published(row.region, row.region_symbol, unit)}</td>"
        f"<td class='num'>{_published(getattr(row, f'sn_{average}'), '', unit)}"
        f"{'' if pd.isna(row.sn_count) or not row.sn_count else f' <span class=muted>({int(row.sn_count)} of 10)</span>'}</td>"
        f"<td class='num'>{'' if pd.isna(row.rank) else f'{int(row.rank)} of {int(row.n_las)}'}</td>"
        f"<td>{esc(row.quartile)}</td></tr>"
        for row in rows.itertuples(index=False))
    return ('<table class="summary"><thead><tr><th scope="col">Year</th><th scope="col" class="num">This authority '
            f'(published)</th><th scope="col" class="num">England</th><th scope="col" class="num">{esc(region)}</th>'
            f'<th scope="col" class="num">Statistical neighbours ({average})</th><th scope="col" class="num">Rank</th>'
            f'<th scope="col">Quartile (A best)</th></tr></thead><tbody>{body}</tbody></table>')


def comparator_card_html(latest: pd.Series, unit: str, average: str, region: str) -> str:
    """The latest published comparators for an indicator's card, one line each."""
    lines = [("This authority (published)", _published(latest["la_value"], latest["la_symbol"], unit))]
    if unit != "count":  # a national or regional total says nothing about one authority's count
        lines += [("England", _published(latest["england"], latest["england_symbol"], unit)),
                  (region, _published(latest["region"], latest["region_symbol"], unit))]
    if not pd.isna(latest["sn_count"]) and latest["sn_count"] > 0:
        lines.append((f"Statistical neighbours ({average} of {int(latest['sn_count'])})",
                      _published(latest[f"sn_{average}"], "", unit)))
    if not pd.isna(latest["rank"]):
        lines.append(("Rank", f"{int(latest['rank'])} of {int(latest['n_las'])} · quartile {esc(latest['quartile'])} "
                              '<span class="muted">(A best)</span>'))
    rows = "".join(f"<tr><td>{esc(label)}</td><td class='num'>{value}</td></tr>" for label, value in lines
                   if value != "—")
    if not rows:
        return ""
    return (f'<table class="summary"><caption style="font-size:1rem">Published {esc(latest["period"])}</caption>'
            f"<tbody>{rows}</tbody></table>")


def comparator_panel(data, latest: pd.Series | None, unit: str) -> None:
    """The latest published comparators for an indicator, with the source named."""
    if latest is None:
        return
    region = app_state.region_name(app_state.store_token(data), data.ret.about.get("region_code") or "E12000008")
    card = comparator_card_html(latest, unit, app_state.neighbour_average(data), region)
    if card:
        st.html(card)
        st.caption(f"Source: {latest['source']}. Published figures are for the year to 31 March.")


def attention_html(rows: pd.DataFrame, public: bool = False) -> str:
    """The "needs attention" list: each indicator's figures, why it is listed and what officers say."""
    if rows.empty:
        return '<p class="value-big">No indicator is red, worsening for two periods or flagged by SPC.</p>'
    items = []
    for _, row in rows.iterrows():
        value, counts = figure_cells(row, public)
        reasons = " ".join(f'<span class="reason">{esc(reason)}</span>' for reason in row["reasons"]
                           if not reason.startswith("SPC:"))  # the SPC badges below say these
        reasons += " " + spc_badges_html(row.get("variation"), row.get("assurance"))
        entry = row["commentary"]
        words = (commentary_html(entry) if entry is not None else
                 '<div class="needs-words">No explanation yet: officers to add commentary before the meeting.</div>'
                 if row["rag"] == "red" else '<p class="muted">No commentary.</p>')
        target = f"target {format_value(row['target'], row['unit'])} · " if not pd.isna(row["target"]) else ""
        items.append(
            f'<div class="attention-item"><div class="attention-head"><strong>{esc(row["title"])}</strong>'
            f' <span class="muted">{esc(row["dashboard"])}</span></div>'
            f'<div class="card-head"><span class="card-value">{esc(value)}</span>'
            f'<span class="card-counts">{esc(counts)}</span>{rag_badge(row["rag"])}'
            f'<span class="muted">{esc(target)}{esc(row["period_display"])}</span></div>'
            f'<div class="reasons">{reasons}</div>{words}</div>')
    return '<div class="attention">' + "".join(items) + "</div>"


PRESENT_CSS = """
<style>
html { font-size: 18px; }
header[data-testid="stHeader"], [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stToolbar"], [data-testid="stDecoration"], footer { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding: 0.8rem 1.6rem 0.4rem 1.6rem !important;
  max-width: 100% !important; }
.present-top { display:flex; justify-content:space-between; align-items:flex-end; border-bottom:4px solid #1d70b8;
  padding-bottom:0.3rem; margin-bottom:0.4rem; }
.present-top h1 { font-size:2.1rem; margin:0; padding:0; line-height:1.15; }
.present-top .where { font-size:1.15rem; color:#0b0c0c; text-align:right; line-height:1.35; }
.tile-grid { display:grid; grid-template-columns:repeat(4, 1fr); gap:12px; }
.ptile { border:2px solid #b1b4b6; border-radius:6px; padding:0.45rem 0.7rem 0.2rem 0.7rem; background:#fff;
  min-height:10.5rem; }
.ptile h3 { font-size:1.05rem; margin:0 0 0.2rem 0; padding:0; line-height:1.2; min-height:2.5em; }
.ptile .big { font-size:2.3rem; font-weight:700; line-height:1.05; }
.ptile .small { font-size:0.95rem; }
.present-side .commentary { font-size:1.05rem; }
.present-side h2 { font-size:1.3rem; margin:0.2rem 0; padding:0; }
.present-attention { display:grid; grid-template-columns:repeat(3, 1fr); gap:12px; }
.present-attention .attention-item { margin:0; font-size:1.0rem; }
.present-attention .card-value { font-size:2.0rem; }
.present-attention .commentary { font-size:0.95rem; }
</style>
"""


def present_header(title: str, authority: str, period: Period, as_at: str, position: str) -> str:
    """Committee mode's top line: what this screen is, for which period, and how fresh the data is."""
    return (f'<div class="present-top"><div><div class="muted" style="font-size:1.05rem">{esc(authority)}</div>'
            f"<h1>{esc(title)}</h1></div><div class=\"where\"><strong>{esc(period.display())}</strong><br>"
            f"{esc(as_at)} · {esc(position)}</div></div>")


def present_tile_html(row: pd.Series, variation: str | None = None) -> str:
    """A large-type tile for one indicator: value, counts, RAG, direction and SPC icon (figures suppressed)."""
    value, counts = figure_cells(row, public=True)
    number, unit_words = (value, "") if value == disclosure.SYMBOL else format_value_parts(row["value"], row["unit"])
    target = f"target {format_value(row['target'], row['unit'])}" if not pd.isna(row["target"]) else ""
    since = direction_html(row["direction"], row["movement"], "since previous period" if row["direction"] else "")
    return (f'<div class="ptile"><h3>{esc(row["title"])}</h3>'
            f'<div class="card-head"><span class="big">{esc(number)}</span>{rag_badge(row["rag"])}</div>'
            f'<div class="small">{esc(" · ".join(part for part in (unit_words, counts, target) if part))}</div>'
            f'<div class="small">{since}</div>{spc_badges_html(variation, None)}</div>')
