"""A stand-in for online geocoders on 127.0.0.1, answering in each provider's real response
format (Census, Nominatim, Pelias), and failing on demand: slow, 500, 503, 429 with
Retry-After, malformed JSON, missing fields, or no match."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from voterguide.geo.address import normalise

#: A place the stand-in knows: Tuscaloosa's university, in Tuscaloosa County.
TUSCALOOSA = {"lat": 33.2098, "lon": -87.5692, "county": "01125", "state": "AL",
              "matched": "2000 UNIVERSITY BLVD, TUSCALOOSA, AL, 35401"}
#: Downtown Birmingham, in Jefferson County.
BIRMINGHAM = {"lat": 33.5186, "lon": -86.8104, "county": "01073", "state": "AL",
              "matched": "710 20TH ST N, BIRMINGHAM, AL, 35203"}
KNOWN = {normalise("2000 University Blvd, Tuscaloosa, AL 35401"): TUSCALOOSA,
         normalise("710 20th St N, Birmingham, AL 35203"): BIRMINGHAM}


def census_match(place: dict) -> dict:
    """One Census addressMatches entry, as geographies/onelineaddress returns it."""
    return {
        "tigerLine": {"side": "L", "tigerLineId": "635178093"},
        "geographies": {
            "States": [{"STUSAB": place["state"], "GEOID": place["county"][:2],
                        "NAME": "Alabama", "STATE": place["county"][:2]}],
            "Counties": [{"GEOID": place["county"], "NAME": "Some County",
                          "STATE": place["county"][:2], "COUNTY": place["county"][2:],
                          "BASENAME": "Some", "CENTLAT": "+33.28", "CENTLON": "-087.52"}],
        },
        "coordinates": {"x": place["lon"], "y": place["lat"]},
        "addressComponents": {"zip": "35401", "state": place["state"], "city": "TUSCALOOSA"},
        "matchedAddress": place["matched"],
    }


def census_document(address: str, place: dict | None) -> dict:
    """The whole Census answer for an address."""
    return {"result": {
        "input": {"address": {"address": address},
                  "benchmark": {"benchmarkName": "Public_AR_Current"},
                  "vintage": {"vintageName": "Current_Current"}},
        "addressMatches": [census_match(place)] if place else [],
    }}


def nominatim_document(place: dict | None) -> list:
    """Nominatim's /search?format=json answer."""
    if not place:
        return []
    return [{"place_id": 1, "licence": "ODbL", "osm_type": "way", "osm_id": 2,
             "lat": str(place["lat"]), "lon": str(place["lon"]), "class": "building",
             "type": "house", "addresstype": "building", "place_rank": 30,
             "importance": 0.3, "display_name": place["matched"].title(),
             "boundingbox": [str(place["lat"] - 0.0002), str(place["lat"] + 0.0002),
                             str(place["lon"] - 0.0002), str(place["lon"] + 0.0002)]}]


def pelias_document(place: dict | None) -> dict:
    """Pelias's /v1/search GeoJSON answer."""
    features = []
    if place:
        features.append({"type": "Feature",
                         "geometry": {"type": "Point", "coordinates": [place["lon"], place["lat"]]},
                         "properties": {"id": "1", "layer": "address", "source": "openaddresses",
                                        "name": place["matched"].title(), "confidence": 1,
                                        "label": place["matched"].title(),
                                        "region_a": place["state"], "country_a": "USA"}})
    return {"geocoding": {"version": "0.2", "query": {}}, "type": "FeatureCollection",
            "features": features, "bbox": None}


class StandIn(ThreadingHTTPServer):
    """The stand-in server; set ``mode`` (and ``delay``) between requests."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.mode = "ok"
        self.delay = 0.0
        self.requests: list[str] = []
        self.lock = threading.Lock()

    @property
    def domain(self) -> str:
        """host:port, as geopy's ``domain`` option wants it."""
        return f"127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    """Answers by path in the provider's format, after applying the server's mode."""

    server: StandIn

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        """Stay quiet: tests read their own records."""

    def do_GET(self):  # noqa: N802 - http.server's naming
        """Census one-line, Nominatim search or Pelias search."""
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        address = query.get("address") or query.get("q") or query.get("text") or ""
        with self.server.lock:
            self.server.requests.append(url.path)
        if self._failing():
            return
        place = KNOWN.get(normalise(address))
        if self.server.mode == "empty":
            place = None
        if url.path == "/geocoder/geographies/onelineaddress":
            document = census_document(address, place)
        elif url.path == "/search":
            document = nominatim_document(place)
        elif url.path == "/v1/search":
            document = pelias_document(place)
        else:
            return self._send(404, {"error": "no such path"})
        if self.server.mode == "missing":
            document = _strip(document)
        self._send(200, document)

    def do_POST(self):  # noqa: N802
        """The Census batch endpoint: a CSV of id, street, city, state, zip."""
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        with self.server.lock:
            self.server.requests.append(urlsplit(self.path).path)
        if self._failing():
            return
        lines = []
        csv_part = body.split("Content-Type: text/csv\r\n\r\n", 1)[-1].split("\r\n--", 1)[0]
        for row in csv_part.splitlines():
            parts = [p.strip('"') for p in row.split(",")]
            if len(parts) < 5:
                continue
            key = f"{parts[1]}, {parts[2]}, {parts[3]} {parts[4]}"
            place = KNOWN.get(normalise(key))
            if place and self.server.mode != "empty":
                lines.append(f'"{parts[0]}","{key}","Match","Exact","{place["matched"]}",'
                             f'"{place["lon"]},{place["lat"]}","635178093","L",'
                             f'"{place["county"][:2]}","{place["county"][2:]}","010100","1000"')
            else:
                lines.append(f'"{parts[0]}","{key}","No_Match"')
        self._send_text(200, "\n".join(lines) + "\n", "text/csv")

    def _failing(self) -> bool:
        """Apply the mode: sleep, fail, rate-limit or send nonsense; True if answered."""
        mode = self.server.mode
        if self.server.delay:
            time.sleep(self.server.delay)
        if mode in ("500", "503"):
            self._send(int(mode), {"errors": ["server error"]})
        elif mode == "429":
            self.send_response(429)
            self.send_header("Retry-After", "30")
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"error": "slow down"}')
        elif mode == "badjson":
            self._send_text(200, '{"result": {"addressMatches": [', "application/json")
        else:
            return False
        return True

    def _send(self, status: int, document) -> None:
        """Send JSON."""
        self._send_text(status, json.dumps(document), "application/json")

    def _send_text(self, status: int, text: str, content_type: str) -> None:
        """Send a body with its length."""
        body = text.encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)


def _strip(document):
    """The same answer with the fields a parser needs removed."""
    if isinstance(document, list):
        return [{k: v for k, v in item.items() if k not in ("lat", "lon")} for item in document]
    if "result" in document:
        for match in document["result"]["addressMatches"]:
            match.pop("coordinates", None)
        return document
    for feature in document.get("features", []):
        feature.pop("geometry", None)
    return document


def start() -> StandIn:
    """Start a stand-in server in a background thread."""
    server = StandIn()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
