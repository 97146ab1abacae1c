"""The quality-assured micro-credential catalogue: opportunities, definitions, QA and approval, stacking."""
