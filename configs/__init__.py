"""The configs shipped with campuseval, installed as the data package campuseval.configs."""
