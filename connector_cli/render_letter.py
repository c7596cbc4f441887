"""A letter (letters.Letter) as Markdown and as a self-contained HTML page for A4 paper.

The HTML has its styles inline and loads nothing (no fonts, images or scripts), so it opens
the same offline and prints cleanly from any browser (@page sets A4 and the margins). Every
piece of recorded text is escaped: a name or note is shown as typed, never run as markup.
"""

from __future__ import annotations

import html
import re

from connector_cli.letters import Letter

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!~])")


def _md(text: str) -> str:
    """Recorded text in Markdown: special characters escaped, lines kept."""
    return "  \n".join(_MD_SPECIAL.sub(r"\\\1", line) for line in str(text).splitlines())


def markdown(letter: Letter) -> str:
    lines = [
        f"# {_md(letter.scheme_name)}",
        "",
        _md(letter.scheme_contact),
        "",
        f"{_md(letter.dated)}",
        "",
        f"To: {_md(letter.recipient)}",
        "",
        f"**{_md(letter.subject)}**",
        "",
        _md(letter.opening),
    ]
    for section in letter.sections:
        lines += ["", f"## {_md(section.title)}", ""]
        for label, words in section.quotes:
            lines += [f"{_md(label)}:", "", f"> {_md(words)}", ""]
        for paragraph in section.paragraphs:
            lines += [_md(paragraph), ""]
        lines += [f"- {_md(item)}" for item in section.items]
        if section.items:
            lines.append("")
    lines += ["", "Yours sincerely,", "", _md(letter.scheme_name)]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).rstrip() + "\n"


CSS = """
@page { size: A4; margin: 20mm 18mm 22mm 18mm; }
* { box-sizing: border-box; }
html { background: #fff; }
body {
  margin: 0 auto; padding: 20mm 18mm; max-width: 210mm; color: #111;
  font: 11pt/1.45 "Helvetica Neue", Arial, "Liberation Sans", sans-serif;
}
header { display: flex; justify-content: space-between; align-items: flex-start;
  border-bottom: 2px solid #1d4f6e; padding-bottom: 6mm; margin-bottom: 8mm; gap: 10mm; }
header h1 { flex: 1 1 40%; font-size: 18pt; margin: 0; color: #1d4f6e; }
header .contact { flex: 0 1 auto; max-width: 62%; text-align: right; font-size: 9.5pt;
  color: #333; white-space: pre-line; overflow-wrap: anywhere; }
.meta { margin-bottom: 6mm; }
.meta p { margin: 0 0 1.5mm 0; }
.subject { font-weight: bold; font-size: 12pt; margin: 6mm 0 4mm 0; }
h2 { font-size: 12pt; color: #1d4f6e; margin: 6mm 0 2mm 0; padding-bottom: 1mm;
  border-bottom: 1px solid #c9d6df; break-after: avoid; page-break-after: avoid; }
section { break-inside: avoid; page-break-inside: avoid; }
p { margin: 0 0 2.5mm 0; }
ul { margin: 0 0 3mm 0; padding-left: 6mm; }
li { margin-bottom: 1mm; }
blockquote { margin: 1mm 0 3mm 0; padding: 1.5mm 4mm; border-left: 3px solid #1d4f6e;
  background: #f3f6f8; font-style: italic; }
.label { margin: 0; font-size: 9.5pt; color: #444; }
.sign { margin-top: 10mm; }
@media print {
  body { padding: 0; max-width: none; }
  blockquote { background: none; }
}
"""


def _h(text: str) -> str:
    return html.escape(str(text), quote=True)


def _lines(text: str) -> str:
    """Escaped, with the line breaks typed (an address, a second note) kept."""
    return "<br>\n".join(_h(line) for line in str(text).splitlines())


def _section_html(section) -> str:
    parts = [f"<section>\n<h2>{_h(section.title)}</h2>"]
    for label, words in section.quotes:
        parts.append(f'<p class="label">{_h(label)}</p>\n<blockquote>{_lines(words)}</blockquote>')
    parts += [f"<p>{_lines(p)}</p>" for p in section.paragraphs]
    if section.items:
        parts.append("<ul>" + "".join(f"<li>{_h(item)}</li>" for item in section.items) + "</ul>")
    parts.append("</section>")
    return "\n".join(parts)


def html_page(letter: Letter) -> str:
    body = "\n".join(_section_html(s) for s in letter.sections)
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{_h(letter.subject)}</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>{_h(letter.scheme_name)}</h1>
<div class="contact">{_h(letter.scheme_contact)}</div>
</header>
<div class="meta">
<p>{_h(letter.dated)}</p>
<p>To: {_h(letter.recipient)}</p>
</div>
<p class="subject">{_h(letter.subject)}</p>
<p>{_lines(letter.opening)}</p>
{body}
<p class="sign">Yours sincerely,<br>{_h(letter.scheme_name)}</p>
</body>
</html>
"""
