"""The fontconfig file that lists only pia's bundled fonts.

Everything that lays out text for a report uses it: WeasyPrint (pia.render.pdf sets it before
Pango loads) and Graphviz, which measures the diagram's labels with fontconfig. Without it the
diagram's geometry would depend on the system's fonts, and on whether a PDF was rendered in the
same process, so the same inputs could give different HTML.
"""

from __future__ import annotations

import hashlib
import tempfile
from importlib import resources
from pathlib import Path


def pinned_fontconfig() -> Path:
    """Write (if needed) and return a fonts.conf that lists only the bundled fonts."""
    fonts = Path(str(resources.files("pia.render") / "assets" / "fonts"))
    key = hashlib.sha256(str(fonts).encode("utf-8")).hexdigest()[:12]
    folder = Path(tempfile.gettempdir()) / f"pia-fontconfig-{key}"
    folder.mkdir(parents=True, exist_ok=True)
    conf = folder / "fonts.conf"
    aliases = "\n".join(
        f"  <alias><family>{generic}</family><prefer><family>{first}</family>"
        "<family>DejaVu Sans</family></prefer></alias>"
        for generic, first in (
            ("serif", "Liberation Serif"),
            ("sans-serif", "Liberation Sans"),
            ("monospace", "Liberation Mono"),
        )
    )
    text = f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>{fonts}</dir>
  <cachedir>{folder / "cache"}</cachedir>
{aliases}
</fontconfig>
"""
    if not conf.exists() or conf.read_text(encoding="utf-8") != text:
        conf.write_text(text, encoding="utf-8")
    return conf
