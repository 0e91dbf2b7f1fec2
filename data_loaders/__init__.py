"""Read and validate input files into tidy tables; never calls Streamlit."""
from data_loaders.model import PerformanceReturn, Problem, ReturnError

__all__ = ["PerformanceReturn", "Problem", "ReturnError"]
