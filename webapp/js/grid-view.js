// The grid of the table editor: a <table role="grid"> in a scroll container (#grid-scroll) holding only
// the rows in view, a few more above and below (overscan), the active row and the row being edited;
// spacer rows of the right height stand in for the rest, so the scroll bar is the whole sheet's. Rows
// have one fixed height, which makes "which rows are in view" arithmetic instead of measurement.
//
// Rendering is batched into one animation frame: remote changes mark cells dirty and cost nothing
// until then, and nothing at all for rows out of view; a change of structure (rows or columns inserted
// or deleted) re-renders only the rows in view. Every piece of data reaches the DOM as text.
//
// What the grid asks of the page (see sheet-page.js): client, sheetId, selection.active / box(),
// editor.editing / conflictOf(key), paintUser(element, userId), showsPresence().
import { columnLetter } from './grid-ops.js';
import { ColumnWidths, installResizeDrag, ROW_HEAD_WIDTH } from './grid-columns.js';

/** Every row's height in px; the CSS takes it from --row-height, which is set from here. */
export const ROW_HEIGHT = 30;
/** Rows rendered beyond each edge of the view, so a scroll by a few rows shows rows already there. */
const OVERSCAN = 8;

export class GridView {
    #page;
    #scroller = document.getElementById('grid-scroll');
    #table = document.getElementById('grid');
    #colgroup = document.getElementById('grid-cols');
    #headRow = document.getElementById('grid-head');
    #body = document.getElementById('grid-body');
    #corner = null;
    #headers = new Map(); // colId → th
    #rows = new Map(); // rowId → {tr, head, cells: Map colId → td, columns: the colIds its cells follow}
    #rowIds = [];
    #rowIndex = new Map(); // rowId → index
    #colIds = [];
    #colIndex = new Map();
    #pending = new Map(); // "row col" → the value of this user's newest unacknowledged write there
    #markers = new Map(); // "row col" → the other users on that cell
    #dirty = freshDirt();
    #frame = null;
    widths;

    constructor(page) {
        this.#page = page;
        this.widths = new ColumnWidths(page.sheetId);
        this.#table.style.setProperty('--row-height', ROW_HEIGHT + 'px');
        this.#scroller.addEventListener('scroll', () => this.#mark('window'), { passive: true });
        new ResizeObserver(() => this.#mark('window')).observe(this.#scroller);
        installResizeDrag(this.#headRow, this.widths, (col, px) => this.resizeColumn(col, px));
    }

    // ---- what the rest of the page reads

    get rowIds() { return this.#rowIds; }
    get colIds() { return this.#colIds; }
    rowIndexOf(id) { return this.#rowIndex.get(id) ?? -1; }
    colIndexOf(id) { return this.#colIndex.get(id) ?? -1; }

    /** The value the user sees in a cell: their own unacknowledged write, else the sheet's (null when empty). */
    shownValue(row, col) {
        const key = row + ' ' + col;
        return this.#pending.has(key) ? this.#pending.get(key) : this.#cell(row, col)?.value ?? null;
    }

    /**
     * A cell of the client's state, found through this view's row index: edits replace the rows array but
     * keep its order, and every change of order goes through structureChanged first, so no index of the
     * new array has to be built per remote edit (a 10,000-row sheet, 100 edits a second).
     */
    #cell(rowId, colId) {
        const rows = this.#page.client.rows;
        const row = rows[this.#rowIndex.get(rowId)];
        return row?.id === rowId ? row.cells[colId] : this.#page.client.cell(rowId, colId);
    }

    /** The td of a cell if it is rendered (in view, active or being edited), else null. */
    cellElement(row, col) {
        return this.#rows.get(row)?.cells.get(col) ?? null;
    }

    headerElement(col) {
        return this.#headers.get(col) ?? null;
    }

    /** Rows that fit in the view at once, for PageUp and PageDown. */
    pageRows() {
        return Math.max(1, Math.floor((this.#scroller.clientHeight - this.#headRow.offsetHeight) / ROW_HEIGHT) - 1);
    }

    /** How many rows are in the DOM now (a test and a measurement look at it too). */
    renderedRowCount() {
        return this.#rows.size;
    }

    // ---- what changed (each is cheap: the work is done once, in the next frame)

    /**
     * Rows or columns were inserted, deleted or renamed, or the sheet was replaced. The order of rows and
     * columns (rowIds, colIds) is the new one at once, for the selection to follow; the DOM in the next frame.
     */
    structureChanged() {
        this.#reindex();
        this.#mark('structure');
    }

    /** These cells ("row col" keys) may show something else now; cells not rendered cost nothing. */
    cellsChanged(keys) {
        for (const key of keys) {
            this.#dirty.cells.add(key);
        }
        this.#schedule();
    }

    /** Selection, role or editing changed: every rendered cell's decoration is looked at again. */
    decorationChanged() {
        this.#mark('decor');
    }

    /** This user's unacknowledged ops changed: their values are shown (greyed) until acknowledged. */
    pendingChanged(pendingOps) {
        const before = this.#pending;
        this.#pending = new Map();
        for (const op of pendingOps) {
            for (const sub of op.type === 'batch' ? op.ops : [op]) {
                if (sub.type === 'edit' && !sub.row.startsWith('$') && !sub.col.startsWith('$')) {
                    this.#pending.set(sub.row + ' ' + sub.col, sub.value);
                }
            }
        }
        this.cellsChanged(new Set([...before.keys(), ...this.#pending.keys()]));
    }

    /** Who is where changed: the cells that gain or lose a name tag are rendered again. */
    presenceChanged(users, you) {
        const before = this.#markers;
        this.#markers = new Map();
        for (const user of users) {
            if (user.id !== you && user.focus) {
                const key = user.focus.row + ' ' + user.focus.col;
                this.#markers.set(key, [...this.#markers.get(key) || [], user]);
            }
        }
        this.cellsChanged(new Set([...before.keys(), ...this.#markers.keys()]));
    }

    /** Renders what is due now instead of in the next frame (e.g. before focusing a cell). */
    renderNow() {
        if (this.#frame !== null) {
            cancelAnimationFrame(this.#frame.raf);
            clearTimeout(this.#frame.timer);
        }
        this.#flush();
    }

    /**
     * After a full welcome: marks when it was applied and when its first screen of rows was painted (two
     * animation frames later: the first runs before that paint), for measuring (performance.getEntriesByName).
     */
    welcomed() {
        performance.mark('livegrid:welcome');
        this.renderNow();
        requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('livegrid:first-screen')));
    }

    // ---- scrolling and focus

    /** Scrolls so that the cell (indices; row -1: the header row) is in view, below the sticky header and right of the row numbers. */
    scrollToCell(r, c) {
        const scroller = this.#scroller;
        this.#mark('window'); // the scroll event comes later; a renderNow before it must render the new window
        if (r >= 0) {
            const top = r * ROW_HEIGHT;
            const height = scroller.clientHeight - this.#headRow.offsetHeight;
            if (top < scroller.scrollTop) {
                scroller.scrollTop = top;
            } else if (top + ROW_HEIGHT > scroller.scrollTop + height) {
                scroller.scrollTop = top + ROW_HEIGHT - height;
            }
        }
        if (c >= 0 && c < this.#colIds.length) {
            const { lefts } = this.widths.layout(this.#colIds);
            const left = lefts[c] - ROW_HEAD_WIDTH;
            const width = this.widths.get(this.#colIds[c]);
            const room = scroller.clientWidth - ROW_HEAD_WIDTH;
            if (left < scroller.scrollLeft) {
                scroller.scrollLeft = left;
            } else if (left + width > scroller.scrollLeft + room) {
                scroller.scrollLeft = left + width - room;
            }
        }
    }

    /** Scrolls the active cell into view, renders, and focuses it (its td, or its header). */
    focusActive() {
        const active = this.#page.selection.active;
        if (!active) {
            return;
        }
        this.scrollToCell(active.row === null ? -1 : this.rowIndexOf(active.row), this.colIndexOf(active.col));
        this.renderNow();
        const element = active.row === null ? this.headerElement(active.col) : this.cellElement(active.row, active.col);
        element?.focus({ preventScroll: true });
    }

    /** Sets a column's width (drag or keyboard) and lays the table out again; returns the width set. */
    resizeColumn(col, px) {
        const width = this.widths.set(col, px);
        this.#applyWidths();
        return width;
    }

    // ---- rendering

    #mark(kind) {
        this.#dirty[kind] = true;
        this.#schedule();
    }

    #schedule() {
        if (this.#frame === null) {
            // A frame, or a timer for a tab that shows no frames (hidden): either renders, once.
            const frame = {};
            frame.raf = requestAnimationFrame(() => this.#frame === frame && this.#flush());
            frame.timer = setTimeout(() => this.#frame === frame && this.#flush(), 250);
            this.#frame = frame;
        }
    }

    #flush() {
        this.#frame = null;
        const dirty = this.#dirty;
        this.#dirty = freshDirt();
        if (dirty.structure) {
            this.#renderHeader();
            this.#applyWidths();
        }
        const context = this.#context();
        if (dirty.structure || dirty.window) {
            this.#renderWindow(context, dirty.structure);
        }
        if (dirty.structure || dirty.decor) {
            this.#decorateHeader(context);
            for (const [rowId, entry] of this.#rows) {
                this.#renderRow(entry, rowId, context);
            }
        } else {
            for (const key of dirty.cells) {
                const [rowId, colId] = key.split(' ');
                const td = this.cellElement(rowId, colId);
                if (td) {
                    this.#renderCell(td, rowId, colId, context);
                }
            }
        }
    }

    #reindex() {
        const { rows, columns } = this.#page.client;
        this.#rowIds = rows.map((row) => row.id);
        this.#rowIndex = new Map(this.#rowIds.map((id, index) => [id, index]));
        this.#colIds = columns.map((column) => column.id);
        this.#colIndex = new Map(this.#colIds.map((id, index) => [id, index]));
        this.#table.setAttribute('aria-rowcount', String(rows.length + 1));
        this.#table.setAttribute('aria-colcount', String(columns.length + 1));
    }

    /** What every cell's rendering needs, worked out once per frame. */
    #context() {
        const page = this.#page;
        const active = page.selection.active;
        const editing = page.editor.editing;
        return {
            box: page.selection.box(),
            activeRow: active ? (active.row === null ? -1 : this.rowIndexOf(active.row)) : -2,
            activeCol: active ? this.colIndexOf(active.col) : -2,
            editing: editing ? editing.row + ' ' + editing.col : null,
            presence: page.showsPresence(),
        };
    }

    /** Which row indices to render: those in view plus the overscan, the active row and the row being edited. */
    #wantedRows(context) {
        const count = this.#rowIds.length;
        const wanted = new Set();
        if (count === 0) {
            return [];
        }
        const top = this.#scroller.scrollTop;
        const height = this.#scroller.clientHeight - this.#headRow.offsetHeight;
        const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
        const last = Math.min(count - 1, Math.ceil((top + Math.max(height, 0)) / ROW_HEIGHT) + OVERSCAN);
        for (let index = first; index <= last; index++) {
            wanted.add(index);
        }
        // Kept although out of view: the focused cell and the editor must not be taken out of the DOM.
        for (const index of [context.activeRow, this.#rowIndex.get(this.#page.editor.editing?.row) ?? -1]) {
            if (index >= 0) {
                wanted.add(index);
            }
        }
        return [...wanted].sort((a, b) => a - b);
    }

    #renderWindow(context, allRows) {
        const indices = this.#wantedRows(context);
        const nodes = [];
        const keep = new Set();
        let next = 0; // the index the next row would have without a gap
        for (const index of indices) {
            if (index > next) {
                nodes.push(this.#spacer(index - next));
            }
            const rowId = this.#rowIds[index];
            let entry = this.#rows.get(rowId);
            if (!entry) {
                entry = this.#createRow(rowId);
                this.#rows.set(rowId, entry);
                this.#renderRow(entry, rowId, context);
            } else if (allRows) {
                this.#renderRow(entry, rowId, context);
            }
            keep.add(rowId);
            nodes.push(entry.tr);
            next = index + 1;
        }
        if (next < this.#rowIds.length) {
            nodes.push(this.#spacer(this.#rowIds.length - next));
        }
        for (const rowId of [...this.#rows.keys()]) {
            if (!keep.has(rowId)) {
                this.#rows.delete(rowId);
            }
        }
        reconcile(this.#body, nodes);
    }

    #spacer(rows) {
        const tr = document.createElement('tr');
        tr.className = 'spacer';
        tr.setAttribute('aria-hidden', 'true');
        const td = document.createElement('td');
        td.colSpan = this.#colIds.length + 1;
        td.style.height = rows * ROW_HEIGHT + 'px';
        tr.append(td);
        return tr;
    }

    #createRow(rowId) {
        const tr = document.createElement('tr');
        tr.dataset.row = rowId;
        const head = document.createElement('th');
        head.className = 'row-head';
        head.setAttribute('role', 'rowheader');
        head.setAttribute('aria-colindex', '1');
        head.tabIndex = -1;
        tr.append(head);
        return { tr, head, cells: new Map(), columns: null };
    }

    #renderRow(entry, rowId, context) {
        const index = this.#rowIndex.get(rowId);
        entry.tr.setAttribute('aria-rowindex', String(index + 2));
        setText(entry.head, String(index + 1));
        const box = context.box;
        const inRows = box !== null && index >= box.top && index <= box.bottom;
        entry.head.classList.toggle('in-range', inRows);
        entry.head.classList.toggle('selected', inRows && box.left === 0 && box.right === this.#colIds.length - 1);
        if (entry.columns !== this.#colIds) {
            this.#layOutCells(entry, rowId);
        }
        for (const colId of this.#colIds) {
            this.#renderCell(entry.cells.get(colId), rowId, colId, context);
        }
    }

    /** A td per column, in column order; a td that stays is never moved (it may hold the editor). */
    #layOutCells(entry, rowId) {
        const tds = this.#colIds.map((colId, index) => {
            let td = entry.cells.get(colId);
            if (!td) {
                td = document.createElement('td');
                td.setAttribute('role', 'gridcell');
                td.dataset.row = rowId;
                td.dataset.col = colId;
                td.tabIndex = -1;
                const value = document.createElement('span');
                value.className = 'cell-value';
                td.append(value);
                entry.cells.set(colId, td);
            }
            td.setAttribute('aria-colindex', String(index + 2));
            return td;
        });
        for (const colId of [...entry.cells.keys()]) {
            if (!this.#colIndex.has(colId)) {
                entry.cells.delete(colId);
            }
        }
        reconcile(entry.tr, tds, 1);
        entry.columns = this.#colIds;
    }

    #renderCell(td, rowId, colId, context) {
        const key = rowId + ' ' + colId;
        const r = this.#rowIndex.get(rowId);
        const c = this.#colIndex.get(colId);
        const pending = this.#pending.has(key);
        setText(td.firstElementChild, (pending ? this.#pending.get(key) : this.#cell(rowId, colId)?.value) ?? '');
        const box = context.box;
        const selected = box !== null && r >= box.top && r <= box.bottom && c >= box.left && c <= box.right;
        const active = r === context.activeRow && c === context.activeCol;
        td.classList.toggle('selected', selected);
        setAttribute(td, 'aria-selected', String(selected));
        td.classList.toggle('active', active);
        if (td.tabIndex !== (active ? 0 : -1)) {
            td.tabIndex = active ? 0 : -1;
        }
        td.classList.toggle('pending', pending);
        td.classList.toggle('editing', context.editing === key);
        const conflict = this.#page.editor.conflictOf(key);
        td.classList.toggle('conflict', Boolean(conflict));
        if (conflict) {
            setAttribute(td, 'title', 'your value ' + quote(conflict.mine) + ' lost to ' + quote(conflict.theirs));
        } else if (td.hasAttribute('title')) {
            td.removeAttribute('title');
        }
        this.#renderMarkers(td, context.presence ? this.#markers.get(key) || [] : []);
    }

    /** Everyone else on this cell: a name tag each, and the cell outlined in the first one's colour. */
    #renderMarkers(td, users) {
        let markers = td.querySelector(':scope > .markers');
        if (users.length === 0) {
            markers?.remove();
            td.classList.remove('occupied');
            td.style.removeProperty('--user-light');
            td.style.removeProperty('--user-dark');
            return;
        }
        if (!markers) {
            markers = document.createElement('span');
            markers.className = 'markers';
            markers.setAttribute('aria-hidden', 'true'); // the users list says who is where, in words
            td.append(markers);
        }
        markers.replaceChildren(...users.map((user) => {
            const tag = document.createElement('span');
            tag.className = 'presence-marker';
            tag.dataset.user = user.id;
            tag.textContent = user.name;
            this.#page.paintUser(tag, user.id);
            return tag;
        }));
        td.classList.add('occupied');
        this.#page.paintUser(td, users[0].id);
    }

    #renderHeader() {
        if (!this.#corner) {
            this.#corner = document.createElement('th');
            this.#corner.className = 'corner';
            this.#corner.setAttribute('role', 'columnheader');
            this.#corner.setAttribute('aria-colindex', '1');
            this.#corner.title = 'Select all';
            const label = document.createElement('span');
            label.className = 'visually-hidden';
            label.textContent = 'Row';
            this.#corner.append(label);
        }
        const columns = this.#page.client.columns;
        const ths = columns.map((column, index) => {
            let th = this.#headers.get(column.id);
            if (!th) {
                th = document.createElement('th');
                th.setAttribute('role', 'columnheader');
                th.dataset.col = column.id;
                th.tabIndex = -1;
                const handle = document.createElement('span');
                handle.className = 'col-resize';
                handle.setAttribute('aria-hidden', 'true');
                handle.title = 'Drag to resize (or Alt+Shift+Left/Right on the header)';
                th.append(document.createTextNode(''), handle);
                this.#headers.set(column.id, th);
            }
            if (th.firstChild.nodeValue !== column.name) {
                th.firstChild.nodeValue = column.name;
            }
            setAttribute(th, 'aria-colindex', String(index + 2));
            th.dataset.letter = columnLetter(index);
            return th;
        });
        for (const colId of [...this.#headers.keys()]) {
            if (!this.#colIndex.has(colId)) {
                this.#headers.delete(colId);
            }
        }
        reconcile(this.#headRow, [this.#corner, ...ths]);
    }

    #decorateHeader(context) {
        const box = context.box;
        const allRows = box !== null && box.top === 0 && box.bottom === this.#rowIds.length - 1;
        this.#colIds.forEach((colId, c) => {
            const th = this.#headers.get(colId);
            const inColumns = box !== null && c >= box.left && c <= box.right;
            th.classList.toggle('in-range', inColumns);
            th.classList.toggle('selected', inColumns && allRows);
            const active = context.activeRow === -1 && context.activeCol === c;
            th.classList.toggle('active', active);
            th.tabIndex = active ? 0 : -1;
        });
    }

    #applyWidths() {
        const cols = [ROW_HEAD_WIDTH, ...this.#colIds.map((col) => this.widths.get(col))].map((width) => {
            const col = document.createElement('col');
            col.style.width = width + 'px';
            return col;
        });
        this.#colgroup.replaceChildren(...cols);
        this.#table.style.width = this.widths.layout(this.#colIds).total + 'px';
    }
}

function freshDirt() {
    return { structure: false, window: false, decor: false, cells: new Set() };
}

function setText(element, text) {
    if (element.textContent !== text) {
        element.textContent = text;
    }
}

function setAttribute(element, name, value) {
    if (element.getAttribute(name) !== value) {
        element.setAttribute(name, value);
    }
}

function quote(value) {
    return value === null || value === undefined ? '(empty)' : '“' + value + '”';
}

/**
 * Makes `parent`'s children from index `start` exactly `nodes`, in order. Vanished nodes are removed
 * first, so a node that stays is never moved (staying nodes keep their order: rows and columns never
 * move, they are only inserted and deleted): moving the cell being edited would take its focus away.
 */
export function reconcile(parent, nodes, start = 0) {
    const wanted = new Set(nodes);
    for (const child of [...parent.children].slice(start)) {
        if (!wanted.has(child)) {
            child.remove();
        }
    }
    nodes.forEach((node, index) => {
        const current = parent.children[start + index];
        if (current !== node) {
            parent.insertBefore(node, current || null);
        }
    });
}
