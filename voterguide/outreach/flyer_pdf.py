"""The district flyer as a one-page PDF (fpdf2), with the QR code embedded as a PNG."""

from __future__ import annotations

import io

from fpdf import FPDF
from fpdf.fonts import FontFace

from ..guide.services import DistrictPage
from ..presenters import MISSING_BRIEFS
from .images import FONT_DIR
from .qr import qr_png
from .services import FlyerRace


class _Flyer(FPDF):
    """An FPDF document in DejaVu Sans (shipped with the package), else the core Helvetica."""

    def __init__(self, paper: str):
        super().__init__(format=paper)
        self.set_auto_page_break(False)
        self.set_margins(12, 12, 12)
        faces = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
        if all((FONT_DIR / name).is_file() for name in faces.values()):
            for style, name in faces.items():
                self.add_font("DejaVu", style, str(FONT_DIR / name))
            self.family = "DejaVu"
        else:
            self.family = "Helvetica"

    def text_of(self, text: str) -> str:
        """Text the chosen font can draw (the core font knows Latin-1 only)."""
        if self.family == "DejaVu":
            return text
        return text.replace("…", "...").replace("·", "-").encode("latin-1", "replace").decode(
            "latin-1")


def flyer_pdf(page: DistrictPage, races: list[FlyerRace], page_url: str, home_url: str,
              paper: str) -> bytes:
    """Lay out the flyer on one Letter or A4 page."""
    pdf = _Flyer(paper)
    pdf.add_page()
    text = pdf.text_of
    district = page.district
    width = pdf.epw
    qr_size = 42
    if page.is_sample:
        pdf.set_fill_color(255, 244, 214)
        pdf.set_font(pdf.family, "B", 10)
        pdf.multi_cell(width - qr_size - 4, 6, text("Sample data: these candidates and answers "
                                                    "are fictional."), fill=True,
                       new_x="LMARGIN", new_y="NEXT")
    pdf.image(io.BytesIO(qr_png(page_url, scale=6)), x=pdf.l_margin + width - qr_size,
              y=pdf.t_margin, w=qr_size, h=qr_size)
    pdf.set_font(pdf.family, "B", 11)
    pdf.set_text_color(11, 79, 138)
    pdf.cell(width - qr_size - 4, 7, text(f"Know who is running for {district.office.lower()}"),
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(27, 27, 27)
    pdf.set_font(pdf.family, "B", 20)
    pdf.multi_cell(width - qr_size - 4, 9, text(f"{district.name}, {district.state.name}"),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.family, "", 9)
    pdf.multi_cell(width - qr_size - 4, 4.5,
                   text(", ".join(c.name for c in district.counties)),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(pdf.get_y(), pdf.t_margin + qr_size + 2))
    for race in races:
        pdf.set_font(pdf.family, "B", 13)
        pdf.cell(width, 8, text(f"{race.office} · {race.election}"), new_x="LMARGIN",
                 new_y="NEXT")
        pdf.set_font(pdf.family, "", 10)
        pdf.cell(width, 6, text(f"Election day: {race.date:%A, %B} {race.date.day}, "
                                f"{race.date.year}"), new_x="LMARGIN", new_y="NEXT")
        _answers_table(pdf, race)
    pdf.set_y(pdf.h - pdf.b_margin - 24)
    pdf.set_draw_color(11, 79, 138)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
    pdf.ln(2)
    pdf.set_font(pdf.family, "B", 10)
    pdf.multi_cell(width, 5, text(f"Read every answer in full: {page_url}"),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(width, 5, text(f"Not sure of your district? Type your address at {home_url}"),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.family, "", 8)
    pdf.multi_cell(width, 4, text("Nonpartisan: we do not endorse candidates. We never keep "
                                  "the address you type."), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _answers_table(pdf: _Flyer, race: FlyerRace) -> None:
    """The questions down, the candidates across, one short summary per cell."""
    text = pdf.text_of
    if not race.topics:
        pdf.set_font(pdf.family, "", 10)
        for candidate in race.candidates:
            party = f" ({candidate.party})" if candidate.party else ""
            pdf.cell(pdf.epw, 5, text(f"{candidate.name}{party}"),
                     new_x="LMARGIN", new_y="NEXT")
        return
    columns = len(race.candidates)
    size = 10 if columns <= 4 else 7
    pdf.set_font(pdf.family, "", size)
    topic_width = pdf.epw * (0.28 if columns <= 4 else 0.2)
    widths = [topic_width] + [(pdf.epw - topic_width) / max(columns, 1)] * columns
    heading = FontFace(emphasis="BOLD", fill_color=(243, 245, 248))
    line_height = 5.5 if columns <= 4 else 4
    with pdf.table(col_widths=widths, headings_style=heading, line_height=line_height,
                   text_align="LEFT", first_row_as_headings=True) as table:
        row = table.row()
        row.cell(text("Question"))
        for candidate in race.candidates:
            row.cell(text(f"{candidate.name}\n{candidate.label}".strip()))
        for index, topic in enumerate(race.topics):
            row = table.row()
            row.cell(text(topic), style=FontFace(emphasis="BOLD"))
            for candidate in race.candidates:
                summary = candidate.summaries[index]
                row.cell(text(summary), style=FontFace(emphasis="ITALICS", color=(91, 58, 0))
                         if summary in MISSING_BRIEFS else None)

