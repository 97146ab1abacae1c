"""What the taxonomy API and pages show: search hits and detail views assembled from the taxonomy service.

The search index is built once per process from the latest releases and rebuilt when the set of imported
releases changes (keyed by their ids).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any
from urllib.parse import quote

from sqlalchemy.orm import Session

from bridgeway.taxonomy import errors
from bridgeway.taxonomy import service as taxonomy_service
from bridgeway.taxonomy.models import Competency, Occupation, OccupationRequirement
from bridgeway.taxonomy.schemas import (
    CompetencyRead,
    CompetencyRef,
    DataSourceRead,
    DutyRead,
    MetaRead,
    OccupationRead,
    OccupationRef,
    OutlookRead,
    RelatedCodeRead,
    RelatedCompetency,
    ReleaseRead,
    ReleaseRef,
    RequiredBy,
    RequirementGroup,
    RequirementRead,
    SearchHitRead,
    TitleRead,
)
from bridgeway.taxonomy.search import Document, Hit, IndexCache, Label, SearchIndex

ESCO_PREFIX = "http://data.europa.eu/esco/"
SEARCH_SOURCES: tuple[str, ...] = ("esco", "oasis", "onet", "noc")
RELATED_WITH_LABELS = 40  # related codes whose titles are looked up (each costs a query)
_INDEX = IndexCache()


def ref_of(source: str, code: str) -> str:
    """Return the short, URL-safe form of a code (an ESCO URI without its common prefix)."""
    return code.removeprefix(ESCO_PREFIX) if source == "esco" else code


def code_of(source: str, ref: str) -> str:
    """Return the code a short form stands for (the inverse of ref_of; full URIs pass through)."""
    if source == "esco" and not ref.startswith(("http://", "https://")):
        return ESCO_PREFIX + ref
    return ref


def entry_path(kind: str, source: str, code: str) -> str:
    """Return the path, below /taxonomy (pages) or /api/v1/taxonomy (API), of a competency or occupation."""
    return (
        f"/{'competencies' if kind == 'competency' else 'occupations'}/{source}/{quote(ref_of(source, code))}"
    )


def _api(kind: str, source: str, code: str) -> str:
    return "/api/v1/taxonomy" + entry_path(kind, source, code)


def _search_documents(session: Session) -> Iterator[Document]:
    """Yield every competency and occupation of the latest releases with all their names.

    NOC unit groups also answer to their French names from COPS, the only French names the official files
    give (ESCO here is English, and the OaSIS and O*NET files carry no French titles).
    """
    french = {
        code: name_fr for code, (_name, name_fr) in taxonomy_service.outlook_names(session).items() if name_fr
    }
    for source in SEARCH_SOURCES:
        if taxonomy_service.latest_release(session, source) is None:
            continue
        for competency in taxonomy_service.iter_competencies(session, source=source):
            labels = (
                [Label(competency.preferred_label_fr, "preferred", "fr")]
                if competency.preferred_label_fr
                else []
            )
            labels += [Label(text, "alternative") for text in competency.alt_labels or ()]
            hidden = (competency.extra or {}).get("hiddenLabels") or []
            labels += [Label(text, "hidden") for text in hidden if isinstance(text, str)]
            yield Document(
                competency.id,
                "competency",
                source,
                competency.code,
                competency.preferred_label,
                tuple(labels),
                competency.kind,
            )
        titles: defaultdict[str, list[Label]] = defaultdict(list)
        for occupation_id, title, kind, language in taxonomy_service.iter_occupation_titles(
            session, source=source
        ):
            titles[occupation_id].append(Label(title, kind, language))
        for occupation in taxonomy_service.iter_occupations(session, source=source):
            labels = [Label(occupation.label_fr, "preferred", "fr")] if occupation.label_fr else []
            labels += titles.pop(occupation.id, [])
            if source == "noc" and occupation.code in french:
                labels.append(Label(french[occupation.code], "cops_name", "fr"))
            if source != "esco":
                labels.append(Label(occupation.code, "code"))  # "72106", "15-1252.00" find their occupation
            yield Document(
                occupation.id,
                "occupation",
                source,
                occupation.code,
                occupation.label,
                tuple(labels),
                occupation.level,
            )


def search_index(session: Session) -> SearchIndex:
    """Return the search index over the latest releases: built once per process, rebuilt after an import."""
    return _INDEX.get(taxonomy_service.release_ids(session), lambda: SearchIndex(_search_documents(session)))


def warm_search_index(open_session: Callable[[], AbstractContextManager[Session]]) -> threading.Thread:
    """Build the search index in a background thread, so that no request waits for it (call at start-up).

    ``open_session`` is e.g. the application's session factory. A search arriving during the build waits for
    it rather than starting a second one.
    """

    def build() -> None:
        with open_session() as session:
            search_index(session)

    thread = threading.Thread(target=build, name="taxonomy-search-index", daemon=True)
    thread.start()
    return thread


def _hit_read(hit: Hit) -> SearchHitRead:
    document = hit.document
    return SearchHitRead(
        kind=document.kind,
        source=document.source,
        code=document.code,
        ref=ref_of(document.source, document.code),
        label=document.label,
        subtype=document.subtype,
        matched_label=hit.matched_label,
        matched_label_kind=hit.matched_label_kind,
        matched_label_lang=hit.matched_label_lang,
        match=hit.match.label,
        score=hit.score,
        href=_api(document.kind, document.source, document.code),
    )


def find_entries(
    session: Session,
    q: str,
    *,
    kinds: Sequence[str] | None,
    sources: Sequence[str] | None,
    limit: int,
    offset: int,
) -> tuple[list[SearchHitRead], int]:
    """Return one page of search hits and how many entries match in all."""
    result = search_index(session).search(q, kinds=kinds, sources=sources, limit=limit, offset=offset)
    return [_hit_read(hit) for hit in result.hits], result.total


def _competency_ref(competency: Competency) -> CompetencyRef:
    return CompetencyRef(
        source=competency.source,
        code=competency.code,
        ref=ref_of(competency.source, competency.code),
        kind=competency.kind,
        category=competency.category,
        label=competency.preferred_label,
        label_fr=competency.preferred_label_fr,
        href=_api("competency", competency.source, competency.code),
    )


def _occupation_ref(occupation: Occupation) -> OccupationRef:
    return OccupationRef(
        source=occupation.source,
        code=occupation.code,
        ref=ref_of(occupation.source, occupation.code),
        level=occupation.level,
        label=occupation.label,
        label_fr=occupation.label_fr,
        href=_api("occupation", occupation.source, occupation.code),
    )


def competency_detail(session: Session, *, source: str, ref: str) -> CompetencyRead:
    """Return a competency with its names, hierarchy, related skills and the occupations requiring it."""
    competency = taxonomy_service.get_competency(session, code=code_of(source, ref), source=source)
    release = taxonomy_service.get_release(session, source=source)
    relations = taxonomy_service.competency_relations(session, competency_id=competency.id)
    required_by, total = taxonomy_service.competency_required_by(session, competency_id=competency.id)
    return CompetencyRead(
        source=competency.source,
        code=competency.code,
        ref=ref_of(source, competency.code),
        uri=competency.uri,
        kind=competency.kind,
        category=competency.category,
        preferred_label=competency.preferred_label,
        preferred_label_fr=competency.preferred_label_fr,
        alt_labels=list(competency.alt_labels or ()),
        description=competency.description,
        skill_type=competency.skill_type,
        reuse_level=competency.reuse_level,
        collections=list(competency.collections or ()),
        release=ReleaseRef(source=release.source, version=release.version),
        broader=[_competency_ref(c) for rel, way, c in relations if rel == "broader" and way == "out"],
        narrower=[_competency_ref(c) for rel, way, c in relations if rel == "broader" and way == "in"],
        related=[
            RelatedCompetency(relation=rel, competency=_competency_ref(c))
            for rel, _w, c in relations
            if rel != "broader"
        ],
        required_by=[
            RequiredBy(
                occupation=_occupation_ref(occupation),
                relation=requirement.relation,
                importance=requirement.importance,
                level=requirement.level,
                scale=requirement.scale,
            )
            for requirement, occupation in required_by
        ],
        required_by_total=total,
    )


def _requirement_groups(
    grouped: dict[str, dict[str, list[tuple[OccupationRequirement, Competency]]]], via: str | None
) -> list[RequirementGroup]:
    groups = []
    order = {"essential": 0, "optional": 1}
    for source, by_relation in grouped.items():
        reads = [
            RequirementRead(
                competency=_competency_ref(competency),
                relation=requirement.relation,
                importance=requirement.importance,
                level=requirement.level,
                scale=requirement.scale,
                via=via,
            )
            for relation in sorted(by_relation, key=lambda r: (order.get(r, 2), r))
            for requirement, competency in sorted(
                by_relation[relation], key=lambda pair: (-(pair[0].level or 0), pair[1].preferred_label)
            )
        ]
        groups.append(RequirementGroup(source=source, via_codes=[via] if via else [], requirements=reads))
    return groups


def _best(related: list[taxonomy_service.RelatedCode], source: str) -> taxonomy_service.RelatedCode | None:
    candidates = [r for r in related if r.source == source]
    return max(candidates, key=lambda r: r.weight or 0.0) if candidates else None


def _linked(session: Session, source: str, code: str) -> Occupation | None:
    """Return the occupation a crosswalk names, if imported.

    Crosswalks built on older O*NET releases name detailed codes (51-4121.06) that O*NET 29.2 folds into their
    ``.00`` occupation; those are answered by the ``.00`` occupation.
    """
    for candidate in (code, code[:-2] + "00") if source == "onet" and not code.endswith(".00") else (code,):
        try:
            return taxonomy_service.get_occupation(session, source=source, code=candidate)
        except (errors.UnknownOccupation, errors.UnknownRelease):
            continue
    return None


def _best_linked(
    session: Session, links: list[taxonomy_service.RelatedCode], source: str
) -> Occupation | None:
    link = _best(links, source)
    return _linked(session, source, link.code) if link is not None else None


def _counterparts(
    session: Session, occupation: Occupation, related: list[taxonomy_service.RelatedCode]
) -> tuple[dict[str, Occupation], str | None]:
    """Return the best-linked occupation in each other taxonomy, and the NOC unit group of the occupation.

    Direct crosswalk rows first; then through the NOC unit group (OaSIS → NOC → O*NET, ESCO → NOC → OaSIS);
    an ESCO occupation whose chained row is missing reaches NOC through its O*NET occupation.
    """
    found: dict[str, Occupation] = {}
    for other in ("noc", "onet", "esco", "oasis"):
        if other != occupation.source and (linked := _best_linked(session, related, other)) is not None:
            found[other] = linked
    noc = occupation.code if occupation.source == "noc" else occupation.noc_code
    noc = noc or (found["noc"].code if "noc" in found else None)
    if noc is None and "onet" in found:
        link = _best(taxonomy_service.related_codes(session, source="onet", code=found["onet"].code), "noc")
        noc = link.code if link is not None else None
    if noc is not None:
        through = taxonomy_service.related_codes(session, source="noc", code=noc)
        for other in ("onet", "esco", "oasis"):
            if other != occupation.source and other not in found:
                if (linked := _best_linked(session, through, other)) is not None:
                    found[other] = linked
    return found, noc


def _crosswalked_requirements(
    session: Session, counterparts: dict[str, Occupation]
) -> list[RequirementGroup]:
    """Requirements other taxonomies state for the occupation's counterparts (through the crosswalks)."""
    groups: list[RequirementGroup] = []
    for other in ("esco", "oasis", "onet"):
        linked = counterparts.get(other)
        if linked is not None:
            grouped = taxonomy_service.occupation_requirements(session, occupation_id=linked.id)
            groups += _requirement_groups(grouped, via=linked.code)
    return groups


def _related_reads(session: Session, related: list[taxonomy_service.RelatedCode]) -> list[RelatedCodeRead]:
    ordered = sorted(related, key=lambda r: (r.source, -(r.weight or 0.0), r.code))
    reads = []
    for position, link in enumerate(ordered):
        served = link.source in SEARCH_SOURCES  # NOC 2016, SOC 2018 and ISCO codes are shown, not served
        linked = (
            _linked(session, link.source, link.code) if served and position < RELATED_WITH_LABELS else None
        )
        reads.append(
            RelatedCodeRead(
                source=link.source,
                code=link.code,
                label=linked.label if linked else None,
                href=_api("occupation", link.source, linked.code) if linked else None,
                dataset=link.dataset,
                direction="forward" if link.direction == "forward" else "reverse",
                weight=link.weight,
                provenance=link.provenance,
            )
        )
    return reads


def occupation_detail(session: Session, *, source: str, ref: str) -> OccupationRead:
    """Return an occupation with requirements by source, titles, duties, outlook and related codes."""
    occupation = taxonomy_service.get_occupation(session, source=source, code=code_of(source, ref))
    release = taxonomy_service.get_release(session, source=source)
    related = taxonomy_service.related_codes(session, source=source, code=occupation.code)
    grouped = taxonomy_service.occupation_requirements(session, occupation_id=occupation.id)
    counterparts, noc = _counterparts(session, occupation, related)
    outlook = taxonomy_service.outlook_for_noc(session, code=noc) if noc else None
    return OccupationRead(
        source=occupation.source,
        code=occupation.code,
        ref=ref_of(source, occupation.code),
        uri=occupation.uri,
        level=occupation.level,
        label=occupation.label,
        label_fr=occupation.label_fr,
        description=occupation.description,
        parent_code=occupation.parent_code,
        isco_group=occupation.isco_group,
        noc_code=occupation.noc_code,
        teer=occupation.teer,
        job_zone=occupation.job_zone,
        education=dict(occupation.education or {}),
        employment_requirements=list(occupation.employment_requirements or ()),
        release=ReleaseRef(source=release.source, version=release.version),
        titles=[
            TitleRead.model_validate(t)
            for t in taxonomy_service.occupation_titles(session, occupation_id=occupation.id)
            if t.kind != "hidden"
        ],
        duties=[
            DutyRead.model_validate(d)
            for d in taxonomy_service.occupation_duties(session, occupation_id=occupation.id)
        ],
        requirements=_requirement_groups(grouped, via=None)
        + _crosswalked_requirements(session, counterparts),
        outlook=OutlookRead.model_validate(outlook) if outlook is not None else None,
        related=_related_reads(session, related),
    )


def release_list(session: Session, *, source: str | None = None) -> list[ReleaseRead]:
    """Return the imported releases (of one source, or all) with their counts."""
    return [
        ReleaseRead(
            source=name,
            version=entry["version"],
            imported_at=datetime.fromisoformat(entry["imported_at"]),
            fingerprint=entry["fingerprint"],
            headline=entry["headline"],
            counts=entry["counts"],
            dangling_total=entry["dangling_total"],
        )
        for name, entries in taxonomy_service.data_stats(session).items()
        if source is None or name == source
        for entry in entries
    ]


OGL_CANADA = "Contains information licensed under the Open Government Licence – Canada."
# The statement each licence asks users of the data to show, and where the licence is.
NOTICES: dict[str, str] = {
    "esco": "This service uses the ESCO classification of the European Commission.",
    "noc": OGL_CANADA,
    "oasis": OGL_CANADA,
    "cops": OGL_CANADA,
    "onet": "This service incorporates information from O*NET 29.2 Database by the U.S. Department of Labor, "
    "Employment and Training Administration (USDOL/ETA). Used under the CC BY 4.0 license. O*NET® is a "
    "trademark of USDOL/ETA. Bridgeway has modified all or some of this information. USDOL/ETA has not "
    "approved, endorsed, or tested these modifications.",
    "crosswalks": "Crosswalks used under their licences (MIT, Apache-2.0, Open Government Licence – Canada); "
    "Bridgeway chains them (ESCO → O*NET → NOC 2021) and keeps the weight and provenance of every step.",
}
LICENCE_URLS: dict[str, list[str]] = {
    "esco": ["https://eur-lex.europa.eu/eli/dec/2011/833/oj", "https://creativecommons.org/licenses/by/4.0/"],
    "noc": ["https://open.canada.ca/en/open-government-licence-canada"],
    "oasis": ["https://open.canada.ca/en/open-government-licence-canada"],
    "cops": ["https://open.canada.ca/en/open-government-licence-canada"],
    "onet": ["https://creativecommons.org/licenses/by/4.0/", "https://www.apache.org/licenses/LICENSE-2.0"],
    "crosswalks": [
        "https://opensource.org/license/mit",
        "https://www.apache.org/licenses/LICENSE-2.0",
        "https://open.canada.ca/en/open-government-licence-canada",
    ],
}
META_NOTICE = (
    "Bridgeway shows data derived from these official sources. Each source is credited here as its licence asks; "
    "the sources do not endorse Bridgeway."
)


def _imported_counts(summary: dict[str, Any] | None) -> dict[str, int]:
    counts = (summary or {}).get("counts") or {}
    return {name: n for name, n in counts.items() if isinstance(n, int) and n}


def data_meta(session: Session) -> MetaRead:
    """Return every source's name, release, licence, attribution and the notice its licence asks for."""
    sources = []
    for item in taxonomy_service.data_sources():
        latest = taxonomy_service.latest_release(session, item.source)
        sources.append(
            DataSourceRead(
                source=item.source,
                name=item.name,
                release=item.release,
                imported_release=latest.version if latest else None,
                imported_counts=_imported_counts(latest.summary if latest else None),
                licence=item.licence,
                licence_urls=LICENCE_URLS.get(item.source, []),
                attribution=item.attribution,
                notice=NOTICES.get(item.source, item.attribution),
                url=item.url,
            )
        )
    return MetaRead(notice=META_NOTICE, sources=sources)
