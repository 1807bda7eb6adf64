"""Design schema (pydantic), TOML loading and bundled example designs."""
from sianode.design.loader import design_from_dict, example_names, load_design, load_example
from sianode.design.schema import Design

__all__ = ["Design", "design_from_dict", "example_names", "load_design", "load_example"]
