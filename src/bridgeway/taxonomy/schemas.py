"""Pydantic schemas of the taxonomy API: search hits, competencies, occupations, releases and attribution."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Source = Literal["esco", "oasis", "onet", "noc"]
EntryKind = Literal["competency", "occupation"]
MatchName = Literal["exact", "prefix", "words", "fuzzy", "listed"]


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ReleaseRef(_Read):
    """Which release of which source a record comes from."""

    source: str = Field(examples=["esco"])
    version: str = Field(examples=["1.1.1"])


class SearchHitRead(_Read):
    """One search result: the entry, and which of its names matched and how."""

    kind: EntryKind
    source: str = Field(description="The taxonomy the entry belongs to.", examples=["esco"])
    code: str = Field(
        description="The entry's code in its source (an ESCO concept URI, a NOC or OaSIS code, an O*NET-SOC code "
        "or element id).",
        examples=["http://data.europa.eu/esco/skill/cb9f5e42-a1e5-4b93-8a73-46f5e1bd1ac6"],
    )
    ref: str = Field(
        description="The short, URL-safe form of the code used in API and page paths (the UUID of an ESCO URI).",
        examples=["cb9f5e42-a1e5-4b93-8a73-46f5e1bd1ac6"],
    )
    label: str = Field(description="The entry's preferred label.", examples=["join metals"])
    subtype: str | None = Field(
        default=None, description="Skill type, descriptor family or occupation level."
    )
    matched_label: str = Field(description="The name that matched the query.", examples=["welding"])
    matched_label_kind: str = Field(
        description="preferred, alternative (ESCO), example (OaSIS/NOC example title), alternate (O*NET) ...",
        examples=["alternative"],
    )
    matched_label_lang: str = Field(examples=["en"])
    match: MatchName = Field(
        description="exact: the whole name; prefix: the name starts with the query; words: every query word is "
        "in the name; fuzzy: some word only with a typo. Results are ranked in this order. listed: no query "
        "was given and entries are listed A–Z."
    )
    score: float = Field(ge=0, le=100, description="Relevance within its match tier, 0–100.")
    href: str = Field(description="Where the entry's detail is in this API.")


class CompetencyRef(_Read):
    """A competency named in another record."""

    source: str
    code: str
    ref: str
    kind: str
    category: str | None = Field(default=None, description="Descriptor family (OaSIS, O*NET), e.g. 'Skills'.")
    label: str
    label_fr: str | None = None
    href: str


class OccupationRef(_Read):
    """An occupation named in another record."""

    source: str
    code: str
    ref: str
    level: str
    label: str
    label_fr: str | None = None
    href: str


class RelatedCompetency(_Read):
    """Another competency linked to this one by the source (ESCO skill–skill relations)."""

    relation: str = Field(examples=["essential"])
    competency: CompetencyRef


class RequiredBy(_Read):
    """An occupation that asks for a competency, and how."""

    occupation: OccupationRef
    relation: str = Field(description="essential | optional (ESCO) or rated (OaSIS, O*NET).")
    importance: float | None = None
    level: float | None = None
    scale: str | None = None


class CompetencyRead(_Read):
    """A skill, knowledge area, ability, work activity or context descriptor with its names and place."""

    source: str
    code: str
    ref: str
    uri: str | None = None
    kind: str = Field(examples=["skill"])
    category: str | None = None
    preferred_label: str
    preferred_label_fr: str | None = None
    alt_labels: list[str] = Field(default_factory=list)
    description: str | None = None
    skill_type: str | None = Field(default=None, examples=["skill/competence"])
    reuse_level: str | None = Field(default=None, examples=["cross-sector"])
    collections: list[str] = Field(default_factory=list, examples=[["digital"]])
    release: ReleaseRef
    broader: list[CompetencyRef] = Field(
        default_factory=list, description="Parents in the source's hierarchy."
    )
    narrower: list[CompetencyRef] = Field(
        default_factory=list, description="Children in the source's hierarchy."
    )
    related: list[RelatedCompetency] = Field(default_factory=list, description="Skill–skill relations.")
    required_by: list[RequiredBy] = Field(
        default_factory=list, description="Occupations that require it (essential first; at most 200)."
    )
    required_by_total: int = Field(default=0, description="How many occupations require it in all.")


class RequirementRead(_Read):
    """What an occupation asks of one competency."""

    competency: CompetencyRef
    relation: str = Field(description="essential | optional (ESCO) or rated (OaSIS, O*NET).")
    importance: float | None = Field(default=None, description="O*NET importance 1–5.")
    level: float | None = Field(default=None, description="OaSIS rating 1–5, or O*NET level 0–7.")
    scale: str | None = Field(default=None, examples=["oasis_1_5"])
    via: str | None = Field(
        default=None,
        description="The code through which the requirement is reached (e.g. the O*NET-SOC code "
        "of a crosswalk), when it is not the occupation's own.",
    )


class RequirementGroup(_Read):
    """The requirements one source states for the occupation (or for a code linked to it)."""

    source: str
    via_codes: list[str] = Field(
        default_factory=list, description="Codes of this source reached by crosswalk."
    )
    requirements: list[RequirementRead]


class TitleRead(_Read):
    """Another name of the occupation."""

    title: str
    kind: str = Field(examples=["example"])
    language: str = "en"


class DutyRead(_Read):
    """A main duty or task."""

    position: int
    text: str
    kind: str = Field(examples=["main_duty"])


class OutlookRead(_Read):
    """The COPS projection for the occupation's NOC unit group."""

    noc_code: str
    name: str
    name_fr: str | None = None
    period: str = Field(examples=["2024-2033"])
    employment_base: int | None = None
    employment_growth: int | None = None
    retirements: int | None = None
    other_replacement: int | None = None
    job_openings: int | None = None
    school_leavers: int | None = None
    immigration: int | None = None
    other_seekers: int | None = None
    job_seekers: int | None = None
    recent_condition: str | None = None
    recent_condition_fr: str | None = None
    future_condition: str | None = None
    future_condition_fr: str | None = None
    future_condition_key: Literal["balance", "shortage", "surplus"] | None = None


class RelatedCodeRead(_Read):
    """A code in another taxonomy linked to the occupation by a crosswalk, with its weight and provenance."""

    source: str = Field(examples=["onet"])
    code: str = Field(examples=["51-4121.00"])
    label: str | None = None
    href: str | None = Field(
        default=None, description="The linked occupation in this API, when it is imported."
    )
    dataset: str = Field(examples=["bcgov_onet_noc2021"])
    direction: Literal["forward", "reverse"] = Field(
        description="forward: the crosswalk maps this occupation to the code; reverse: the code to this occupation."
    )
    weight: float | None = None
    provenance: list[dict[str, Any]] = Field(default_factory=list)


class OccupationRead(_Read):
    """An occupation with its requirements by source, titles, duties, COPS outlook and related codes."""

    source: str
    code: str
    ref: str
    uri: str | None = None
    level: str
    label: str
    label_fr: str | None = None
    description: str | None = None
    parent_code: str | None = None
    isco_group: str | None = None
    noc_code: str | None = None
    teer: str | None = None
    job_zone: int | None = None
    education: dict[str, Any] = Field(default_factory=dict)
    employment_requirements: list[str] = Field(default_factory=list)
    release: ReleaseRef
    titles: list[TitleRead] = Field(default_factory=list)
    duties: list[DutyRead] = Field(default_factory=list)
    requirements: list[RequirementGroup] = Field(default_factory=list)
    outlook: OutlookRead | None = None
    related: list[RelatedCodeRead] = Field(default_factory=list)


class ReleaseRead(_Read):
    """One imported release with what it holds."""

    source: str = Field(examples=["esco"])
    version: str = Field(examples=["1.1.1"])
    imported_at: datetime
    fingerprint: str = Field(description="SHA-256 over the release's file checksums.")
    headline: dict[str, int] = Field(
        default_factory=dict,
        description="The figures a release is checked by.",
        examples=[{"skills": 13896, "occupations": 3007, "occupation_skill_relations": 123855}],
    )
    counts: dict[str, dict[str, int]] = Field(default_factory=dict, description="Rows per table and kind.")
    dangling_total: int = Field(default=0, description="Rows naming something the release lacks (kept).")


class DataSourceRead(_Read):
    """One official source: its name, the release read, its licence and the attribution it asks for."""

    source: str = Field(examples=["onet"])
    name: str
    release: str = Field(description="The release Bridgeway is built for.")
    imported_release: str | None = Field(
        default=None, description="The latest release imported here, if any."
    )
    imported_counts: dict[str, int] = Field(
        default_factory=dict, description="What the importer read from that release, as it reported it."
    )
    licence: str
    licence_urls: list[str] = Field(default_factory=list)
    attribution: str = Field(description="Who made the data.")
    notice: str = Field(description="The statement the licence asks users of the data to show.")
    url: str = Field(description="Where to download the release.")


class MetaRead(_Read):
    """Where the data comes from; to be shown wherever data derived from these sources appears."""

    notice: str
    sources: list[DataSourceRead]
