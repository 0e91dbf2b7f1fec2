"""Fixtures shared by every test module."""
import pytest
import streamlit as st


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
