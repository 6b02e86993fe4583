"""The flyer PDF and the share image made from a Spanish page are Spanish: rendered with
poppler and Pillow, and read back."""

from __future__ import annotations

import io

from PIL import Image

from .test_flyer_pdf import info, render, text_of


def test_the_spanish_flyer_pdf_is_in_spanish_and_fits_one_page(client, tmp_path):
    response = client.get("/es/districts/al-circuit-6/flyer.pdf?size=letter")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "flyer-es.pdf"
    path.write_bytes(response.data)
    meta = info(path)
    assert meta["Pages"] == "1"
    assert meta["Title"] == "Candidatos: Fiscal de distrito, 6th Judicial Circuit, Alabama"
    assert "datos de ejemplo" in meta["Keywords"]
    [page] = render(path)
    assert page.size[0] > 0
    words = " ".join(text_of(path).split())
    for spanish in ("Conozca quiénes se postulan para fiscal de distrito", "Día de la elección:",
                    "Candidatos", "Lea todas las respuestas completas:",
                    "http://localhost/es/districts/al-circuit-6", "Nunca guardamos la dirección",
                    "Fianza en dinero", "Republicano, en el cargo"):
        assert spanish in words, spanish
    for english in ("Election day", "Read every answer", "Know who is running", "Money bail",
                    "incumbent"):
        assert english not in words, english


def test_the_spanish_share_image_differs_from_the_english_one(client):
    english = client.get("/share/districts/al-circuit-6.png")
    spanish = client.get("/es/share/districts/al-circuit-6.png")
    assert english.status_code == spanish.status_code == 200
    assert english.headers["ETag"] != spanish.headers["ETag"]
    image = Image.open(io.BytesIO(spanish.data))
    assert image.size == (1200, 630)
    assert english.data != spanish.data


def test_the_share_image_of_a_spanish_page_is_the_spanish_one(client):
    page = client.get("/es/districts/al-circuit-6").get_data(as_text=True)
    assert 'content="http://localhost/es/share/districts/al-circuit-6.png"' in page


def test_the_spanish_html_flyer_names_the_incumbent_in_spanish(client):
    """The HTML flyer's candidate line and column heads: "Republicano, en el cargo"."""
    page = client.get("/es/districts/al-circuit-6/flyer").get_data(as_text=True)
    assert "Republicano, en el cargo" in page
    assert "incumbent" not in page


def test_the_share_links_of_a_spanish_page_are_named_in_spanish(client):
    """The plain share links under a Spanish district page: "Correo electrónico", "Mensaje de
    texto" (the services' own names, WhatsApp and Facebook, stay as they are)."""
    page = client.get("/es/districts/al-circuit-6").get_data(as_text=True)
    assert ">Correo electrónico</a>" in page and ">Mensaje de texto</a>" in page
    assert ">Email</a>" not in page and ">Text message</a>" not in page
    english = client.get("/districts/al-circuit-6").get_data(as_text=True)
    assert ">Email</a>" in english and ">Text message</a>" in english
