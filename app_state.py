"""What the pages share: the current return (stored or demo), its cached derivations and settings.

The expensive work is cached on a token that changes only when the data does: the store's
state token, or the SHA-256 of the demo file. Arguments with a leading underscore are not
hashed by Streamlit, so the token alone decides what is reused.
"""
from __future__ import annotations

import hashlib
import os
import runpy
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit import dataframe_util
from streamlit.runtime.pages_manager import PagesManager

import access
import benchmarking
import charts
import exports
import indicators
import tables
from data_loaders import (PerformanceReturn, load_comparators_map, load_ees, load_return,
                          load_statistical_neighbours)
from periods import Period, parse_period
from store import Store

ROOT = Path(__file__).resolve().parent
DEMO_PATH = ROOT / "data" / "demo_return.xlsx"
TEMPLATE_PATH = ROOT / "data" / "return_template.xlsx"
EES_DIR = ROOT / "data" / "ees"
NEIGHBOUR_MODEL = EES_DIR / "sn_model_2025_wide.csv"
COMPARATORS_MAP = ROOT / "data" / "comparators_map.csv"


@dataclass(frozen=True)
class Current:
    """The return every page shows, whether it is the demo, and the cache token for it."""

    ret: PerformanceReturn
    is_demo: bool
    token: str

    @property
    def authority(self) -> str:
        """The authority's name as the return gives it."""
        return self.ret.about.get("authority", "Children's Services")


def secrets() -> dict:
    """`.streamlit/secrets.toml` as a dict, or empty when there is none."""
    try:
        return dict(st.secrets)
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return {}


@st.cache_resource(show_spinner=False)
def store() -> Store:
    """The one store for this app process (SQLite by default, any SQLAlchemy URL from settings)."""
    return Store.from_settings(secrets(), os.environ)


@st.cache_data(show_spinner=False, max_entries=4)
def _parse_demo(data: bytes) -> PerformanceReturn:
    """The demo return, parsed once per distinct file content."""
    return load_return(data, DEMO_PATH.name)


@st.cache_data(show_spinner=False, max_entries=4)
def _stored(token: str) -> PerformanceReturn | None:
    """The store's current return for a state token."""
    return store().current_return()


def _use_navigation_router() -> None:
    """Make sure app.py's st.navigation decides how every page is drawn.

    Streamlit 1.67 treats a run as a legacy `pages/` app until some run has called
    st.navigation: a bookmarked deep link such as /dashboard opened first after a restart (and
    every AppTest run) would run the page alone, without app.py's config, filters and
    navigation. Then run app.py here, which draws the page through st.navigation, and stop
    this run. No st.rerun, so a button click in this run is not lost.
    """
    if PagesManager.uses_pages_directory:
        runpy.run_path(str(ROOT / "app.py"), run_name="__main__")
        st.stop()


def current() -> Current:
    """The stored return, or the demo return when nothing has been uploaded yet."""
    _use_navigation_router()
    token = store().state_token()
    ret = _stored(token)
    if ret is not None:
        return Current(ret, False, f"store:{token}")
    data = DEMO_PATH.read_bytes()
    return Current(_parse_demo(data), True, f"demo:{hashlib.sha256(data).hexdigest()}:{token}")


@st.cache_data(show_spinner=False, max_entries=16)
def period_table(_ret: PerformanceReturn, token: str, frequency: str) -> pd.DataFrame:
    """Every indicator's figures by period of `frequency`."""
    return indicators.period_values(_ret, frequency)


@st.cache_data(show_spinner=False, max_entries=32)
def period_slice(_ret: PerformanceReturn, token: str, frequency: str, period: str) -> pd.DataFrame:
    """Every indicator's figures (totals and breakdowns) for one period, with each indicator's unit."""
    table = period_table(_ret, token, frequency)
    rows = table[table["period"] == period]
    return rows.assign(unit=rows["indicator_id"].map(_ret.indicators.set_index("indicator_id")["unit"]))


@st.cache_data(show_spinner=False, max_entries=32)
def summary(_ret: PerformanceReturn, token: str, frequency: str, period: str) -> pd.DataFrame:
    """The summary rows for a period."""
    return indicators.summarise(_ret, frequency, period, values=period_table(_ret, token, frequency))


def store_token(data: Current) -> str:
    """The store's state token inside the data token (it changes with uploads, edits and settings)."""
    return data.token.rsplit(":", 1)[-1]


@st.cache_data(show_spinner=False, max_entries=64)
def _saved_setting(token: str, key: str) -> str | None:
    """A setting as last saved in the app, read once per store state."""
    return store().get_setting(key)


def setting(data: Current, key: str, default: str = "") -> str:
    """A shared setting: saved in the app, else secrets, else environment, else `default`."""
    saved = _saved_setting(store_token(data), key)
    if saved not in (None, ""):
        return saved
    return str(secrets().get(key) or os.environ.get(f"DASHBOARD_{key.upper()}") or default)


FREQUENCY_LABELS = {"month": "Month", "quarter": "Quarter", "year": "Year"}


def link_params(frequency: str, period: Period, **extra: str) -> dict[str, str]:
    """URL parameters that reopen a view, in the words the bound sidebar widgets put in the URL."""
    return {"freq": FREQUENCY_LABELS[frequency], "period": period.display(), **extra}


def adopt_link_frequency() -> None:
    """Accept `?freq=quarter` (the code, as committee mode and older links write it) on first load."""
    wanted = st.query_params.get("freq", "").lower()
    if "freq" not in st.session_state and wanted in FREQUENCY_LABELS:
        st.session_state["freq"] = wanted


def linked_period(frequency: str, choices: list[str]) -> str | None:
    """The period a link asks for (`2026-27 Q2`, `2026-09` or `Q2 2026-27`), else the latest."""
    try:
        wanted = parse_period(st.query_params.get("period", "")).containing(frequency).label
    except ValueError:
        wanted = None
    return wanted if wanted in choices else (choices[0] if choices else None)


def selected_period(data: Current) -> tuple[str, Period | None]:
    """The frequency and period chosen in the shared filters (the latest when none is chosen)."""
    frequency = st.session_state.get("freq") or "month"
    return frequency, indicators.period_or_latest(data.ret, frequency, st.session_state.get("period"))


def _arrow_datasets(spec: dict) -> dict:
    """A spec whose inline datasets are already Arrow bytes, so drawing it skips converting them."""
    datasets = {name: dataframe_util.convert_anything_to_arrow_bytes(pd.DataFrame(rows))
                for name, rows in spec.get("datasets", {}).items()}
    return {**spec, "datasets": datasets} if datasets else spec


@st.cache_data(show_spinner=False, max_entries=512)
def indicator_view(_data: Current, token: str, indicator_id: str, frequency: str, period: str, public: bool,
                   la_code: str, average: str) -> dict:
    """Everything one indicator's section draws, worked out once per data, period and settings.

    Chart specs are kept as dicts with Arrow datasets, so a rerun neither builds and validates
    Altair charts nor converts their data again; also the SPC icons, the figures table and
    the latest published comparators (as of `period`).
    """
    ret = _data.ret
    row = ret.indicators.set_index("indicator_id").loc[indicator_id].copy()
    row["indicator_id"] = indicator_id
    history = indicators.series(ret, indicator_id, frequency, period_table(ret, token, frequency))
    monthly = indicators.series(ret, indicator_id, "month", period_table(ret, token, "month"))
    published = comparisons(ret, token, la_code)
    points = benchmarking.comparator_points(published, indicator_id, average)
    built = charts.indicator_charts(row, history, monthly, points, public)
    view = {name: _arrow_datasets(built[name].to_dict()) for name in ("trend", "breakdown", "spc", "seasonal")
            if name in built}
    result = built["spc_result"]
    view.update(variation=result.variation if result else None, assurance=result.assurance if result else None,
                spc_reason=built["spc_reason"], table=tables.figures_table(history, row["unit"], public))
    fy_start = parse_period(period).fy_start
    latest = published[(published["indicator_id"] == indicator_id) & (published["breakdown"] == "")
                       & (published["period"].map(lambda label: parse_period(label).fy_start) <= fy_start)]
    view["comparator"] = latest.sort_values("period").iloc[-1] if not latest.empty else None
    return view


def editing_mode() -> str:
    """How editing is controlled in this deployment: `oidc`, `passcode` or `open`."""
    return access.editing_mode(secrets(), os.environ)


def editing_note() -> str:
    """The notice every page shows when anyone can edit."""
    if editing_mode() != "open":
        return ""
    return ("Editing is open to anyone who can reach this app: no editor sign-in or passcode is set. "
            "See the README to restrict uploads and commentary to officers.")


def editor(action: str) -> str | None:
    """The officer allowed to `action` (their email or name), or None after showing how to get access."""
    mode = editing_mode()
    if mode == "oidc":
        if not st.user.is_logged_in:
            st.info(f"Sign in as an officer to {action}.")
            st.button("Sign in", on_click=st.login, icon=":material/login:")
            return None
        email = st.user.get("email")
        if not access.may_edit(email, access.editor_emails(secrets(), os.environ)):
            st.error(f"{email} is not on the list of officers who may {action}. Ask the dashboard's administrator.")
            st.button("Sign out", on_click=st.logout)
            return None
        return email
    name = st.text_input("Your name (kept with the change)", key=f"editor_name_{action}", max_chars=80)
    if mode == "passcode":
        given = st.text_input("Editor passcode", type="password", key=f"editor_passcode_{action}")
        if given and not access.passcode_matches(given, access.expected_passcode(secrets(), os.environ)):
            st.error("That passcode is not right. Nothing has been saved.")
            return None
        if not given:
            return None
    return name.strip() or None


@st.cache_data(show_spinner=False, max_entries=4)
def published_figures(store_token: str) -> pd.DataFrame:
    """All EES figures: the bundled DfE files, then officers' uploaded EES files (newest wins)."""
    frames = [load_ees(path) for path in sorted(EES_DIR.glob("*.csv")) if path != NEIGHBOUR_MODEL]
    frames += [load_ees(data, dataset=Path(name).stem) for _, name, data in store().ees_sources()]
    return benchmarking.combine_published(frames)


@st.cache_data(show_spinner=False)
def comparators_map() -> pd.DataFrame:
    """The checked-in map from DfE measures to the return's indicators, read once."""
    return load_comparators_map(COMPARATORS_MAP)


@st.cache_data(show_spinner=False, max_entries=8)
def return_as_of(token: str, version_id: int) -> PerformanceReturn | None:
    """The return as it stood when a version was saved (versions never change, so cached per store state)."""
    return store().return_as_of(version_id)


@st.cache_data(show_spinner=False)
def neighbours() -> dict[str, list[str]]:
    """Each authority's ten statistical neighbours from DfE's 2025 model, closest first."""
    return load_statistical_neighbours(NEIGHBOUR_MODEL)


def authority_code(data: Current) -> str:
    """The DfE three-digit code of the authority the app reports for ("" for a fictional one)."""
    return setting(data, "la_code", data.ret.about.get("la_code", ""))


@st.cache_data(show_spinner=False, max_entries=16)
def region_name(store_token: str, region_code: str) -> str:
    """A region's name from the published figures (e.g. E12000008 -> South East)."""
    figures = published_figures(store_token)
    names = figures.loc[figures["region_code"] == region_code, "region_name"]
    return str(names.iloc[-1]) if len(names) and names.iloc[-1] else "Region"


def authority_names(store_token: str) -> dict[str, str]:
    """Every local authority in the published figures: code -> 'Name (code)', by name."""
    figures = published_figures(store_token)
    authorities = figures[figures["geographic_level"] == "Local authority"][["la_code", "la_name"]]
    authorities = authorities.drop_duplicates("la_code", keep="last").sort_values("la_name")
    return {code: f"{name} ({code})" for code, name in zip(authorities["la_code"], authorities["la_name"])}


def neighbour_average(data: Current) -> str:
    """`mean` (as DfE's LAIT tool) or `median` (as DfE's CSC outcomes dashboard) for neighbour figures."""
    chosen = setting(data, "neighbour_average", "mean")
    return chosen if chosen in ("mean", "median") else "mean"


@st.cache_data(show_spinner=False, max_entries=16)
def comparisons(_ret: PerformanceReturn, token: str, la_code: str) -> pd.DataFrame:
    """Published comparators for every mapped indicator and year, merged with those typed into the return."""
    store_token = token.rsplit(":", 1)[-1]
    region = _ret.about.get("region_code") or benchmarking.DEFAULT_REGION_CODE
    polarities = dict(zip(_ret.indicators["indicator_id"], _ret.indicators["polarity"]))
    published = benchmarking.comparators_from_ees(
        published_figures(store_token), comparators_map(), la_code or None,
        neighbours().get(la_code, []), region, polarities)
    return benchmarking.merge_comparators(_ret.comparators, published)


@st.cache_data(show_spinner=False, max_entries=16)
def spc_statuses(_ret: PerformanceReturn, token: str, up_to: str) -> pd.DataFrame:
    """Each indicator's SPC icons from its monthly figures up to the chosen period's last month."""
    monthly = period_table(_ret, token, "month")
    end = pd.Timestamp(parse_period(up_to).end_month.start)
    return indicators.spc_statuses(_ret, monthly[monthly["period_start"] <= end])


def attention(data: Current, frequency: str, period: Period) -> pd.DataFrame:
    """The indicators needing attention for a period, with the latest commentary for each."""
    rows = indicators.needs_attention(summary(data.ret, data.token, frequency, period.label),
                                      spc_statuses(data.ret, data.token, period.label))
    rows["commentary"] = [indicators.commentary_for(data.ret.commentary, period, indicator_id=i)
                          for i in rows["indicator_id"]]
    return rows


@st.cache_data(show_spinner=False, max_entries=4)
def meeting_pack(_data: Current, token: str, frequency: str, period: str, committee: str) -> dict:
    """The pack's PDF and Excel bytes for a period (made once per data, settings and period)."""
    ret = _data.ret
    la_code, average = authority_code(_data), neighbour_average(_data)
    table = comparisons(ret, token, la_code)
    points = {indicator_id: benchmarking.comparator_points(table, indicator_id, average)
              for indicator_id in ret.indicators["indicator_id"]}
    latest = ret.latest_month
    as_at = f"Data as at {Period(latest.year, latest.month).display()}" if latest is not None else "No data"
    pack = exports.build_pack(ret, frequency, parse_period(period), committee, as_at, _data.is_demo, points)
    pdf = exports.pack_pdf(pack)
    return {"key": (token, frequency, period, committee), "pdf": pdf, "xlsx": exports.pack_workbook(pack),
            "pages": exports.page_count(pdf), "made": pd.Timestamp.now(tz="Europe/London").strftime("%d %b %Y %H:%M")}


@st.cache_data(show_spinner=False, max_entries=256)
def sparkline(_ret: PerformanceReturn, token: str, indicator_id: str, frequency: str, up_to: str) -> dict:
    """A committee-mode tile's small public trend (small numbers suppressed) as a cached spec."""
    row = _ret.indicators.set_index("indicator_id").loc[indicator_id]
    table = period_table(_ret, token, frequency)
    end = pd.Timestamp(parse_period(up_to).end_month.start)
    history = table[(table["indicator_id"] == indicator_id) & (table["breakdown"] == "")
                    & (table["period_start"] <= end)]
    return charts.sparkline(charts.public_history(history, row["unit"]), row["unit"], row["title"],
                            row["target"]).to_dict()
