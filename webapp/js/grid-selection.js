// Where the user is in the grid and what they have selected, and how keys and the mouse change it.
//
// `active` is the cell that has the focus and where typing goes ({row, col} ids; row null: a column's
// header); `range` the selected rectangle (range.js: anchor and focus corners, by id), or null when
// nothing is selected. The grid has one tab stop, the active cell (roving tabindex): Tab enters the
// grid there and leaves it. Others see the user on the active cell (presence).
//
// Keys on a cell: arrows move (Ctrl/Cmd: to the edge; Shift: extend the range), Home/End (Ctrl: the
// sheet's first/last cell), PageUp/PageDown, Ctrl/Cmd+A all, Ctrl+Space the columns, Shift+Space the
// rows, Escape collapses the range; Enter/F2 edit, a character starts editing with it, Delete and
// Backspace clear the range. On a column header: Enter/Space select the column, Alt+Shift+Left/Right
// make it narrower/wider. The mouse: click (edits, for editors), shift+click and drag extend, a header
// or row number selects its column or row, the corner everything.
import { bounds, cellRange, extend, move, repair } from './range.js';
import { WIDTH_STEP } from './grid-columns.js';

const ARROWS = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };

export class Selection {
    active = null;
    range = null;
    #page;
    #sentFocus = null; // "row col" of the focus last sent, so a selection change does not repeat it
    #drag = null; // {kind: 'cells'|'columns'|'rows', moved, done} of the last press on the grid (done: released)
    #boxCache = { range: null, rows: null, cols: null, box: null };

    constructor(page) {
        this.#page = page;
        const table = document.getElementById('grid');
        table.addEventListener('mousedown', (event) => this.#onMouseDown(event));
        table.addEventListener('mouseover', (event) => this.#onMouseOver(event));
        table.addEventListener('click', (event) => this.#onClick(event));
        table.addEventListener('keydown', (event) => this.#onKey(event));
        table.addEventListener('focusin', (event) => this.#onFocusIn(event));
        document.addEventListener('mouseup', () => {
            if (this.#drag) {
                this.#drag.done = true; // kept for the click that follows: was it a drag?
            }
        });
    }

    /** The range as indices {top, bottom, left, right} into the view's rows and columns, or null. */
    box() {
        const { rowIds, colIds } = this.#page.view;
        const cache = this.#boxCache;
        if (cache.range !== this.range || cache.rows !== rowIds || cache.cols !== colIds) {
            this.#boxCache = { range: this.range, rows: rowIds, cols: colIds,
                box: this.range ? bounds(this.range, rowIds, colIds) : null };
        }
        return this.#boxCache.box;
    }

    /** Ids of the selected rows (of the range; else the active cell's row), top to bottom. */
    rowIds() {
        const box = this.box();
        if (box) {
            return this.#page.view.rowIds.slice(box.top, box.bottom + 1);
        }
        return this.active?.row ? [this.active.row] : [];
    }

    /** Ids of the selected columns (of the range; else the active cell's column), left to right. */
    colIds() {
        const box = this.box();
        if (box) {
            return this.#page.view.colIds.slice(box.left, box.right + 1);
        }
        return this.active?.col ? [this.active.col] : [];
    }

    // ---- changes

    /** One cell: active and the whole range. */
    selectCell(row, col) {
        this.#set({ row, col }, cellRange(row, col));
    }

    /** The range from the anchor (the active cell) to this cell. */
    extendTo(row, col) {
        const anchor = this.range?.anchor ?? (this.active?.row ? this.active : null);
        if (!anchor) {
            this.selectCell(row, col);
            return;
        }
        this.#set(this.active?.row ? this.active : anchor, { anchor: { ...anchor }, focus: { row, col } });
    }

    /** Whole columns, from column id `from` to `to`; `active` (default: the header of `to`) keeps the focus. */
    selectColumns(from, to, active = { row: null, col: to }) {
        const { rowIds } = this.#page.view;
        const range = rowIds.length === 0 ? null
            : { anchor: { row: rowIds[0], col: from }, focus: { row: rowIds.at(-1), col: to } };
        this.#set(active, range);
    }

    /** Whole rows, from row id `from` to `to`; `active` (default: the first cell of `to`) keeps the focus. */
    selectRows(from, to, active) {
        const { colIds } = this.#page.view;
        if (colIds.length > 0) {
            this.#set(active ?? { row: to, col: colIds[0] },
                { anchor: { row: from, col: colIds[0] }, focus: { row: to, col: colIds.at(-1) } });
        }
    }

    /** Every cell; the active cell stays where it is (the first cell if it is on a header). */
    selectAll() {
        const { rowIds, colIds } = this.#page.view;
        if (rowIds.length > 0 && colIds.length > 0) {
            this.#set(this.active?.row ? this.active : { row: rowIds[0], col: colIds[0] },
                { anchor: { row: rowIds[0], col: colIds[0] }, focus: { row: rowIds.at(-1), col: colIds.at(-1) } });
        }
    }

    /** Nothing selected (the user left the grid): the active cell stays the grid's tab stop. */
    clear() {
        if (this.range !== null) {
            this.#set(this.active, null);
        }
    }

    /**
     * After rows or columns were inserted or deleted: the range and the active cell keep their cells, or
     * move to the nearest survivors (range.js repair). `before` is the previous {rowIds, colIds}.
     */
    repair(before) {
        const { rowIds, colIds } = this.#page.view;
        const range = this.range && repair(this.range, rowIds, colIds, before.rowIds, before.colIds);
        let active = this.active;
        if (active) {
            const fixed = repair(cellRange(active.row ?? rowIds[0] ?? '', active.col), rowIds, colIds, before.rowIds, before.colIds);
            active = fixed ? { row: active.row === null ? null : fixed.anchor.row, col: fixed.anchor.col } : null;
            if (active && active.row === null && !colIds.includes(active.col)) {
                active = null;
            }
        }
        if (!active && rowIds.length > 0 && colIds.length > 0) {
            active = { row: rowIds[0], col: colIds[0] };
        }
        if (range !== this.range || active?.row !== this.active?.row || active?.col !== this.active?.col) {
            this.#set(active, range);
        }
    }

    /** The first cell becomes the tab stop when there is none (a fresh page, or after everything was deleted). */
    ensureActive() {
        const { rowIds, colIds } = this.#page.view;
        const onIdleHeader = this.active?.row === null && this.range === null && rowIds.length > 0
            && !document.activeElement?.closest('#grid');
        if ((!this.active || onIdleHeader) && colIds.length > 0) {
            this.active = { row: rowIds[0] ?? null, col: colIds[0] };
            this.#page.view.decorationChanged();
        }
    }

    /** Sets the active place and the range (either may be null) at once. */
    select(active, range) {
        this.#set(active, range);
    }

    #set(active, range) {
        this.active = active;
        this.range = range;
        this.#syncFocus();
        this.#page.view.decorationChanged();
        this.#page.selectionChanged();
    }

    /** Others see the user on the active cell while something is selected, and on no cell otherwise. */
    #syncFocus() {
        const client = this.#page.client;
        const on = this.range !== null && this.active?.row ? this.active : null;
        const key = on ? on.row + ' ' + on.col : null;
        if (key !== this.#sentFocus && this.#page.canSend()) {
            this.#sentFocus = key;
            if (on) {
                client.focus(on.row, on.col);
            } else {
                client.blur();
            }
        }
    }

    // ---- keys

    #onKey(event) {
        if (event.target.closest('.cell-editor') || event.defaultPrevented) {
            return; // the editor has keys of its own (editor-cell.js)
        }
        const place = this.#placeOf(event.target);
        if (!place) {
            return;
        }
        const page = this.#page;
        const mod = event.ctrlKey || event.metaKey;
        const key = event.key;
        let handled = true;
        if (ARROWS[key] && event.altKey && event.shiftKey && place.row === null && ARROWS[key][1] !== 0) {
            const width = page.view.resizeColumn(place.col, page.view.widths.get(place.col) + ARROWS[key][1] * WIDTH_STEP);
            page.announce('Column ' + page.columnLabel(place.col) + ' is ' + width + ' pixels wide.');
        } else if (ARROWS[key] && !event.altKey) {
            const [dRow, dCol] = ARROWS[key];
            const far = (d) => (mod && d !== 0 ? d * Infinity : d); // Ctrl/Cmd: to the edge
            this.moveBy(far(dRow), far(dCol), event.shiftKey);
        } else if ((key === 'Home' || key === 'End') && !event.altKey) {
            const edge = key === 'Home' ? -Infinity : Infinity;
            this.moveBy(mod ? edge : 0, edge, event.shiftKey);
        } else if (key === 'PageUp' || key === 'PageDown') {
            this.moveBy((key === 'PageUp' ? -1 : 1) * page.view.pageRows(), 0, event.shiftKey);
        } else if (mod && !event.altKey && key.toLowerCase() === 'a') {
            this.selectAll();
            page.announce('Selected all ' + page.view.rowIds.length + ' rows.');
        } else if (key === ' ' && (event.ctrlKey || place.row === null)) {
            const cols = this.colIds();
            this.selectColumns(cols[0] ?? place.col, cols.at(-1) ?? place.col, place);
        } else if (key === ' ' && event.shiftKey && place.row) {
            const rows = this.rowIds();
            this.selectRows(rows[0] ?? place.row, rows.at(-1) ?? place.row, place);
        } else if (key === 'Enter' && place.row === null) {
            this.selectColumns(place.col, place.col, place);
        } else if (key === 'Escape' && this.range && this.box() && !isOneCell(this.box())) {
            this.#set(this.active, cellRange(this.active.row, this.active.col));
        } else if (place.row && (key === 'Delete' || key === 'Backspace') && !mod) {
            page.clipboard.clearSelection();
        } else if (place.row && !mod && !event.altKey && (key === 'Enter' || key === 'F2' || key.length === 1)) {
            event.preventDefault(); // the editor takes the focus: the character goes in through `text`
            page.editor.start(place.row, place.col, key.length === 1 ? { text: key, mode: 'enter' } : { mode: 'edit' });
            return;
        } else {
            handled = false;
        }
        if (handled) {
            event.preventDefault();
            this.#page.view.focusActive();
        }
    }

    /** Moves the active place by (dRow, dCol), or extends the range (shift); ±Infinity goes to the edge. */
    moveBy(dRow, dCol, extending) {
        const { rowIds, colIds } = this.#page.view;
        const active = this.active;
        if (!active || colIds.length === 0) {
            return;
        }
        if (active.row === null) { // on a header: along the headers, or down into the column
            const c = clamp(colIds.indexOf(active.col) + dCol, colIds.length);
            if (dRow > 0 && rowIds.length > 0 && !extending) {
                this.selectCell(rowIds[clamp(dRow - 1, rowIds.length)], colIds[c]);
            } else if (extending && this.range) {
                this.#set(active, { anchor: this.range.anchor, focus: { row: rowIds.at(-1), col: colIds[c] } });
            } else if (dCol !== 0) {
                this.#set({ row: null, col: colIds[c] }, null);
            }
            return;
        }
        const range = this.range && bounds(this.range, rowIds, colIds) ? this.range : cellRange(active.row, active.col);
        if (extending) {
            const extended = extend(range, dRow, dCol, rowIds, colIds);
            if (extended) {
                this.#set(active, extended);
            }
        } else if (dRow === -1 && rowIds.indexOf(active.row) === 0) {
            this.#set({ row: null, col: active.col }, null); // up from the first row: the header
        } else {
            const moved = move({ anchor: active, focus: active }, dRow, dCol, rowIds, colIds);
            if (moved) {
                this.#set(moved.anchor, moved);
            }
        }
    }

    /** The grid place an element stands for: {row, col} (row null: a column header), or null. */
    #placeOf(element) {
        const cell = element.closest('td[data-row]');
        if (cell) {
            return { row: cell.dataset.row, col: cell.dataset.col };
        }
        const header = element.closest('th[data-col]');
        return header ? { row: null, col: header.dataset.col } : null;
    }

    #onFocusIn(event) {
        const place = this.#placeOf(event.target);
        if (!place || event.target.closest('.cell-editor')) {
            return;
        }
        // Tab into the grid (or a screen reader's move to a cell) selects where the focus lands.
        if (place.row !== this.active?.row || place.col !== this.active?.col || (this.range === null && place.row)) {
            if (place.row) {
                this.selectCell(place.row, place.col);
            } else {
                this.#set(place, this.range);
            }
        }
    }

    // ---- the mouse

    #onMouseDown(event) {
        if (event.button !== 0 || event.target.closest('.cell-editor, .incoming')) {
            return;
        }
        const target = event.target;
        const td = target.closest('td[data-row]');
        const header = target.closest('th[data-col]');
        const rowHead = target.closest('th.row-head');
        const corner = target.closest('th.corner');
        if (!td && !header && !rowHead && !corner) {
            return;
        }
        const page = this.#page;
        if (td && page.editor.isEditing(td.dataset.row, td.dataset.col)) {
            return;
        }
        event.preventDefault(); // no text selection while dragging; the focus is set below
        page.editor.commit();
        const anchor = this.range?.anchor;
        if (td) {
            if (event.shiftKey && anchor) {
                this.extendTo(td.dataset.row, td.dataset.col);
            } else {
                this.selectCell(td.dataset.row, td.dataset.col);
            }
            this.#drag = { kind: 'cells', moved: event.shiftKey };
        } else if (header) {
            const from = event.shiftKey && anchor ? anchor.col : header.dataset.col;
            this.selectColumns(from, header.dataset.col);
            this.#drag = { kind: 'columns', from, moved: true };
        } else if (rowHead) {
            const row = rowHead.parentElement.dataset.row;
            const from = event.shiftKey && anchor ? anchor.row : row;
            this.selectRows(from, row);
            this.#drag = { kind: 'rows', from, moved: true };
        } else {
            this.selectAll();
            this.#drag = null;
        }
        page.view.focusActive();
    }

    #onMouseOver(event) {
        const drag = this.#drag;
        if (!drag || drag.done || event.buttons !== 1) {
            return;
        }
        const td = event.target.closest('td[data-row]');
        if (drag.kind === 'cells' && td) {
            const focus = this.range?.focus;
            if (focus && (focus.row !== td.dataset.row || focus.col !== td.dataset.col)) {
                drag.moved = true;
                this.extendTo(td.dataset.row, td.dataset.col);
            }
        } else if (drag.kind === 'columns') {
            const header = event.target.closest('th[data-col]');
            if (header) {
                this.selectColumns(drag.from, header.dataset.col);
            }
        } else if (drag.kind === 'rows') {
            const row = (td ?? event.target.closest('th.row-head'))?.closest('tr')?.dataset.row;
            if (row) {
                this.selectRows(drag.from, row);
            }
        }
    }

    /** A plain click on a cell (no drag, no shift) opens its editor, with its text selected. */
    #onClick(event) {
        const td = event.target.closest('td[data-row]');
        const drag = this.#drag;
        if (!td || event.target.closest('.cell-editor, .incoming') || event.shiftKey || event.ctrlKey || event.metaKey
                || drag?.moved) {
            return;
        }
        if (this.#page.canChange()) {
            this.#page.editor.start(td.dataset.row, td.dataset.col, { mode: 'enter', selectAll: true });
        }
    }
}

function clamp(index, length) {
    return Math.max(0, Math.min(length - 1, index));
}

function isOneCell(box) {
    return box.top === box.bottom && box.left === box.right;
}
