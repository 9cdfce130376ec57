"""The fontconfig file that lists only pia's bundled fonts.

Everything that lays out text for a report uses it: WeasyPrint (pia.render.pdf sets it before
Pango loads) and Graphviz, which measures the diagram's labels with fontconfig. Without it the
diagram's geometry would depend on the system's fonts, and on whether a PDF was rendered in the
same process, so the same inputs could give different HTML.

The file and fontconfig's cache live in a folder only this user can write: the per-user cache
folder (checked for owner and mode), or else a fresh private temp folder (``mkdtemp``, removed at
exit). Never a predictable name in the shared temp folder: another user could create that folder
first, plant a symlink named ``fonts.conf`` and have pia overwrite any file its user may write, or
choose the fonts every report is set in.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import shutil
import tempfile
from importlib import resources
from pathlib import Path

from pia.load.files import private_cache_dir, write_atomic


def fonts_dir() -> Path:
    return Path(str(resources.files("pia.render") / "assets" / "fonts"))


def fontconfig_text(fonts: Path, folder: Path) -> str:
    """fonts.conf for ``fonts``, with fontconfig's cache in ``folder``."""
    aliases = "\n".join(
        f"  <alias><family>{generic}</family><prefer><family>{first}</family>"
        "<family>DejaVu Sans</family></prefer></alias>"
        for generic, first in (
            ("serif", "Liberation Serif"),
            ("sans-serif", "Liberation Sans"),
            ("monospace", "Liberation Mono"),
        )
    )
    return f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>{fonts}</dir>
  <cachedir>{folder / "cache"}</cachedir>
{aliases}
</fontconfig>
"""


@functools.cache
def _temporary_folder() -> Path:
    """A fresh folder only this process knows, removed when the process exits."""
    folder = Path(tempfile.mkdtemp(prefix="pia-fontconfig-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def fontconfig_folder(fonts: Path) -> Path:
    """The private folder for this fonts path: in the user's cache, else a private temp one."""
    key = hashlib.sha256(str(fonts).encode("utf-8")).hexdigest()[:12]
    return private_cache_dir(f"fontconfig-{key}") or _temporary_folder()


def pinned_fontconfig() -> Path:
    """Write (if needed) and return a fonts.conf that lists only the bundled fonts."""
    fonts = fonts_dir()
    folder = fontconfig_folder(fonts)
    conf = folder / "fonts.conf"
    text = fontconfig_text(fonts, folder)
    try:
        current = conf.read_text(encoding="utf-8") if conf.is_file() else None
    except (OSError, UnicodeDecodeError):
        current = None
    if current != text:
        write_atomic(conf, text.encode("utf-8"))
    return conf
