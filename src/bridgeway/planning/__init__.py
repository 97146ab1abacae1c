"""Planning: learner profiles, gap analysis, job transitions and training pathways."""
