"""A one-page PDF certificate with a QR code that opens the credential's public verification page."""

from __future__ import annotations

import io
from typing import Any

import qrcode
from fpdf import FPDF

from bridgeway.web.i18n import translate

_STATUS_WORDS = {"active": "In force", "suspended": "Suspended", "revoked": "Revoked"}


def _latin1(text: str) -> str:
    """fpdf2's core fonts speak Latin-1 (enough for English and French); replace anything else."""
    return text.encode("latin-1", "replace").decode("latin-1")


def certificate_pdf(
    *, summary: dict[str, Any], learner_name: str, status: str, verify_url: str, locale: str
) -> bytes:
    """Render the certificate: learner, achievement, competency, assessment, issuer, dates, status and QR code."""

    def t(text: str) -> str:
        return _latin1(translate(text, locale, "credentials"))

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title(_latin1(summary.get("achievement_name") or "Certificate"))
    pdf.set_author(_latin1(summary.get("issuer_name") or "Bridgeway"))
    pdf.add_page()
    pdf.set_draw_color(30, 60, 110)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, 281, 194)
    pdf.set_font("Helvetica", "B", 14)
    pdf.set_y(20)
    pdf.cell(0, 8, _latin1(summary.get("issuer_name") or ""), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 12)
    pdf.cell(0, 8, t("certifies that"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 24)
    pdf.cell(0, 14, _latin1(learner_name), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 12)
    pdf.cell(0, 8, t("has demonstrated mastery of"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(
        0, 10, _latin1(summary.get("achievement_name") or ""), align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font("Helvetica", "", 10)
    pdf.set_x(30)
    lines = []
    if summary.get("competency"):
        lines.append(f"{t('Competency')}: {summary['competency']}")
    if summary.get("assessment"):
        lines.append(f"{t('Assessment')}: {summary['assessment']}")
    lines.append(f"{t('Issued')}: {(summary.get('valid_from') or '')[:10]}")
    if summary.get("valid_until"):
        lines.append(f"{t('Valid until')}: {summary['valid_until'][:10]}")
    lines.append(f"{t('Status')}: {t(_STATUS_WORDS.get(status, status))}")
    pdf.multi_cell(190, 6, _latin1("\n".join(lines)), new_x="LMARGIN", new_y="NEXT")
    image = qrcode.make(verify_url, border=1).get_image()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    pdf.image(buffer, x=235, y=140, w=45, h=45)
    pdf.set_xy(150, 186)
    pdf.set_font("Helvetica", "", 8)
    pdf.cell(130, 5, _latin1(f"{t('Verify')}: {verify_url}"), align="R")
    return bytes(pdf.output())
