"""Pieces of page as HTML strings: badges, the key, summary tables, indicator cards, attention items,
committee tiles and dashboard 7's overview. Pure functions of the engine's report rows.

Every piece of text that comes from a return, a setting or an officer passes through `esc`, so
nothing typed can become markup or script on the page (and HTML is never Markdown). Each
indicator's element carries `data-indicator` (and its figures as `data-*`), so tests can check
that every screen shows the same figure.
"""
from __future__ import annotations

import datetime as dt
import html

import pandas as pd

import disclosure
import indicators
import spc
from benchmarking import published_period_words
from data_loaders import SYMBOL_MEANINGS
from periods import Period
from render.style import (ASSURANCE_WORDS, INK, MUTED, RAG_BORDER, RAG_FILL, RAG_INK, RAG_SYMBOLS, RAG_WORDS,
                          VARIATION_WORDS, spc_class)
from units import counts_text, format_count, format_value, format_value_parts


def _rag_css() -> str:
    """One badge style per RAG status, from the shared colours."""
    return "".join(
        f".rag-{rag.replace(' ', '-')} {{ background:{RAG_FILL[rag]}; color:{RAG_INK[rag]};"
        f" border-color:{RAG_BORDER.get(rag, 'transparent')};"
        f"{' border-style:dashed;' if rag in ('no data', 'withheld') else ''} }}\n" for rag in RAG_WORDS)


CSS = f"""
<style>
:root {{ --ink: {INK}; --muted: {MUTED}; --line: #b1b4b6; }}
.rag {{ display:inline-block; padding:2px 10px; border-radius:4px; font-weight:700; font-size:0.95rem;
       white-space:nowrap; border:2px solid transparent; }}
{_rag_css()}
.dir {{ white-space:nowrap; font-weight:600; }}
.dir-improving {{ color:#005a30; }} .dir-worsening {{ color:#942514; }}
.dir-up, .dir-down, .dir-no-change {{ color:#383f43; }}
.muted {{ color:var(--muted); }}
table.summary {{ width:100%; border-collapse:collapse; font-size:1rem; margin-bottom:0.5rem; }}
table.summary caption {{ text-align:left; font-weight:700; font-size:1.15rem; padding:0.4rem 0; color:var(--ink); }}
table.summary th {{ text-align:left; border-bottom:2px solid var(--ink); padding:6px 8px; font-size:0.9rem; }}
table.summary td {{ border-bottom:1px solid var(--line); padding:6px 8px; vertical-align:top; }}
table.summary td.num, table.summary th.num {{ text-align:right; white-space:nowrap; }}
.value-big {{ font-size:1.05rem; font-weight:700; }}
.key {{ border-left:5px solid #1d70b8; background:#f3f7fb; padding:0.6rem 0.9rem; margin:0.3rem 0 1rem 0;
       font-size:0.95rem; }}
.key span.rag {{ margin-right:4px; }}
.tiles {{ display:flex; flex-wrap:wrap; gap:10px; margin:0.5rem 0 1rem 0; }}
.tile {{ border:1px solid var(--line); border-radius:6px; padding:8px 12px; min-width:220px; flex:1 1 220px;
        background:#fff; }}
.tile h4 {{ margin:0 0 6px 0; font-size:1rem; }}
.tile .rag {{ margin-right:4px; margin-bottom:3px; font-size:0.85rem; }}
.card-head {{ display:flex; flex-wrap:wrap; align-items:baseline; gap:14px; }}
.card-value {{ font-size:2.1rem; font-weight:700; line-height:1.1; }}
.card-counts {{ font-size:1.05rem; color:var(--ink); }}
.card-facts {{ margin:0.3rem 0; font-size:0.98rem; }}
.card-facts div {{ margin:2px 0; }}
.commentary {{ border-left:5px solid #505a5f; background:#f8f8f8; padding:0.5rem 0.8rem; margin:0.4rem 0;
              white-space:pre-wrap; font-size:1rem; }}
.commentary .who {{ display:block; font-size:0.85rem; color:var(--muted); margin-top:0.3rem; }}
.commentary.earlier {{ border-left-style:dashed; background:#fff; color:#383f43; }}
.commentary .earlier-head {{ display:block; font-weight:700; font-size:0.9rem; margin-bottom:0.2rem; }}
.needs-words {{ border-left:5px solid #b10e1e; background:#fdf2f2; padding:0.5rem 0.8rem; font-weight:600; }}
.banner-demo {{ background:#fff7bf; border:2px solid #594d00; padding:0.45rem 0.8rem; border-radius:4px;
               font-weight:600; margin-bottom:0.4rem; }}
.asat {{ font-size:1rem; color:var(--muted); margin-top:-0.4rem; }}
.attention-item {{ border:1px solid var(--line); border-left:6px solid #1d70b8; border-radius:4px;
                  padding:0.6rem 0.9rem; margin-bottom:0.7rem; background:#fff; }}
.attention-head {{ font-size:1.1rem; margin-bottom:0.2rem; }}
.reason {{ display:inline-block; background:#eef2f6; border:1px solid #b1b4b6; border-radius:3px;
          padding:1px 7px; margin:4px 6px 4px 0; font-size:0.9rem; font-weight:600; }}
.spc {{ display:inline-block; padding:1px 9px; border-radius:12px; font-size:0.9rem; font-weight:600;
       border:2px solid; margin-right:6px; white-space:nowrap; }}
.spc-common {{ border-color:#7f7f7f; color:#404040; background:#f2f2f2; }}
.spc-improve {{ border-color:#0070a0; color:#00405c; background:#e0f6fd; }}
.spc-concern {{ border-color:#b35300; color:#6b3100; background:#fdeee2; }}
.spc-neutral {{ border-color:#490092; color:#490092; background:#f1e6fa; }}
.overview {{ display:grid; grid-template-columns:repeat(auto-fit, minmax(260px, 1fr)); gap:12px; }}
.overview table.summary td:first-child {{ white-space:normal; }}
.plain-title {{ font-size:1.5rem; font-weight:600; margin:0.2rem 0 0.4rem 0; line-height:1.25; }}
</style>
"""

SPC_EXPLAINER = """
**How to read the SPC (statistical process control) charts.** Following NHS England's *Making Data Count*,
each monthly figure is a dot. The solid grey line is the average; the dashed lines are the *process limits*,
the range the figure would normally wander within if nothing has changed. Dots are **grey** when the
movement is ordinary noise (*common cause*): there is no evidence of a real change, even if the figure went
up or down. A dot turns **blue** (improvement) or **orange** (concern) when something has really changed
(*special cause*): a point outside the limits, seven points in a row on one side of the average or moving the
same way, or two of three points near a limit. **Purple** marks a real change where neither direction is better.
The *assurance* badge says whether, if nothing changes, the target will be met every month, missed every
month, or sometimes met and sometimes missed. SPC needs at least {points} monthly figures, and is not drawn for
rolling 12-month measures, whose months overlap.
""".format(points=spc.MIN_POINTS_FOR_SPC)


def esc(text: object) -> str:
    """Text from data, safe to place in HTML."""
    return html.escape("" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text))


def rag_badge(rag: str, count: int | None = None) -> str:
    """A RAG status as a badge with a word and a symbol, never colour alone (optionally with a count)."""
    slug = rag.replace(" ", "-")
    text = RAG_WORDS[rag] + ("" if count is None else f": {count}")
    return (f'<span class="rag rag-{slug}" data-rag="{esc(rag)}"><span aria-hidden="true">{RAG_SYMBOLS[rag]}</span> '
            f"{esc(text)}</span>")


def direction_html(direction: str, moved: str, compared_with: str = "", withheld: bool = False) -> str:
    """An arrow for which way the figure moved and a word for whether that is better or worse.

    `withheld` says there is no direction because a figure compared is withheld, not because none exists."""
    if not direction:
        if withheld:
            return f'<span class="muted">{esc(disclosure.NOT_COMPARED)}</span>'
        return '<span class="muted">no earlier figure to compare</span>'
    arrow, word = indicators.change_words(direction, moved).split(" ", 1)
    suffix = f' <span class="muted">{esc(compared_with)}</span>' if compared_with else ""
    return (f'<span class="dir dir-{direction.replace(" ", "-")}" data-direction="{esc(direction)}">'
            f'<span aria-hidden="true">{arrow}</span> {esc(word)}</span>{suffix}')


def shown_value(row: pd.Series, column: str = "value", public: bool = False) -> str:
    """A figure as shown: `c` where public view withholds it."""
    if public and row.get(f"{column}_c", False):
        return disclosure.SYMBOL
    return format_value(row[column], row["unit"])


def changes_html(row: pd.Series, public: bool = False) -> tuple[str, str]:
    """The change since the previous period and since the same period last year, saying what each compares."""
    out = []
    for when, direction, moved in (("previous", "direction", "movement"),
                                   ("last_year", "last_year_direction", "last_year_movement")):
        words = (f"from {shown_value(row, f'{when}_value', public)} ({row[f'{when}_period']})"
                 if row[direction] else "")
        out.append(direction_html(row[direction], row[moved], words, public and compares_withheld(row, when)))
    return out[0], out[1]


def compares_withheld(row: pd.Series, when: str) -> bool:
    """Whether the figure or the earlier one it is compared with (`previous`, `last_year`) is withheld."""
    return bool(row.get("value_c", False)) or bool(row.get(f"{when}_value_c", False))


def figure_cells(row: pd.Series, public: bool = False) -> tuple[str, str]:
    """The value as shown and its counts, with `c` where suppressed in public view."""
    counts = counts_text(row["numerator"], row["denominator"], row["unit"],
                         (bool(row.get("numerator_c", False)), bool(row.get("denominator_c", False)))
                         if public else (False, False), disclosure.SYMBOL)
    return shown_value(row, "value", public), counts


def _figure_attributes(row: pd.Series, value: str) -> str:
    """The data-* attributes that say which indicator an element shows and what it says."""
    return (f'data-indicator="{esc(row["indicator_id"])}" data-value="{esc(value)}" data-rag="{esc(row["rag"])}"'
            f' data-direction="{esc(row["direction"])}" data-variation="{esc(row.get("spc_variation") or "")}"')


def summary_table_html(rows: pd.DataFrame, caption: str, public: bool = False) -> str:
    """An accessible table of a dashboard's indicators: value, counts, target, RAG and direction."""
    body = []
    for _, row in rows.iterrows():
        value, counts = figure_cells(row, public)
        target = format_value(row["target"], row["unit"]) if not pd.isna(row["target"]) else "—"
        partial = "" if row["complete"] or pd.isna(row["value"]) else \
            f'<br><span class="muted">{esc(row["period_display"])}</span>'
        since_previous, since_last_year = changes_html(row, public)
        body.append(
            f"<tr {_figure_attributes(row, value)}>"
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


def commentary_html(text: str, author: str, written_for: str, label: str = "Commentary", about: str = "") -> str:
    """An officer's current narrative, escaped, with who wrote it and for which period ("" when none).

    `about` names the indicator it explains (as `data-about`) where it stands apart from its figures.
    """
    if not text:
        return ""
    who = ", ".join(esc(part) for part in (author, written_for) if part)
    return (f'<div class="commentary" role="note" aria-label="{esc(label)}" data-commentary="current"'
            f'{f" data-about={chr(34)}{esc(about)}{chr(34)}" if about else ""}>{esc(text)}'
            f'{f"<span class=who>{who}</span>" if who else ""}</div>')


def earlier_commentary_html(row: pd.Series) -> str:
    """Officers' view of commentary written for an earlier period: labelled as earlier, never as current."""
    if not row.get("earlier_commentary"):
        return ""
    who = esc(row["earlier_commentary_author"])
    return (f'<div class="commentary earlier" role="note" data-commentary="earlier">'
            f'<span class="earlier-head">Earlier commentary ({esc(row["earlier_commentary_period"])})</span>'
            f'{esc(row["earlier_commentary"])}{f"<span class=who>{who}</span>" if who else ""}</div>')


def row_commentary_html(row: pd.Series, label: str = "Commentary") -> str:
    """The current commentary of a summary row (or a dashboard's notes)."""
    return commentary_html(row["commentary"], row["commentary_author"], row["commentary_period"], label,
                           row.get("indicator_id", ""))


def unexplained_html(row: pd.Series) -> str:
    """The prompt officers see beside a red indicator with no current commentary."""
    if row["rag"] != "red" or row["explained"]:
        return ""
    return '<div class="needs-words">Red with no explanation yet: write commentary before the meeting.</div>'


def small_number_html(row: pd.Series, public: bool = False) -> str:
    """A warning when a percentage rests on few cases, with its 95% interval (officers' view)."""
    if public or not indicators.is_small_denominator(row["denominator"], row["unit"]):
        return ""
    words = f"Based on only {format_count(row['denominator'])} cases: treat with caution"
    if row["unit"] == "percent":
        low, high = indicators.wilson_interval(row["numerator"], row["denominator"])
        words += f" (95% interval {low:.1f}% to {high:.1f}%)"
    return f'<div class="muted"><strong>Small number.</strong> {esc(words)}.</div>'


def target_words(row: pd.Series) -> str:
    """'Target 60.0% (amber within 5.0)' or 'No target set'."""
    if pd.isna(row["target"]):
        return "No target set"
    tolerance = (f" (amber within {format_value(row['amber_tolerance'], row['unit'], with_unit=False)})"
                 if not pd.isna(row["amber_tolerance"]) else "")
    return f"Target {format_value(row['target'], row['unit'])}{tolerance}"


def indicator_card_html(row: pd.Series, public: bool = False, words: str = "") -> str:
    """The headline figures of one indicator: value, counts, target, RAG, both comparisons and SPC icons,
    then `words` (its commentary, as HTML)."""
    value, counts = figure_cells(row, public)
    since_previous, since_last_year = changes_html(row, public)
    return (
        f'<div class="card" {_figure_attributes(row, value)}><div class="card-head">'
        f'<span class="card-value">{esc(value)}</span>'
        f'<span class="card-counts">{esc(counts)}</span>{rag_badge(row["rag"])}</div>'
        '<div class="card-facts">'
        f'{small_number_html(row, public)}'
        f'<div>{esc(row["period_display"])} · {esc(target_words(row))}</div>'
        f'<div>Since previous period: {since_previous}</div>'
        f'<div>Since same period last year: {since_last_year}</div>'
        f"</div>{spc_badges_html(row['spc_variation'], row['spc_assurance'])}{words}</div>")


def spc_badges_html(variation: str | None, assurance: str | None) -> str:
    """Making Data Count variation and assurance icons as labelled badges with their meaning on hover."""
    parts = []
    if isinstance(variation, str):
        parts.append(f'<span class="spc {spc_class(variation)}" title="{esc(spc.VARIATION_TEXT[variation])}" '
                     f'data-variation="{esc(variation)}">Variation: {esc(VARIATION_WORDS[variation])}</span>')
    if isinstance(assurance, str):
        parts.append(f'<span class="spc {spc_class(assurance)}" title="{esc(spc.ASSURANCE_TEXT[assurance])}" '
                     f'data-assurance="{esc(assurance)}">Assurance: {esc(ASSURANCE_WORDS[assurance])}</span>')
    return "".join(parts)


def months_behind(latest: Period | None, today: dt.date | None = None) -> int:
    """Whole months between the data's latest month and this month."""
    if latest is None:
        return 0
    today = today or dt.date.today()
    return (today.year - latest.year) * 12 + today.month - latest.month


def data_as_at(latest: Period | None) -> str:
    """'Data as at October 2026'."""
    return "No data loaded" if latest is None else f"Data as at {latest.display()}"


def as_at_line(latest: Period | None, period: Period | None) -> str:
    """The line under a page title: how fresh the data is and which period is shown."""
    shown = f" · showing {esc(period.display())}" if period is not None else ""
    return f'<p class="asat">{esc(data_as_at(latest))}{shown}</p>'


def demo_banner() -> str:
    """The notice on every page while the app shows the demo return."""
    return ('<div class="banner-demo" role="status">Demo data: figures for a fictional authority. '
            "Upload a return to replace them.</div>")


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
        "A period still in progress is compared with the same months of the earlier period, named beside the "
        "arrow. Counts (n of N) show how many children or cases a percentage is based on.</div>")


def rag_tiles_html(summary: pd.DataFrame) -> str:
    """One tile per dashboard with its count of red, amber and green indicators."""
    tiles = []
    for dashboard, rows in summary.groupby("dashboard", sort=False):
        counts = rows["rag"].value_counts()
        badges = " ".join(rag_badge(rag, int(counts[rag])) for rag in ("red", "amber", "green", "no target")
                          if counts.get(rag, 0))
        tiles.append(f'<div class="tile"><h4>{esc(dashboard)}</h4>{badges}</div>')
    return f'<div class="tiles">{"".join(tiles)}</div>'


def _published(value: float, symbol: str, unit: str, decimals=None) -> str:
    """A published figure at the places DfE publishes it at, or its DfE symbol with what it means."""
    if not pd.isna(value):
        return esc(format_value(value, unit, decimals=decimals))
    if symbol and symbol != "blank":
        meaning = SYMBOL_MEANINGS.get(symbol, "not published")
        return f'<abbr title="{esc(meaning)}">{esc(symbol)}</abbr> <span class="muted">({esc(meaning)})</span>'
    return "—"


def neighbour_figure(row, average: str) -> tuple[float, str]:
    """The statistical neighbours' figure to show and its average's name: the one chosen, else the other
    (a neighbour figure typed into a return is a mean)."""
    chosen = getattr(row, f"sn_{average}")
    if not pd.isna(chosen):
        return chosen, average
    other = "mean" if average == "median" else "median"
    return getattr(row, f"sn_{other}"), other


def rank_text(rank, n_las, quartile) -> str:
    """'5 of 15 · quartile B' (without a quartile: '5 of 15')."""
    return f"{int(rank)} of {int(n_las)}" + (f" · quartile {quartile}" if quartile else "")


def _rank_words(rank, n_las, quartile, joint_return: str) -> str:
    """The rank as HTML, with the joint return it is ranked as where there is one."""
    return esc(rank_text(rank, n_las, quartile)) + (f' <span class="muted">({esc(joint_return)})</span>'
                                                    if joint_return else "")


def published_facts(latest: pd.Series, unit: str, average: str, region: str) -> list[tuple[str, float, str]]:
    """The latest published figures an indicator's card and its pack page give, as (label, figure, DfE symbol):
    this authority, England and the region (not for counts: a total says nothing about one authority's), and
    the statistical neighbours."""
    facts = [("This authority (published)", latest["la_value"], latest["la_symbol"])]
    if unit != "count":
        facts += [("England", latest["england"], latest["england_symbol"]),
                  (region, latest["region"], latest["region_symbol"])]
    neighbours, used = neighbour_figure(latest, average)
    if not pd.isna(neighbours):
        count = f" of {int(latest['sn_count'])}" if not pd.isna(latest["sn_count"]) and latest["sn_count"] else ""
        facts.append((f"Statistical neighbours ({used}{count})", neighbours, ""))
    return facts


def comparator_rows_html(rows: pd.DataFrame, unit: str, average: str, region: str = "Region") -> str:
    """Published comparators by year, each at DfE's precision and dated as DfE dates it: this authority,
    England, region, neighbours, rank and quartile."""
    body = []
    for row in rows.itertuples(index=False):
        neighbours, used = neighbour_figure(row, average)
        count = '' if pd.isna(row.sn_count) or not row.sn_count else f' <span class=muted>({int(row.sn_count)} of 10)</span>'
        body.append(
            f"<tr><td>{esc(published_period_words(row.period, row.reference))}</td>"
            f"<td class='num'>{_published(row.la_value, row.la_symbol, unit, row.decimals)}</td>"
            f"<td class='num'>{_published(row.england, row.england_symbol, unit, row.decimals)}</td>"
            f"<td class='num'>{_published(row.region, row.region_symbol, unit, row.decimals)}</td>"
            f"<td class='num'>{_published(neighbours, '', unit, row.decimals)}"
            f"{'' if used == average or pd.isna(neighbours) else f' <span class=muted>({used})</span>'}{count}</td>"
            f"<td class='num'>{'' if pd.isna(row.rank) else _rank_words(row.rank, row.n_las, '', row.joint_return)}</td>"
            f"<td>{esc(row.quartile)}</td></tr>")
    return ('<table class="summary"><thead><tr><th scope="col">Published</th><th scope="col" class="num">This '
            'authority</th><th scope="col" class="num">England</th>'
            f'<th scope="col" class="num">{esc(region)}</th>'
            f'<th scope="col" class="num">Statistical neighbours ({esc(average)})</th><th scope="col" class="num">Rank</th>'
            f'<th scope="col">Quartile (A best)</th></tr></thead><tbody>{"".join(body)}</tbody></table>')


def comparator_card_html(latest: pd.Series, unit: str, average: str, region: str) -> str:
    """The latest published comparators for an indicator's card, one line each, at DfE's precision."""
    lines = [(label, _published(figure, symbol, unit, latest["decimals"]))
             for label, figure, symbol in published_facts(latest, unit, average, region)]
    if not pd.isna(latest["rank"]):
        lines.append(("Rank", _rank_words(latest["rank"], latest["n_las"], latest["quartile"], latest["joint_return"])
                      + ' <span class="muted">(A best)</span>'))
    rows = "".join(f"<tr><td>{esc(label)}</td><td class='num'>{value}</td></tr>" for label, value in lines
                   if value != "—")
    if not rows:
        return ""
    words = published_period_words(latest["period"], latest["reference"])
    return (f'<table class="summary"><caption style="font-size:1rem">Published: {esc(words)}</caption>'
            f"<tbody>{rows}</tbody></table>")


def attention_html(rows: pd.DataFrame, public: bool = False, css_class: str = "attention") -> str:
    """The "needs attention" list: each indicator's figures, why it is listed and what officers say."""
    if rows.empty:
        return '<p class="value-big">No indicator is red, worsening for two periods or flagged by SPC.</p>'
    items = []
    for _, row in rows.iterrows():
        value, counts = figure_cells(row, public)
        reasons = " ".join(f'<span class="reason">{esc(reason)}</span>' for reason in row["reasons"]
                           if not reason.startswith("SPC:"))  # the SPC badges below say these
        reasons += " " + spc_badges_html(row["spc_variation"], row["spc_assurance"])
        words = (row_commentary_html(row) if row["explained"] else
                 '<div class="needs-words">No explanation yet: officers to add commentary before the meeting.</div>'
                 if row["rag"] == "red" else '<p class="muted">No commentary.</p>')
        target = f"target {format_value(row['target'], row['unit'])} · " if not pd.isna(row["target"]) else ""
        items.append(
            f'<div class="attention-item" {_figure_attributes(row, value)}>'
            f'<div class="attention-head"><strong>{esc(row["title"])}</strong>'
            f' <span class="muted">{esc(row["dashboard"])}</span></div>'
            f'<div class="card-head"><span class="card-value">{esc(value)}</span>'
            f'<span class="card-counts">{esc(counts)}</span>{rag_badge(row["rag"])}'
            f'<span class="muted">{esc(target)}{esc(row["period_display"])}</span></div>'
            f'<div class="since">Since previous period: {changes_html(row, public)[0]}</div>'
            f'<div class="reasons">{reasons}</div>{words}</div>')
    return f'<div class="{css_class}">' + "".join(items) + "</div>"


def definition_html(row: pd.Series) -> str:
    """An indicator's definition, source and note on national figures, in the muted style of facts."""
    facts = f"<strong>Definition.</strong> {esc(row['definition'])}"
    if row["source"]:
        facts += f" <strong>Source:</strong> {esc(row['source'])}."
    if row["comparator_note"]:
        facts += f'<br><span class="muted">{esc(row["comparator_note"])}</span>'
    return f'<p class="muted" style="font-size:0.95rem">{facts}</p>'


def dashboard_head_html(report, dashboard: str, public: bool,
                        questions=("children", "setting", "duration", "interviews")) -> str:
    """What heads a dashboard: for officers, a note on national figures its indicators share and its
    commentary (current, and earlier); then dashboard 7's overview of the committee's four questions.
    (Committee mode puts commentary and notes beside the figures instead.)"""
    head = ""
    if not public:
        rows = report.rows_of(dashboard)
        notes = set(rows["comparator_note"]) - {""}
        if len(notes) == 1 and len(rows) > 1 and (rows["comparator_note"] != "").all():
            head = f'<div class="key">{esc(notes.pop())}</div>'
        note = report.dashboard_note(dashboard)
        head += row_commentary_html(note, "Dashboard commentary") + earlier_commentary_html(note)
    overview = indicators.missing_overview(report, dashboard)
    if overview is not None:
        shown = report.indicator(indicators.MISSING_IDS["incidents"])["period_display"]
        css = ' class="present-overview"' if public else ""
        head += (f'<div{css}><h3>Missing from home and care: {esc(shown)}</h3>'
                 + missing_overview_html(overview, public, questions) + "</div>")
    return head


def missing_overview_html(overview: pd.DataFrame, public: bool = False, questions=("children", "setting",
                                                                                    "duration", "interviews")) -> str:
    """Dashboard 7's overview tables: children and incidents, home or care, how long, return interviews."""
    captions = {"children": "Children and incidents", "setting": "Home or care", "duration": "How long they were missing",
                "interviews": "Return home interviews"}
    tables = []
    for question in questions:
        rows = overview[overview["question"] == question]
        if rows.empty:
            continue
        body = "".join(
            f'<tr data-indicator="{esc(row["indicator_id"])}" data-breakdown="{esc(row["breakdown"])}">'
            f'<td>{esc(row["label"])}</td><td class="num figure">{esc(_overview_figure(row, public))}</td></tr>'
            for _, row in rows.iterrows())
        tables.append(f'<table class="summary"><caption>{captions[question]}</caption><tbody>{body}</tbody></table>')
    return '<div class="overview">' + "".join(tables) + "</div>"


def _overview_figure(row: pd.Series, public: bool) -> str:
    """A figure of dashboard 7's overview, with its counts for a percentage ('81.0% (46 of 57)')."""
    value, counts = figure_cells(row, public)
    return f"{value} ({counts})" if counts and row["unit"] == "percent" else value


PRESENT_CSS = """
<style>
html { font-size: 22px; }
header[data-testid="stHeader"], [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stToolbar"], [data-testid="stDecoration"], footer { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding: 0.7rem 1.4rem 0.3rem 1.4rem !important;
  max-width: 100% !important; }
[data-testid="stVerticalBlock"] { gap: 0.45rem; }
.present-top { display:flex; justify-content:space-between; align-items:flex-end; border-bottom:4px solid #1d70b8;
  padding-bottom:0.3rem; margin-bottom:0.4rem; }
.present-top h1 { font-size:2.1rem; margin:0; padding:0; line-height:1.15; }
.present-top .where { font-size:1.1rem; color:#0b0c0c; text-align:right; line-height:1.35; }
.present-top .who { font-size:1.0rem; color:#383f43; }
.ptile { border:2px solid #b1b4b6; border-radius:6px; padding:0.4rem 0.6rem 0.2rem 0.6rem; background:#fff; }
.ptile h3 { font-size:1.05rem; margin:0 0 0.2rem 0; padding:0; line-height:1.2; min-height:2.5em; }
.ptile .big { font-size:2.3rem; font-weight:700; line-height:1.05; }
.ptile .big .unit { font-size:0.85rem; font-weight:600; }
.ptile .small, .ptile .rag, .ptile .spc, .ptile .dir, .ptile .muted { font-size:0.85rem; }
.present-side .commentary { font-size:0.95rem; }
.present-side .commentary .who { font-size:0.85rem; }
.present-side h2 { font-size:1.3rem; margin:0.2rem 0; padding:0; }
.present-side p { font-size:0.9rem; }
.present-attention { display:grid; grid-template-columns:repeat(3, 1fr); gap:12px; }
.present-attention .attention-item { margin:0; font-size:1.0rem; }
.present-attention .card-value { font-size:2.0rem; }
.present-attention .since { font-size:0.85rem; }
.present-attention .commentary, .present-attention .commentary .who, .present-attention .reason,
.present-attention .spc, .present-attention .rag, .present-attention .muted { font-size:0.85rem; }
.present-overview table.summary, .present-overview table.summary caption { font-size:0.95rem; }
.footnote { font-size:0.75rem; color:#505a5f; }
</style>
"""


def present_header(title: str, authority: str, period: Period, as_at: str, position: str) -> str:
    """Committee mode's top line: what this screen is, for which period, and how fresh the data is."""
    return (f'<div class="present-top"><div><div class="who">{esc(authority)}</div>'
            f"<h1>{esc(title)}</h1></div><div class=\"where\"><strong>{esc(period.display())}</strong><br>"
            f"{esc(as_at)} · {esc(position)}</div></div>")


def present_tile_html(row: pd.Series) -> str:
    """A large-type tile for one indicator: value, counts, RAG, direction and SPC icon (figures suppressed)."""
    value, counts = figure_cells(row, public=True)
    number, unit_words = (value, "") if value == disclosure.SYMBOL else format_value_parts(row["value"], row["unit"])
    target = f"target {format_value(row['target'], row['unit'])}" if not pd.isna(row["target"]) else ""
    since = direction_html(row["direction"], row["movement"],
                           f"since {row['previous_period']}" if row["direction"] else "",
                           compares_withheld(row, "previous"))
    unit_words = f'<span class="unit"> {esc(unit_words)}</span>' if unit_words else ""
    return (f'<div class="ptile" {_figure_attributes(row, value)}><h3>{esc(row["title"])}</h3>'
            f'<div class="card-head"><span class="big">{esc(number)}{unit_words}</span>{rag_badge(row["rag"])}</div>'
            f'<div class="small">{esc(" · ".join(part for part in (counts, target) if part))}</div>'
            f'<div class="small">{since}</div>{spc_badges_html(row["spc_variation"], None)}</div>')
