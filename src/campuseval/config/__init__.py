"""Config models and loading: indicator tables and locality targets files."""

from campuseval.config.effective import EffectiveTable, EffIndicator
from campuseval.config.load import check_config, load_config
from campuseval.config.models import Campus, Indicator, Table, TargetsFile
from campuseval.config.shipped import default_table_path, shipped_dir

__all__ = [
    "Campus", "EffIndicator", "EffectiveTable", "Indicator", "Table", "TargetsFile",
    "check_config", "default_table_path", "load_config", "shipped_dir",
]
