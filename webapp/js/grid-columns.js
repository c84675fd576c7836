// Column widths of the table editor: dragged at a header's right edge, or changed with Alt+Shift+Arrow
// on a focused header, and kept in this browser (localStorage, per sheet and column id), so that a
// sheet opens as the user last arranged it. Widths are the table's only horizontal layout: the table
// has `table-layout: fixed`, so a width set here is the width shown.

export const DEFAULT_WIDTH = 140;
export const MIN_WIDTH = 48;
export const MAX_WIDTH = 800;
/** The row-number column at the left. */
export const ROW_HEAD_WIDTH = 64;
/** One keyboard step. */
export const WIDTH_STEP = 16;

export class ColumnWidths {
    #sheet;
    #widths = new Map(); // colId → px, for columns whose width was read or set

    constructor(sheet) {
        this.#sheet = sheet;
    }

    /** The column's width in px: as the user left it in this browser, else the default. */
    get(col) {
        if (!this.#widths.has(col)) {
            const stored = Number(read(this.#key(col)));
            this.#widths.set(col, Number.isFinite(stored) && stored > 0 ? clamp(stored) : DEFAULT_WIDTH);
        }
        return this.#widths.get(col);
    }

    /** Sets and keeps the column's width (kept within MIN_WIDTH..MAX_WIDTH); returns the width set. */
    set(col, px) {
        const width = clamp(Math.round(px));
        this.#widths.set(col, width);
        write(this.#key(col), String(width));
        return width;
    }

    /** The left edge of each column and the table's total width, for `colIds` in order. */
    layout(colIds) {
        const lefts = [];
        let x = ROW_HEAD_WIDTH;
        for (const col of colIds) {
            lefts.push(x);
            x += this.get(col);
        }
        return { lefts, total: x };
    }

    #key(col) {
        return 'livegrid.width.' + this.#sheet + '.' + col;
    }
}

function clamp(px) {
    return Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, px));
}

function read(key) {
    try {
        return window.localStorage.getItem(key);
    } catch (e) {
        return null; // storage is off: default widths
    }
}

function write(key, value) {
    try {
        window.localStorage.setItem(key, value);
    } catch (e) {
        // storage is off or full: the width lasts as long as the page
    }
}

/**
 * Lets the user drag the right edge (`.col-resize`) of a header cell of `head` to resize its column.
 * `onResize(col, px, done)` is called while dragging and once more with done = true at the end.
 */
export function installResizeDrag(head, widths, onResize) {
    head.addEventListener('pointerdown', (event) => {
        const handle = event.target.closest('.col-resize');
        if (!handle || event.button !== 0) {
            return;
        }
        // No selection starts under the handle, and no text is selected while dragging.
        event.preventDefault();
        event.stopPropagation();
        const col = handle.parentElement.dataset.col;
        const startX = event.clientX;
        const startWidth = widths.get(col);
        handle.setPointerCapture(event.pointerId);
        handle.classList.add('dragging');
        const move = (e) => onResize(col, startWidth + e.clientX - startX, false);
        const end = (e) => {
            handle.releasePointerCapture(e.pointerId);
            handle.classList.remove('dragging');
            handle.removeEventListener('pointermove', move);
            handle.removeEventListener('pointerup', end);
            handle.removeEventListener('pointercancel', end);
            onResize(col, startWidth + e.clientX - startX, true);
        };
        handle.addEventListener('pointermove', move);
        handle.addEventListener('pointerup', end);
        handle.addEventListener('pointercancel', end);
    });
}
