"""The analysts' notebook runs headless from top to bottom and gives the published figures."""
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "analyst_walkthrough.ipynb"


@pytest.mark.slow
def test_notebook_runs_and_benchmarks_wokingham():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.get("outputs", [])]
    assert not [output for output in outputs if output.get("output_type") == "error"]
    text = "\n".join(str(output.get("data", {}).get("text/plain", "")) + output.get("text", "") for output in outputs)
    # Wokingham's published re-referral rate for 2024-25 (DfE table C1, reporting year 2025): 16.8%;
    # England 22.6%, South East 28.4%.
    assert "'value': 16.8" in text and "'england': 22.6" in text and "'region': 28.4" in text
    charts = [output["data"]["text/html"] for output in outputs if "text/html" in output.get("data", {})]
    assert any("vegaEmbed" in chart and "Re-referrals within 12 months" in chart for chart in charts)
