"""Prior learning assessment and recognition: portfolios, evidence, skill inference, recognition cases."""
