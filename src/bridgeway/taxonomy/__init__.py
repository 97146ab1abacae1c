"""Competencies, occupations, requirements, crosswalks and outlooks from official releases (ESCO, NOC, OaSIS, COPS, O*NET)."""
