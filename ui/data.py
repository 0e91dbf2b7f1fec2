"""The data every page shows: the current return (stored, or the demo until something is uploaded),
the store, shared settings and DfE's published figures.

`CurrentData` is the one hashable "current data" object: its `token` changes whenever anything
is saved (an upload, a withdrawal, commentary, a setting), and cached work is keyed on it.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

import benchmarking
from data_loaders import (PerformanceReturn, load_comparators_map, load_ees, load_return,
                          load_statistical_neighbours)
from data_loaders.ees import load_authority_regions
from store import Store, StoreError
from ui.router import use_navigation_router

ROOT = Path(__file__).resolve().parents[1]
DEMO_PATH = ROOT / "data" / "demo_return.xlsx"
TEMPLATE_PATH = ROOT / "data" / "return_template.xlsx"
EES_DIR = ROOT / "data" / "ees"
NEIGHBOUR_MODEL = EES_DIR / "sn_model_2025_wide.csv"
COMPARATORS_MAP = ROOT / "data" / "comparators_map.csv"


@dataclass(frozen=True, eq=False)
class CurrentData:
    """The return every page shows, whether it is the demo, and tokens that change when anything is saved."""

    ret: PerformanceReturn
    is_demo: bool
    token: str
    store_token: str

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


@st.cache_resource(show_spinner=False, max_entries=4)
def _current(state: str) -> CurrentData:
    """The current data for a store state: the folded stored return, else the demo return."""
    stored = store().current_return()
    if stored is not None:
        return CurrentData(stored, False, f"store:{state}", state)
    data = DEMO_PATH.read_bytes()
    return CurrentData(load_return(data, DEMO_PATH.name), True, f"demo:{hashlib.sha256(data).hexdigest()}:{state}",
                       state)


def current() -> CurrentData:
    """The data every page shows now (the same object until something is saved); when the store itself
    fails (read-only, full, damaged, gone), the page says what happened instead."""
    use_navigation_router()
    try:
        return _current(store().state_token())
    except StoreError as error:
        st.error(str(error), icon=":material/database:")
        st.stop()


@st.cache_data(show_spinner=False, max_entries=64)
def _saved_setting(state: str, key: str) -> str | None:
    """A setting as last saved in the app, read once per store state."""
    return store().get_setting(key)


def setting(data: CurrentData, key: str, default: str = "") -> str:
    """A shared setting: saved in the app, else secrets, else environment, else `default`."""
    saved = _saved_setting(data.store_token, key)
    if saved not in (None, ""):
        return saved
    return str(secrets().get(key) or os.environ.get(f"DASHBOARD_{key.upper()}") or default)


def authority_code(data: CurrentData) -> str:
    """The DfE three-digit code of the authority the app reports for ("" for a fictional one)."""
    return setting(data, "la_code", data.ret.about.get("la_code", ""))


def neighbour_average(data: CurrentData) -> str:
    """`median` (as DfE's CSC outcomes and enablers dashboard, the default) or `mean` (as DfE's LAIT)."""
    chosen = setting(data, "neighbour_average", benchmarking.DEFAULT_NEIGHBOUR_AVERAGE)
    return chosen if chosen in benchmarking.NEIGHBOUR_AVERAGES else benchmarking.DEFAULT_NEIGHBOUR_AVERAGE


def region_code(data: CurrentData) -> str:
    """The region the return says it is in, or the default region for a fictional authority."""
    return data.ret.about.get("region_code") or benchmarking.DEFAULT_REGION_CODE


@st.cache_data(show_spinner=False)
def authority_regions() -> dict[str, tuple[str, str]]:
    """Each authority's region (London boroughs in Inner or Outer London), from DfE's neighbour model."""
    return load_authority_regions(NEIGHBOUR_MODEL)


def region_of(data: CurrentData, la_code: str) -> tuple[str, str]:
    """(code, name) of the region the authority's figures are compared with, as DfE names it."""
    return benchmarking.authority_region(published_figures(data.store_token), la_code, region_code(data),
                                         authority_regions())


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


@st.cache_data(show_spinner=False)
def neighbours() -> dict[str, list[str]]:
    """Each authority's ten statistical neighbours from DfE's 2025 model, closest first."""
    return load_statistical_neighbours(NEIGHBOUR_MODEL)


def authority_names(store_token: str) -> dict[str, str]:
    """Every local authority in the published figures: code -> 'Name (code)', by name."""
    figures = published_figures(store_token)
    authorities = figures[figures["geographic_level"] == benchmarking.LOCAL_AUTHORITY][["la_code", "la_name"]]
    authorities = authorities.drop_duplicates("la_code", keep="last").sort_values("la_name")
    return {code: f"{name} ({code})" for code, name in zip(authorities["la_code"], authorities["la_name"])}


@st.cache_data(show_spinner=False, max_entries=8)
def return_as_of(store_token: str, version_id: int) -> PerformanceReturn | None:
    """The return as it stood when a version was saved (versions never change, so cached per store state)."""
    return store().return_as_of(version_id)
