"""Fixtures shared by every test module."""
import pytest
import streamlit as st

from shared_data import ANNEX_A, DFE, SSDA903, require


@pytest.fixture(autouse=True)
def clear_streamlit_caches():
    """No test sees what another cached: AppTest runs share st.cache_data and st.cache_resource."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


@pytest.fixture
def store_path(tmp_path, monkeypatch):
    """A temporary SQLite store file the app uses through DASHBOARD_STORE_PATH."""
    path = tmp_path / "store.sqlite"
    monkeypatch.setenv("DASHBOARD_STORE_PATH", str(path))
    monkeypatch.delenv("DASHBOARD_DATABASE_URL", raising=False)
    return path


@pytest.fixture
def needs_dfe():
    """Skip locally, fail under CI, when the shared DfE extracts are missing."""
    require(DFE)


@pytest.fixture
def needs_ssda903():
    """Skip locally, fail under CI, when the shared fake SSDA903 tables are missing."""
    require(SSDA903)


@pytest.fixture
def needs_annex_a():
    """Skip locally, fail under CI, when the shared Annex A sample is missing."""
    require(ANNEX_A)
