"""Pinned packages from the npm registry, fetched once with ``npm pack`` into ``.cache/npm/``.

Each is pinned by version and by the registry's ``dist.integrity`` (sha512):
a tarball that does not match is refused, and a cached one is checked on use.
Nothing is fetched when a page or deck runs; the files are copied out of the
tarball when an output is built.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from common import atomic
from renderer.plan import ROOT

NPM_CACHE = ROOT / ".cache" / "npm"


class NpmError(Exception):
    pass


def integrity(path: Path) -> str:
    """The npm registry's ``dist.integrity`` of a tarball (Subresource Integrity, sha512)."""
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    integrity: str

    @property
    def spec(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def path(self) -> Path:
        return NPM_CACHE / f"{self.name}-{self.version}.tgz"

    def is_cached(self) -> bool:
        return self.path.exists() and integrity(self.path) == self.integrity

    def fetch(self, purpose: str) -> Path:
        """The tarball, fetched with npm the first time (``purpose`` says why, for the message)."""
        dest = self.path
        if self.is_cached():
            return dest
        npm = shutil.which("npm")
        if npm is None:
            raise NpmError(
                f"npm is needed once to fetch {self.spec} for {purpose}: "
                "apt-get install -y npm (./test.sh and render.sh's set-up install it)"
            )
        NPM_CACHE.mkdir(parents=True, exist_ok=True)
        with atomic.locked(NPM_CACHE / ".fetch.lock"):
            if self.is_cached():
                return dest
            with tempfile.TemporaryDirectory(dir=NPM_CACHE, prefix=".pack-") as tmp:
                env = dict(
                    os.environ, npm_config_fund="false", npm_config_audit="false", npm_config_update_notifier="false"
                )
                proc = subprocess.run(
                    [npm, "pack", self.spec, "--pack-destination", tmp],
                    cwd=tmp,
                    env=env,
                    capture_output=True,
                    text=True,
                    stdin=subprocess.DEVNULL,
                )
                got = Path(tmp) / dest.name
                if proc.returncode != 0 or not got.exists():
                    raise NpmError(f"npm pack {self.spec} failed: {proc.stderr.strip()[-500:]}")
                found = integrity(got)
                if found != self.integrity:
                    raise NpmError(f"{got.name}: integrity {found} is not the pinned {self.integrity}")
                os.replace(got, dest)
        return dest

    def extract(self, files: dict[str, str], folder: Path, purpose: str) -> None:
        """Copy ``files`` (path in the package -> path under ``folder``) out of the tarball."""
        with tarfile.open(self.fetch(purpose), "r:gz") as tar:
            for src, dst in files.items():
                try:
                    data = tar.extractfile(f"package/{src}")
                except KeyError:
                    data = None
                if data is None:
                    raise NpmError(f"{self.spec} has no {src}")
                target = folder / dst
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data.read())
