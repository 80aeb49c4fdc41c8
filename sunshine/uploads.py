"""Reading an uploaded file without letting it take the process down.

A workbook is a zip of XML: 1.6 KB can name cell XFD1048576 (the reader then allocates a grid of 512 GiB and
aborts), and 1 MB of one long text referenced by every cell unpacks to gigabytes. Two defences, in order:

1. ``xlsx_check`` looks inside the zip before anything parses it: the number of sheets, the bytes it unpacks
   to (counted while unpacking, not taken from the headers), the farthest cell of each sheet and the text the
   cells hold once each shared string is copied into them. A file over a bound is refused with a message that
   says which bound and how to fix the file.
2. ``run_bounded`` runs the parse itself in a forked child under an address-space and CPU limit. Whatever the
   checks missed ends the child, never the web or worker process, and the user reads that the file is too
   large to read.
"""

import os
import pickle
import re
import resource
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

CHUNK = 1 << 20
# A cell's reference, its column letters and its row number (a row's own r= has no letters).
_CELL_COLUMN = re.compile(rb'\sr="([A-Z]{1,3})[0-9]')
_CELL_ROW = re.compile(rb'\sr="[A-Z]{1,3}([0-9]{1,7})"')
_SHARED_CELL = re.compile(rb'\st="s"[^>]*>\s*<(?:\w+:)?v>([0-9]{1,9})<')
_SHARED_STRING = re.compile(rb"<(?:\w+:)?si\b.*?</(?:\w+:)?si>", re.DOTALL)
_SHEET = re.compile(rb"<(?:\w+:)?sheet\s")


class UploadRefused(Exception):
    """The file is over one of the bounds (or could not be read within them); the text is for the user."""


@dataclass(frozen=True)
class Bounds:
    """What one workbook may hold. ``cells`` counts the grid a reader fills: rows x columns from A1 to the
    farthest cell of each sheet, summed over the sheets."""

    sheets: int = 20
    unzipped_bytes: int = 400 * 2**20
    cells: int = 4_500_000  # about 1.3 GB at the peak of the read (bench/upload_memory.py)
    text_bytes: int = 300 * 2**20


DEFAULT_BOUNDS = Bounds()


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int], carry_from: bytes):
    """The entry's unpacked bytes in pieces that end before the last ``carry_from`` (which starts the next piece,
    so a tag is never cut), charging each byte to ``budget[0]``; zipfile checks the CRC, so a false size in the
    headers ends in BadZipFile rather than in more bytes."""
    rest = b""
    with archive.open(info) as stream:
        while piece := stream.read(CHUNK):
            budget[0] -= len(piece)
            if budget[0] < 0:
                raise _OverBudget
            data = rest + piece
            cut = data.rfind(carry_from)
            cut = cut if cut > 0 else max(len(data) - 4096, 0)  # one element longer than a piece: overlap
            yield data[:cut] if cut else data
            rest = data[cut:] if cut else b""
    if rest:
        yield rest


class _OverBudget(Exception):
    pass


def xlsx_check(content: bytes, bounds: Bounds = DEFAULT_BOUNDS) -> None:
    """Refuse (``UploadRefused``) a workbook over ``bounds``, reading the zip as a stream of bytes only."""
    try:
        archive = zipfile.ZipFile(_BytesReader(content))
    except zipfile.BadZipFile as error:
        raise UploadRefused(_("The file is not an Excel workbook (.xlsx) that can be read.")) from error
    budget = [bounds.unzipped_bytes]
    with archive:
        entries = [info for info in archive.infolist() if not info.is_dir()]
        by_name = {info.filename.lower(): info for info in entries}
        try:
            if "xl/workbook.xml" in by_name:
                sheets = sum(
                    len(_SHEET.findall(chunk)) for chunk in _chunks(archive, by_name["xl/workbook.xml"], budget, b"<")
                )
                if sheets > bounds.sheets:
                    raise UploadRefused(
                        _("The workbook has %(count)d sheets; at most %(max)d are read.")
                        % {"count": sheets, "max": bounds.sheets}
                    )
            lengths = []
            for info in entries:
                if info.filename.lower().endswith("sharedstrings.xml"):
                    for chunk in _chunks(archive, info, budget, b"<si"):
                        lengths.extend(len(item) for item in _SHARED_STRING.findall(chunk))
            cells = text = 0
            for info in entries:
                if not info.filename.lower().endswith(".xml") or info.filename.lower().endswith("sharedstrings.xml"):
                    continue
                rows = columns = 0
                letters = set()
                for chunk in _chunks(archive, info, budget, b"<c"):
                    letters.update(_CELL_COLUMN.findall(chunk))
                    rows = max(rows, max(map(int, set(_CELL_ROW.findall(chunk))), default=0))
                    text += sum(lengths[int(i)] for i in _SHARED_CELL.findall(chunk) if int(i) < len(lengths))
                columns = max((_column_number(column) for column in letters), default=0)
                cells += rows * columns
                if cells > bounds.cells:
                    raise UploadRefused(
                        _(
                            "A sheet reaches row %(rows)d and column %(columns)d: more cells than can be read "
                            "(%(max)s in all). Delete the empty rows and columns after the data, or split the file."
                        )
                        % {"rows": rows, "columns": columns, "max": f"{bounds.cells:,}"}
                    )
                if text > bounds.text_bytes:
                    raise UploadRefused(
                        _(
                            "The cells of the workbook hold more than %(max)d MB of text (a long text repeated "
                            "in many cells?); split the file."
                        )
                        % {"max": bounds.text_bytes // 2**20}
                    )
        except _OverBudget:
            raise UploadRefused(
                _("The workbook unpacks to more than %(max)d MB; split it into smaller files.")
                % {"max": bounds.unzipped_bytes // 2**20}
            ) from None
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError) as error:
            raise UploadRefused(_("The file is not an Excel workbook (.xlsx) that can be read.")) from error


class _BytesReader:
    """A read-only file over bytes, without the copy ``io.BytesIO`` makes of a 50 MB upload."""

    def __init__(self, content: bytes):
        self.view, self.position = memoryview(content), 0

    def read(self, size=-1):
        end = len(self.view) if size is None or size < 0 else min(len(self.view), self.position + size)
        data, self.position = bytes(self.view[self.position : end]), end
        return data

    def seek(self, offset, whence=0):
        self.position = {0: offset, 1: self.position + offset, 2: len(self.view) + offset}[whence]
        return self.position

    def tell(self):
        return self.position

    def seekable(self):
        return True


def _address_space() -> int:
    """This process's virtual memory size in bytes (the child's limit is set above it)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def run_bounded(function, *args):
    """``function(*args)`` in a forked child that may use ``settings.UPLOAD_READ_MEMORY_MB`` more memory than this
    process and ``settings.UPLOAD_READ_CPU_SECONDS`` of CPU; its result (or exception) comes back pickled. A
    child that runs out of either ends alone, and the caller gets ``UploadRefused``."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code (no database, no cleanup of the parent's)
        status = 70
        try:
            os.close(read_end)
            limit = _address_space() + settings.UPLOAD_READ_MEMORY_MB * 2**20
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            seconds = settings.UPLOAD_READ_CPU_SECONDS
            resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
            try:
                outcome = (True, function(*args))
            except MemoryError:
                outcome = None
            except Exception as error:  # handed to the parent, which raises it
                outcome = (False, error)
            if outcome is not None:
                with os.fdopen(write_end, "wb") as out:
                    pickle.dump(outcome, out, protocol=pickle.HIGHEST_PROTOCOL)
                status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as source:
        try:
            outcome = pickle.load(source)  # noqa: S301 - written by our own child above
        except (EOFError, pickle.UnpicklingError):
            outcome = None
    _pid, status, _usage = os.wait4(pid, 0)
    if outcome is None or status != 0:
        raise UploadRefused(
            _("The file needs more than %(max)d MB of memory or %(seconds)d s to read; split it into smaller files.")
            % {"max": settings.UPLOAD_READ_MEMORY_MB, "seconds": settings.UPLOAD_READ_CPU_SECONDS}
        )
    succeeded, value = outcome
    if not succeeded:
        raise value
    return value
