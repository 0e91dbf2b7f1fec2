"""Read and validate input files into tidy tables; never calls Streamlit."""
from data_loaders.annex_a import map_indicators, mapping_from_text, mapping_to_text, suggested_mapping
from data_loaders.child_level import CHILD_LEVEL_CATALOGUE, load_child_level
from data_loaders.ees import (SYMBOL_MEANINGS, load_comparators_map, load_ees, load_statistical_neighbours,
                              statistical_neighbour_table)
from data_loaders.model import PerformanceReturn, Problem, ReturnError
from data_loaders.returns import load_return

__all__ = ["CHILD_LEVEL_CATALOGUE", "PerformanceReturn", "Problem", "ReturnError", "SYMBOL_MEANINGS",
           "load_child_level", "load_comparators_map", "load_ees", "load_return", "load_statistical_neighbours",
           "map_indicators", "mapping_from_text", "mapping_to_text", "statistical_neighbour_table",
           "suggested_mapping"]
