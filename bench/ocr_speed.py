"""OCR time per 1280x800 screenshot on one core, and what OCR reads of it.

    python3 bench/ocr_speed.py [--n 10] [--seed 7]
    python3 bench/ocr_speed.py --corpus /path/to/corpus      # also: recall per kind on a corpus

Synthetic mode renders helpdesk-style screenshots with Pillow (title bar, menu,
toolbar, sidebar, an employee table, status bar) in English, Swedish and German, runs
``bridge.extract.ocr.ocr_image`` (the same call extraction makes) pinned to one CPU,
and prints median/p90 seconds and the share of table values read back.

Corpus mode runs ``extract_attachment`` over every attachment of a corpus in the
``tickets.jsonl`` format and reports, per kind, how many labelled attachment items
appear in the extracted text after normalising case and whitespace, plus the
extraction time of the screenshots. Not a test: a benchmark to run by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image, ImageDraw, ImageFont

from bridge.extract import AttachmentLimits, extract_attachment
from bridge.extract.ocr import ocr_image

SIZE = (1280, 800)
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

UI = {
    "en": dict(title="ShiftPlanner - Employees", menu=["File", "Edit", "View", "Reports", "Tools", "Help"],
               side=["Employees", "Timesheets", "Rosters", "Absence", "Reports"],
               head=["Name", "Team", "Mobile", "Date of birth"], teams=["Logistics", "Finance", "Sales", "Service"],
               first=["Oliver", "Amelia", "Harry", "Isla", "George", "Grace", "Jack", "Emily"],
               last=["Thompson", "Walker", "Robinson", "Wright", "Hughes", "Edwards", "Turner", "Palmer"],
               phone=lambda r: f"07{r.randint(100, 999)} {r.randint(100000, 999999)}",
               date=lambda r: f"{r.randint(1, 28):02d}/{r.randint(1, 12):02d}/{r.randint(1960, 2002)}",
               status="Connected to app01.corp.local | ShiftPlanner 7.4.2 | Signed in as admin"),
    "sv": dict(title="TidKoll - Personal", menu=["Arkiv", "Redigera", "Visa", "Rapporter", "Verktyg", "Hjälp"],
               side=["Personal", "Tidrapporter", "Schema", "Frånvaro", "Rapporter"],
               head=["Namn", "Avdelning", "Mobil", "Födelsedatum"],
               teams=["Lager", "Ekonomi", "Försäljning", "Kundtjänst"],
               first=["Åsa", "Björn", "Märta", "Göran", "Linnéa", "Örjan", "Ingrid", "Håkan"],
               last=["Lindström", "Åberg", "Öhman", "Sjögren", "Nyström", "Bäckström", "Ekström", "Höglund"],
               phone=lambda r: f"07{r.randint(0, 9)}-{r.randint(100, 999)} {r.randint(10, 99)} {r.randint(10, 99)}",
               date=lambda r: f"{r.randint(1960, 2002)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
               status="Ansluten till tid-app02.foretag.se | TidKoll 2024.3 | Inloggad som admin"),
    "de": dict(title="ZeitWerk - Mitarbeiter", menu=["Datei", "Bearbeiten", "Ansicht", "Berichte", "Extras", "Hilfe"],
               side=["Mitarbeiter", "Zeitkonten", "Dienstplan", "Abwesenheiten", "Berichte"],
               head=["Name", "Abteilung", "Mobil", "Geburtsdatum"],
               teams=["Lager", "Buchhaltung", "Vertrieb", "Technik"],
               first=["Jürgen", "Käthe", "Sören", "Grete", "Björn", "Lüder", "Jörg", "Maren"],
               last=["Müller", "Schäfer", "Größ", "Köhler", "Weiß", "Bäcker", "Jäger", "Hoß"],
               phone=lambda r: f"0{r.randint(151, 179)}/{r.randint(1000000, 9999999)}",
               date=lambda r: f"{r.randint(1, 28):02d}.{r.randint(1, 12):02d}.{r.randint(1960, 2002)}",
               status="Verbunden mit zeit-web01.firma.de | ZeitWerk 5.2 | Angemeldet als admin"),
}


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    return ImageFont.truetype(str(path), size) if path.exists() else ImageFont.load_default(size=size)


def screenshot(language: str, rng: random.Random) -> tuple[Image.Image, list[str]]:
    """A 1280x800 application window with an employee table; returns it and the values shown."""
    ui = UI[language]
    image = Image.new("RGB", SIZE, (30, 90, 110))
    draw = ImageDraw.Draw(image)
    draw.rectangle((6, 6, 1274, 760), fill=(255, 255, 255))
    draw.rectangle((6, 6, 1274, 36), fill=(45, 85, 150))
    draw.text((16, 13), ui["title"], fill="white", font=font(14, bold=True))
    x = 16
    for item in ui["menu"]:
        draw.text((x, 44), item, fill=(20, 20, 20), font=font(13))
        x += 12 + int(draw.textlength(item, font=font(13)))
    draw.rectangle((6, 90, 200, 740), fill=(243, 246, 250))
    for n, item in enumerate(ui["side"]):
        draw.text((20, 104 + 27 * n), item, fill=(30, 30, 30), font=font(13))
    rows = rng.randint(4, 9)
    heading = ui["title"].split(" - ")[1] + f" - {rng.choice(ui['teams'])}"
    draw.text((222, 112), heading, fill=(15, 20, 40), font=font(16, bold=True))
    columns = [222, 410, 560, 760]
    top = 150
    draw.rectangle((222, top, 960, top + 32 * (rows + 1)), outline=(190, 190, 200))
    draw.rectangle((223, top + 1, 959, top + 32), fill=(228, 231, 240))
    for col, text in zip(columns, ui["head"], strict=True):
        draw.text((col + 8, top + 8), text, fill=(20, 20, 20), font=font(15, bold=True))
    values: list[str] = []
    for row in range(rows):
        y = top + 32 * (row + 1)
        if row % 2:
            draw.rectangle((223, y, 959, y + 31), fill=(247, 248, 250))
        cells = [f"{rng.choice(ui['first'])} {rng.choice(ui['last'])}", rng.choice(ui["teams"]),
                 ui["phone"](rng), ui["date"](rng)]
        for col, text in zip(columns, cells, strict=True):
            draw.text((col + 8, y + 8), text, fill=(20, 20, 20), font=font(15))
        values += [cells[0], cells[2], cells[3]]
    draw.rectangle((6, 740, 1274, 760), fill=(232, 232, 232))
    draw.text((16, 743), ui["status"], fill=(60, 60, 60), font=font(12))
    draw.rectangle((0, 762, 1280, 800), fill=(32, 32, 36))
    draw.text((1200, 774), f"{rng.randint(8, 17)}:{rng.randint(10, 59)}", fill="white", font=font(12))
    return image, values


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def pin_one_core() -> str:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})  # Tesseract inherits it
        return f"cpu {cpu}"
    return "unpinned"


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]


def synthetic(n: int, seed: int) -> None:
    rng = random.Random(seed)
    print(f"OCR per {SIZE[0]}x{SIZE[1]} screenshot, one core ({pin_one_core()}), {n} per language")
    print(f"{'language':<9} {'tesseract':<9} {'n':>3} {'median s':>9} {'p90 s':>7} {'values read':>12}")
    everything: list[float] = []
    for language, langs in (("en", "eng"), ("sv", "swe+eng"), ("de", "deu+eng")):
        times: list[float] = []
        read = total = 0
        for _ in range(n):
            image, values = screenshot(language, rng)
            started = time.perf_counter()
            text = norm(ocr_image(image, language))
            times.append(time.perf_counter() - started)
            read += sum(norm(v) in text for v in values)
            total += len(values)
        everything += times
        print(f"{language:<9} {langs:<9} {n:>3} {statistics.median(times):>9.2f} {p90(times):>7.2f} "
              f"{read:>5}/{total:<4} {100 * read / total:>3.0f}%")
    print(f"{'all':<9} {'':<9} {len(everything):>3} {statistics.median(everything):>9.2f} {p90(everything):>7.2f}")


def corpus(directory: Path) -> None:
    pin_one_core()
    limits = AttachmentLimits()
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    files: Counter[str] = Counter()
    screenshot_times: list[float] = []
    problems = 0
    for line in (directory / "tickets.jsonl").read_text(encoding="utf-8").splitlines():
        ticket = json.loads(line)
        for attachment in ticket["attachments"]:
            data = (directory / attachment["path"]).read_bytes()
            started = time.perf_counter()
            result = extract_attachment(attachment["filename"], data, limits, ticket["language"])
            elapsed = time.perf_counter() - started
            problems += result.problem is not None
            kind = result.kind
            if kind == "pdf":
                kind = "pdf (scan)" if _is_scan(data) else "pdf (text)"
            if kind == "image":
                screenshot_times.append(elapsed)
            files[kind] += 1
            text = norm(" ".join(part.text for part in result.parts))
            for item in ticket["label"]["found"]:
                if item["where"] == f"attachment:{attachment['filename']}":
                    totals[kind] += 1
                    hits[kind] += norm(item["text"]) in text
    print(f"{'kind':<12} {'files':>5} {'items read':>14}")
    for kind in sorted(totals):
        print(f"{kind:<12} {files[kind]:>5} {hits[kind]:>6}/{totals[kind]:<4} {100 * hits[kind] / totals[kind]:>3.0f}%")
    all_hits, all_items = sum(hits.values()), sum(totals.values())
    share = 100 * all_hits / max(all_items, 1)
    print(f"{'all':<12} {sum(files.values()):>5} {all_hits:>6}/{all_items:<4} {share:>3.0f}%")
    print(f"attachments with a problem: {problems}")
    if screenshot_times:
        print(f"screenshots: {len(screenshot_times)}, extraction (child process + OCR) median "
              f"{statistics.median(screenshot_times):.2f} s, p90 {p90(screenshot_times):.2f} s")


def _is_scan(data: bytes) -> bool:
    import io

    from pypdf import PdfReader

    return not any((page.extract_text() or "").strip() for page in PdfReader(io.BytesIO(data)).pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10, help="screenshots per language")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--corpus", type=Path, help="a corpus folder (tickets.jsonl + attachments/)")
    args = parser.parse_args()
    synthetic(args.n, args.seed)
    if args.corpus:
        print()
        corpus(args.corpus)


if __name__ == "__main__":
    main()
