"""The district flyer as a one-page PDF (fpdf2), laid out like the HTML flyer printed from a
browser: heading and a captioned QR code, each race's candidates, one sentence for those who
did not respond, the answers of those who did under each question's full text, the scale's
key, and the footer. Titled, in English, and tagged (the QR code has alternative text).

Whatever the district, it stays on one page: the text shrinks a step at a time until it fits.
"""

from __future__ import annotations

import io

from babel.dates import format_date
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from ..guide.services import DistrictPage
from ..presenters import ORDER_ASIDE, UNOPPOSED, is_missing_brief, language, office_words
from .images import FONT_DIR
from .qr import qr_png
from .services import FlyerRace

INK, MUTED, ACCENT, LINE, WARN = (27, 27, 27), (74, 74, 74), (11, 79, 138), (201, 201, 201), \
    (91, 58, 0)
#: Body text sizes tried in turn until the flyer fits on its page.
SCALES = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5)


class _Flyer(FPDF):
    """An FPDF document in DejaVu Sans (shipped with the package), else the core Helvetica."""

    def __init__(self, paper: str, scale: float = 1.0):
        super().__init__(format=paper)
        self.scale = scale
        self.set_auto_page_break(False)
        self.set_margins(12, 12, 12)
        faces = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
        if all((FONT_DIR / name).is_file() for name in faces.values()):
            for style, name in faces.items():
                self.add_font("DejaVu", style, str(FONT_DIR / name))
            self.family = "DejaVu"
        else:
            self.family = "Helvetica"

    def close_fonts(self) -> None:
        """Close the font files of a layout that is thrown away (output() closes them)."""
        for font in self.fonts.values():
            if hasattr(font, "close"):
                font.close()

    def text_of(self, text: str) -> str:
        """Text the chosen font can draw (the core font knows Latin-1 only)."""
        if self.family == "DejaVu":
            return text
        return (text.replace("…", "...").replace("·", "-").replace("“", '"').replace("”", '"')
                .encode("latin-1", "replace").decode("latin-1"))

    def font(self, style: str, size: float, color: tuple[int, int, int] = INK) -> None:
        """Set the font at ``size`` points times the flyer's scale."""
        self.set_font(self.family, style, size * self.scale)
        self.set_text_color(*color)

    def para(self, width: float, size: float, text: str, style: str = "",
             color: tuple[int, int, int] = INK, gap: float = 1.0) -> None:
        """A left-aligned paragraph (never justified: a justified title gapes)."""
        self.font(style, size, color)
        self.multi_cell(width, size * self.scale * 0.45, self.text_of(text), align="L",
                        new_x="LMARGIN", new_y="NEXT")
        self.ln(gap * self.scale)


def flyer_pdf(page: DistrictPage, races: list[FlyerRace], page_url: str, home_url: str,
              paper: str, organisation: str = "") -> bytes:
    """Lay out the flyer on one Letter or A4 page, as large as fits."""
    for scale in SCALES:
        pdf = _layout(page, races, page_url, home_url, paper, organisation, scale)
        if pdf.page == 1 or scale == SCALES[-1]:
            break
        pdf.close_fonts()
    return bytes(pdf.output())


def _layout(page: DistrictPage, races: list[FlyerRace], page_url: str, home_url: str,
            paper: str, organisation: str, scale: float) -> _Flyer:
    """The flyer at one text scale; more than one page means it did not fit."""
    district = page.district
    pdf = _Flyer(paper, scale)
    title = _("%(office)s candidates: %(district)s, %(state)s",
              office=office_words(district.office), district=district.name,
              state=district.state.name)
    pdf.set_title(title)
    pdf.set_subject(_("A nonpartisan one-page guide to the candidates and their answers"))
    pdf.set_keywords(", ".join([office_words(district.office), district.name,
                                district.state.name, _("voter guide"),
                                *([_("sample data")] if page.is_sample else [])]))
    pdf.set_author(organisation or "voterguide")
    pdf.set_creator("voterguide")
    pdf.set_lang(f"{language()}-US")
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    width = pdf.epw
    qr_size = 38
    text_width = width - qr_size - 6
    qr_x = pdf.l_margin + width - qr_size
    pdf.image(io.BytesIO(qr_png(page_url, scale=6)), x=qr_x, y=pdf.t_margin, w=qr_size,
              h=qr_size, alt_text=f"QR code: {page_url}")
    pdf.set_xy(qr_x - 3, pdf.t_margin + qr_size + 1)
    pdf.font("B", 8)
    pdf.multi_cell(qr_size + 6, 3.6, pdf.text_of(_("Scan for every answer in full")), align="C",
                   new_x="LEFT", new_y="NEXT")
    pdf.font("", 7, MUTED)
    pdf.multi_cell(qr_size + 6, 3.2, pdf.text_of(page_url), align="C", new_x="LMARGIN",
                   new_y="NEXT")
    qr_bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin, pdf.t_margin)
    if page.is_sample:
        _sample_box(pdf, text_width)
    kicker = _("Know who is running for %(office)s", office=office_words(district.office).lower())
    pdf.para(text_width, 11, kicker, "B", ACCENT)
    pdf.para(text_width, 20, f"{district.name}, {district.state.name}", "B")
    pdf.para(text_width, 9.5, ", ".join(c.name for c in district.counties), color=MUTED)
    pdf.set_y(max(pdf.get_y(), qr_bottom) + 2)
    if not races:
        pdf.para(width, 11, _("No races have been added for this district yet."))
    for race in races:
        _race(pdf, race)
    _footer(pdf, page_url, home_url, organisation)
    return pdf


def _sample_box(pdf: _Flyer, width: float) -> None:
    """The "Sample data" notice: bordered, like the HTML flyer's, and not filled."""
    pdf.set_draw_color(138, 109, 0)
    pdf.set_line_width(0.5)
    pdf.font("B", 9.5)
    pdf.multi_cell(width, 9.5 * pdf.scale * 0.5, pdf.text_of(
        _("Sample data: these candidates and answers are fictional, made up to show how the "
          "guide works.")), border=1, align="L", padding=1.2, new_x="LMARGIN", new_y="NEXT")
    pdf.set_line_width(0.2)
    pdf.ln(1.5)


def _race(pdf: _Flyer, race: FlyerRace) -> None:
    """One race: heading, election day, candidates, the silent ones once, the answers."""
    width = pdf.epw
    pdf.para(width, 13, f"{race.office} · {race.election}", "B", gap=0.5)
    pdf.para(width, 10, _("Election day:") + " " + format_date(race.date, "full",
                                                               locale=language()), color=MUTED)
    names = " · ".join(
        c.name + (f" ({c.label if c.party else c.label.lower()})" if c.label else "")
        + ("" if c.responded else f": {c.status}") for c in race.candidates)
    pdf.para(width, 9.5, _("Candidates") + f" ({_(ORDER_ASIDE)}): {names}")
    if race.unopposed:
        _office_brief(pdf, race)
    if race.silence:
        pdf.para(width, 9.5, f"{race.silence} {race.contact}".strip(), "I", WARN)
    if race.questions and race.responders:
        _answers_table(pdf, race)
        for key in race.scale_keys:
            pdf.para(width, 8.5, _("Scale answers:") + f" {key}.", color=MUTED)
    elif race.questions:
        pdf.para(width, 9.5, _("The questions we asked:"), "B", gap=0.3)
        for number, question in enumerate(race.questions, start=1):
            pdf.para(width, 8.5, f"{number}. {question.topic}: {question.text}", gap=0.2)
    pdf.ln(2 * pdf.scale)


def _office_brief(pdf: _Flyer, race: FlyerRace) -> None:
    """An unopposed race: the word, and the incumbent and one sourced figure of the office."""
    width = pdf.epw
    pdf.para(width, 10, f"{_(UNOPPOSED)}: " + _("only one candidate is on the ballot."), "B",
             gap=0.3)
    office = race.record
    for line in ([_("Holds the office now") + f": {office.incumbent}"]
                 if office and office.incumbent
                 else []) + ([f"{office.figure} ({office.source})"] if office and office.figure
                             else []):
        pdf.para(width, 9, line, gap=0.2)


def _answers_table(pdf: _Flyer, race: FlyerRace) -> None:
    """The questions down (topic and full text), the responders across, one line per cell.
    Lines, not fills: a filled row prints grey on most printers and blurs the text."""
    text = pdf.text_of
    columns = len(race.responders)
    question_width = pdf.epw * (0.4 if columns <= 2 else 0.32)
    widths = [question_width] + [(pdf.epw - question_width) / columns] * columns
    size = (9 if columns <= 4 else 7) * pdf.scale
    pdf.set_draw_color(*LINE)
    pdf.set_line_width(0.2)
    pdf.set_font(pdf.family, "", size)
    pdf.set_text_color(*INK)
    heading = FontFace(emphasis="BOLD", fill_color=None)
    with pdf.table(col_widths=widths, headings_style=heading, line_height=size * 0.45,
                   text_align="LEFT", first_row_as_headings=True, padding=0.8,
                   borders_layout="HORIZONTAL_LINES", markdown=True) as table:
        row = table.row()
        row.cell(_("Question"))
        for candidate in race.responders:
            label = f"\n{candidate.label}" if candidate.label else ""
            row.cell(_plain(text(f"{candidate.name}{label}")))
        for index, question in enumerate(race.questions):
            row = table.row()
            row.cell(f"**{_plain(text(question.topic))}**\n{_plain(text(question.text))}")
            for candidate in race.responders:
                summary = candidate.summaries[index]
                row.cell(_plain(text(summary)), style=FontFace(emphasis="ITALICS", color=WARN)
                         if is_missing_brief(summary) else None)
    pdf.ln(1)


def _plain(text: str) -> str:
    """Text shown as written in a markdown cell: its markers ("**", "__", "--", "~~")
    escaped, so a question's own dashes are not read as underlining."""
    text = text.replace("\\", "\\\\")
    for marker in ("**", "__", "--", "~~"):
        text = text.replace(marker, "\\" + marker[0] + "\\" + marker[1])
    return text


def _footer(pdf: _Flyer, page_url: str, home_url: str, organisation: str) -> None:
    """Where to read everything, and how to find one's own district."""
    width = pdf.epw
    pdf.ln(1)
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
    pdf.set_line_width(0.2)
    pdf.ln(1.5)
    pdf.para(width, 10, _("Read every answer in full:") + f" {page_url}", "B", gap=0.3)
    pdf.para(width, 10, _("Not sure of your district? Type your address at") + f" {home_url}",
             "B", gap=0.3)
    nonpartisan = (_("Nonpartisan: %(organisation)s does not endorse candidates.",
                     organisation=organisation) if organisation
                   else _("Nonpartisan: we do not endorse candidates."))
    pdf.para(width, 8, nonpartisan + " " + _("We never keep the address you type."),
             color=MUTED)
