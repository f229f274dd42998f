"""A plain .xlsx written straight into its zip, row by row: a run's results.xlsx and
needs-attention.xlsx.

openpyxl's write-only mode makes an object per cell and serialises it through an XML tree writer
(7.5 CPU minutes for the 26 million cells of a 1,048,576-row run), and keeps every cell comment in
memory until the workbook is saved (5 to 6 KB each: 210 MB for the 36,700 rows needing attention
in such a run). Here a row is one string and comments go to temporary files as they come: the same
workbook as openpyxl's (text as inline strings, numbers, booleans, dates with openpyxl's number
formats, a bold header, marked cells filled and commented) in constant memory.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Mapping, Sequence

from telecrm_desktop.core.sources.header import column_letter
from telecrm_desktop.core.sources.table import CellValue

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
COMMENT_AUTHOR = "telecrm import"

# cellXfs: 0 plain, 1 bold (headers), 2-5 the date kinds; 6-10 the same five filled (marked cells)
_FORMATS = {None: 0, dt.datetime: 164, dt.date: 165, dt.time: 21, dt.timedelta: 166}  # openpyxl's formats
_KINDS = (None, dt.datetime, dt.date, dt.time, dt.timedelta)
_BOLD, _MARKED = 1, 5


def _style(kind, marked: bool) -> int:
    index = _KINDS.index(kind)
    return (index + 1 if index else 0) + (_MARKED + (0 if index else 1) if marked else 0)


def _styles(fill_rgb: str) -> str:
    xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
           '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>']
    xfs += [f'<xf numFmtId="{_FORMATS[k]}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
            for k in _KINDS[1:]]
    xfs += [f'<xf numFmtId="{_FORMATS[k]}" fontId="0" fillId="2" borderId="0" xfId="0" applyFill="1"{number}/>'
            for k, number in zip(_KINDS, [""] + [' applyNumberFormat="1"'] * 4)]
    return (f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
            '<numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy-mm-dd h:mm:ss"/>'
            '<numFmt numFmtId="165" formatCode="yyyy-mm-dd"/><numFmt numFmtId="166" formatCode="[hh]:mm:ss"/></numFmts>'
            '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
            '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
            '<fills count="3"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/></fill>'
            f'<fill><patternFill patternType="solid"><fgColor rgb="00{fill_rgb}"/></patternFill></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


# a comment's box, as openpyxl draws it (legacy VML: what Excel shows on hovering the cell)
_VML_HEAD = ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
             'xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit">'
             '<o:idmap v:ext="edit" data="1"/></o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" '
             'o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
             '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>')
_VML_SHAPE = ('<v:shape id="_x0000_s{id:04d}" type="#_x0000_t202" style="position:absolute; margin-left:59.25pt;'
              'margin-top:1.5pt;width:144px;height:79px;z-index:1;visibility:hidden" fillcolor="#ffffe1" '
              'o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow color="black" obscured="t"/>'
              '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left"/>'
              '</v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
              '<x:AutoFill>False</x:AutoFill><x:Row>{row}</x:Row><x:Column>{column}</x:Column></x:ClientData></v:shape>')


# What openpyxl writes for a number and a date, without importing openpyxl: its package import loads
# the whole workbook model and Pillow (about 12 MB in the process that writes the result files).
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_SECONDS_A_DAY = 86400


def _number(value: int | float) -> str:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return ""
    return "%.16g" % value


def _day_fraction(value: dt.time | dt.datetime) -> float:
    seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 10**6
    return seconds / _SECONDS_A_DAY


def _excel_serial(value: dt.date | dt.time | dt.timedelta) -> float:
    """Excel's serial day number, as openpyxl's to_excel (with Excel's 1900 leap-year bug)."""
    if isinstance(value, dt.time):
        return _day_fraction(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / _SECONDS_A_DAY
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    days = (value - _EXCEL_EPOCH).days
    if 0 < days <= 60:
        days -= 1
    return days + _day_fraction(value)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _text(tag: str, text: str) -> str:
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<{tag}{space}>{_escape(text)}</{tag}>"


class StreamedSheets:
    """Sheets named `title`, `title (2)`, ... of at most `sheet_rows` rows each, every one starting
    with `blank_rows` empty rows and `header` in bold. `append` a row of values (text already as the
    cell should hold it), with `marks` {column index: comment} for cells to fill and comment."""

    def __init__(self, path: Path | str, title: str, header: Sequence[str], sheet_rows: int, *,
                 blank_rows: int = 0, fill_rgb: str = "FFC7CE"):
        self._zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self.title, self.header, self.sheet_rows = title, list(header), sheet_rows
        self.blank_rows, self.fill_rgb = blank_rows, fill_rgb
        self._columns: list[str] = []
        self.sheets = 0
        self._commented: list[int] = []  # the sheets that have comments
        self._part = self._comments = self._shapes = None
        self._new_sheet()

    def _new_sheet(self) -> None:
        self._end_sheet()
        self.sheets += 1
        # a sheet goes through a temporary file, as openpyxl's do: its size is then known, and only a
        # sheet over 2 GB is stored with Zip64 sizes, which not every reader takes
        self._part = tempfile.TemporaryFile()
        self._part.write(f'{_HEAD}<worksheet xmlns="{_MAIN}"><sheetViews><sheetView workbookViewId="0"/></sheetViews>'
                         '<sheetData>'.encode())
        self._comments = self._shapes = None
        self._shape_id = 1025
        self._row = 0
        for _ in range(self.blank_rows):
            self._row += 1
            self._part.write(f'<row r="{self._row}"/>'.encode())
        self._write(self.header, {}, _BOLD)

    def _copy(self, name: str, source, head: bytes = b"", tail: bytes = b"") -> None:
        source.write(tail)
        size = source.tell()
        source.seek(0)
        with self._zip.open(name, "w", force_zip64=size + len(head) >= zipfile.ZIP64_LIMIT) as member:
            member.write(head)
            shutil.copyfileobj(source, member, 1 << 20)
        source.close()

    def _end_sheet(self) -> None:
        if self._part is None:
            return
        n = self.sheets
        legacy = f'<legacyDrawing xmlns:r="{_REL}" r:id="anysvml"/>' if self._comments is not None else ""
        self._copy(f"xl/worksheets/sheet{n}.xml", self._part, tail=f"</sheetData>{legacy}</worksheet>".encode())
        if self._comments is not None:
            self._commented.append(n)
            self._copy(f"xl/comments/comment{n}.xml", self._comments,
                       head=(f'{_HEAD}<comments xmlns="{_MAIN}"><authors><author>{_escape(COMMENT_AUTHOR)}</author>'
                             '</authors><commentList>').encode(), tail=b"</commentList></comments>")
            self._copy(f"xl/drawings/commentsDrawing{n}.vml", self._shapes, head=_VML_HEAD.encode(), tail=b"</xml>")
            self._zip.writestr(f"xl/worksheets/_rels/sheet{n}.xml.rels",
                               f'{_HEAD}<Relationships xmlns="{_PACKAGE_RELS}">'
                               f'<Relationship Id="comments" Type="{_REL}/comments" Target="/xl/comments/comment{n}.xml"/>'
                               f'<Relationship Id="anysvml" Type="{_REL}/vmlDrawing" '
                               f'Target="/xl/drawings/commentsDrawing{n}.vml"/></Relationships>')
        self._part = self._comments = self._shapes = None

    def append(self, values: Sequence[CellValue], marks: Mapping[int, str] | None = None) -> None:
        if self._row == self.sheet_rows:
            self._new_sheet()
        self._write(values, marks or {}, 0)

    def _write(self, values: Sequence[CellValue], marks: Mapping[int, str], bold: int) -> None:
        self._row += 1
        row = str(self._row)
        while len(self._columns) < len(values):
            self._columns.append(column_letter(len(self._columns)))
        parts = [f'<row r="{row}">']
        for index, (value, column) in enumerate(zip(values, self._columns)):
            ref = column + row
            marked = index in marks
            kind = None if value is None or isinstance(value, (str, int, float)) else \
                next(k for k in _KINDS[1:] if isinstance(value, k))
            style = bold or _style(kind, marked)
            styled = f' s="{style}"' if style else ""
            if value is None:
                parts.append(f'<c r="{ref}"{styled} t="n"/>')
            elif value == "":  # as openpyxl writes an empty text cell
                parts.append(f'<c r="{ref}"{styled} t="inlineStr"/>')
            elif isinstance(value, str):
                parts.append(f'<c r="{ref}"{styled} t="inlineStr"><is>{_text("t", value)}</is></c>')
            elif isinstance(value, bool):
                parts.append(f'<c r="{ref}"{styled} t="b"><v>{int(value)}</v></c>')
            elif kind is None:
                parts.append(f'<c r="{ref}"{styled} t="n"><v>{_number(value)}</v></c>')
            else:  # a date, time or duration: a number with its format
                parts.append(f'<c r="{ref}"{styled} t="n"><v>{_number(_excel_serial(value))}</v></c>')
            if marked:
                self._comment(ref, index, marks[index])
        parts.append("</row>")
        self._part.write("".join(parts).encode("utf-8"))

    def _comment(self, ref: str, column: int, text: str) -> None:
        if self._comments is None:
            self._comments, self._shapes = tempfile.TemporaryFile(), tempfile.TemporaryFile()
        self._comments.write(f'<comment ref="{ref}" authorId="0" shapeId="0"><text>{_text("t", text)}</text></comment>'
                             .encode("utf-8"))
        self._shape_id += 1
        self._shapes.write(_VML_SHAPE.format(id=self._shape_id, row=self._row - 1, column=column).encode())

    def close(self) -> None:
        self._end_sheet()
        count = self.sheets
        names = [self.title if n == 1 else f"{self.title} ({n})" for n in range(1, count + 1)]
        sheets = "".join(f'<sheet name="{_escape(name)}" sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(names, 1))
        self._zip.writestr("xl/workbook.xml", f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
                                              f'<bookViews><workbookView/></bookViews><sheets>{sheets}</sheets></workbook>')
        rels = "".join(f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                       for n in range(1, count + 1))
        rels += f'<Relationship Id="rId{count + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
        self._zip.writestr("xl/_rels/workbook.xml.rels", f'{_HEAD}<Relationships xmlns="{_PACKAGE_RELS}">{rels}</Relationships>')
        self._zip.writestr("xl/styles.xml", _styles(self.fill_rgb))
        self._zip.writestr("_rels/.rels", f'{_HEAD}<Relationships xmlns="{_PACKAGE_RELS}"><Relationship Id="rId1" '
                                          f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        overrides = [("/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
                     ("/xl/styles.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml")]
        overrides += [(f"/xl/worksheets/sheet{n}.xml", _SHEET_TYPE) for n in range(1, count + 1)]
        overrides += [(f"/xl/comments/comment{n}.xml", _COMMENTS_TYPE) for n in self._commented]
        # last, as openpyxl does: only now are the parts known
        self._zip.writestr("[Content_Types].xml", (
            f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>'
            + "".join(f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in overrides) + "</Types>"))
        self._zip.close()
