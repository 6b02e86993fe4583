"""Letters inviting candidates to answer online, one page each (fpdf2), for when the guide
sends no email: the candidate's name and postal address, the page to open and their code."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

#: DejaVu Sans, shipped with the package (see scripts/vendor_fonts.py).
FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"


class _Letters(FPDF):
    """A Letter-size document in DejaVu Sans, else the core Helvetica (Latin-1 only)."""

    def __init__(self):
        super().__init__(format="letter")
        self.set_auto_page_break(False)
        self.set_margins(25, 25, 25)
        faces = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
        if all((FONT_DIR / name).is_file() for name in faces.values()):
            for style, name in faces.items():
                self.add_font("DejaVu", style, str(FONT_DIR / name))
            self.family = "DejaVu"
        else:
            self.family = "Helvetica"

    def text_of(self, text: str) -> str:
        """Text the chosen font can draw."""
        if self.family == "DejaVu":
            return text
        return text.encode("latin-1", "replace").decode("latin-1")


def letters_pdf(letters: list[dict]) -> bytes:
    """One page per letter; each dict as sending._context gives, plus ``postal_address``."""
    pdf = _Letters()
    pdf.set_title("Questionnaire letters")
    for letter in letters:
        pdf.add_page()
        text = pdf.text_of
        width = pdf.epw
        candidate, questionnaire = letter["candidate"], letter["questionnaire"]
        race = letter["race"]
        pdf.set_font(pdf.family, "B", 12)
        pdf.multi_cell(width, 6, text(letter["organisation"]), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(10)
        pdf.set_font(pdf.family, "", 11)
        address = "\n".join([candidate.name, *(letter["postal_address"] or "").splitlines()])
        pdf.multi_cell(width / 2, 5.5, text(address), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(12)
        pdf.multi_cell(width, 6, text(
            f"Dear {candidate.name},\n\nAs a candidate for {race.office.lower()} in the "
            f"{race.district.name} ({race.election.name}), you are invited to answer the "
            f"{questionnaire.title}. Voters read every candidate's answers side by side, in "
            "your own words, with the date we received them."), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
        pdf.multi_cell(width, 6, text("To answer, open this page and type your access code:"),
                       new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        pdf.set_font(pdf.family, "B", 14)
        pdf.multi_cell(width, 8, text(letter["entry_url"]), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(pdf.family, "B", 20)
        pdf.multi_cell(width, 12, text(letter["code"]), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(pdf.family, "", 11)
        pdf.ln(3)
        deadline = questionnaire.deadline
        pdf.multi_cell(width, 6, text(
            "You can save your answers and come back later with the same code"
            + (f", until {deadline:%B} {deadline.day}, {deadline.year}" if deadline else "")
            + ". Nothing is published until you submit and we have checked it is complete; "
            "we publish your answers as you wrote them. You may also decline, with a statement "
            "we show as yours. Keep this code private: anyone who has it can answer for you."),
            new_x="LMARGIN", new_y="NEXT")
        if letter.get("entry_url_es"):  # the same questionnaire, in Spanish, with the same code
            pdf.ln(3)
            pdf.multi_cell(width, 6, text(
                f"En español: abra {letter['entry_url_es']} y escriba el mismo código."),
                new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
