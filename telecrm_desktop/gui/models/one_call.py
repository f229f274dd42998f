"""One call from Qt into Python per painted cell.

A view's delegate asks for seven roles of every cell it paints; Qt's own multiData turns that into
seven calls of data(), each a crossing from C++ into Python (and, while a worker thread runs, a
wait for the interpreter lock). Answering them all in one multiData call costs a fraction.
"""

from __future__ import annotations


class OneCallPerCell:
    """Mixin for a QAbstractItemModel whose data(index, role) takes plain int roles."""

    def multiData(self, index, span) -> None:
        if not index.isValid():
            return
        data = self.data
        for slot in span:  # every slot: a delegate reuses one span from cell to cell
            value = data(index, slot.role())
            if value is None:
                slot.clearData()
            else:
                slot.setData(value)
