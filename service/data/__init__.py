"""The data layer: one module per folder of sql/; models and domain errors out, never HTTP."""
