// Rectangular selections over a sheet whose rows and columns others insert and delete while the user works.
// No DOM and no dependencies.
//
// A range is `{anchor: {row, col}, focus: {row, col}}` of row and column ids, not indices: the anchor is the
// active cell (where the selection started, where typing goes, the cursor others see), the focus the corner
// that shift+arrows move. Ids keep the selection on the same cells when rows are inserted above it; what
// happens when they are deleted is `repair`'s job. Functions take the table's current order as `rowIds`
// and `colIds` (arrays of ids, top to bottom and left to right).

/**
 * The range of one cell.
 * @returns {{anchor: {row: string, col: string}, focus: {row: string, col: string}}}
 */
export function cellRange(row, col) {
    return { anchor: { row, col }, focus: { row, col } };
}

/**
 * The range's rectangle as inclusive indices into rowIds and colIds, or null if one of its ids is gone.
 * @returns {{top: number, bottom: number, left: number, right: number} | null}
 */
export function bounds(range, rowIds, colIds) {
    const rows = [rowIds.indexOf(range.anchor.row), rowIds.indexOf(range.focus.row)];
    const cols = [colIds.indexOf(range.anchor.col), colIds.indexOf(range.focus.col)];
    if (rows.includes(-1) || cols.includes(-1)) {
        return null;
    }
    return { top: Math.min(...rows), bottom: Math.max(...rows), left: Math.min(...cols), right: Math.max(...cols) };
}

/**
 * Every cell of the range as {row, col} ids, row by row, left to right; empty if an id is gone.
 * @returns {Array<{row: string, col: string}>}
 */
export function cellsOf(range, rowIds, colIds) {
    const box = bounds(range, rowIds, colIds);
    const cells = [];
    for (let r = box?.top; box && r <= box.bottom; r++) {
        for (let c = box.left; c <= box.right; c++) {
            cells.push({ row: rowIds[r], col: colIds[c] });
        }
    }
    return cells;
}

/** Whether the cell (ids) is inside the range. */
export function contains(range, row, col, rowIds, colIds) {
    const box = bounds(range, rowIds, colIds);
    const r = rowIds.indexOf(row);
    const c = colIds.indexOf(col);
    return box !== null && r >= box.top && r <= box.bottom && c >= box.left && c <= box.right;
}

/**
 * Shift+arrow: the focus moves by (dRow, dCol), kept inside the table; the anchor stays. ±Infinity goes
 * to the edge (shift+ctrl+arrow). Null if an id of the range is gone (repair it first).
 */
export function extend(range, dRow, dCol, rowIds, colIds) {
    const focus = moved(range.focus, dRow, dCol, rowIds, colIds);
    return focus && bounds(range, rowIds, colIds) ? { anchor: range.anchor, focus } : null;
}

/**
 * Plain arrow: one cell, the anchor (the active cell, as in spreadsheets) moved by (dRow, dCol) and kept
 * inside the table; (0, 0) collapses the range onto its anchor. Null if an id of the range is gone.
 */
export function move(range, dRow, dCol, rowIds, colIds) {
    const cell = moved(range.anchor, dRow, dCol, rowIds, colIds);
    return cell && bounds(range, rowIds, colIds) ? { anchor: cell, focus: { ...cell } } : null;
}

function moved(cell, dRow, dCol, rowIds, colIds) {
    const r = rowIds.indexOf(cell.row);
    const c = colIds.indexOf(cell.col);
    if (r < 0 || c < 0) {
        return null;
    }
    const clamp = (index, length) => Math.max(0, Math.min(length - 1, index));
    return { row: rowIds[clamp(r + dRow, rowIds.length)], col: colIds[clamp(c + dCol, colIds.length)] };
}

/**
 * Where a pasted block of blockHeight × blockWidth cells lands: at the top-left cell of the selection;
 * if the selection is a whole multiple of the block in both directions the block is repeated over all of
 * it (as spreadsheets do: one value pasted on a column fills it). `range` null (an empty table) lands at
 * the top-left of the table. `rows`/`cols` are the existing ids it covers; `addRows`/`addColumns` how
 * many rows and columns must be added past the end for the rest. Null if an id is gone or the block is empty.
 * @returns {{top: number, left: number, height: number, width: number, rows: string[], cols: string[],
 *           addRows: number, addColumns: number} | null}
 */
export function pasteTarget(range, blockHeight, blockWidth, rowIds, colIds) {
    const box = range ? bounds(range, rowIds, colIds) : { top: 0, bottom: 0, left: 0, right: 0 };
    if (!box || !(blockHeight >= 1 && blockWidth >= 1)) {
        return null;
    }
    const selectedHeight = box.bottom - box.top + 1;
    const selectedWidth = box.right - box.left + 1;
    const tiled = selectedHeight % blockHeight === 0 && selectedWidth % blockWidth === 0;
    const height = tiled ? selectedHeight : blockHeight;
    const width = tiled ? selectedWidth : blockWidth;
    return {
        top: box.top, left: box.left, height, width,
        rows: rowIds.slice(box.top, box.top + height), cols: colIds.slice(box.left, box.left + width),
        addRows: Math.max(0, box.top + height - rowIds.length), addColumns: Math.max(0, box.left + width - colIds.length),
    };
}

/**
 * The ops of a paste of `block` (rows of strings, as parseTable gives) onto the selection: one op, so it
 * applies (and is undone) whole. Cells of existing rows are edits with `base` (the cell's version now:
 * if anyone changed one since the user saw it, the server refuses the whole paste with `conflict`);
 * missing columns are added after the last one and missing rows inserted after the last row, with their
 * cells, as `$k` references. Cells that would not change are left out; '' empties a cell (null).
 * @param state  livegrid.js state
 * @param range  the selection, or null to paste at the top-left (an empty table)
 * @param block  non-empty rows of strings
 * @param options columnName(index): the name of a new column at that index (default "Column n")
 * @returns {object|null} a `batch` op (without id), or null when the paste changes nothing
 */
export function pasteOps(state, range, block, { columnName = (index) => 'Column ' + (index + 1) } = {}) {
    const rowIds = state.rows.map((row) => row.id);
    const colIds = state.columns.map((column) => column.id);
    const target = pasteTarget(range, block.length, block[0]?.length ?? 0, rowIds, colIds);
    if (!target) {
        return null;
    }
    const ops = [];
    const value = (i, j) => {
        const text = block[i % block.length][j % block[0].length];
        return text === '' || text === undefined ? null : text;
    };
    const cols = [...target.cols];
    for (let k = 0; k < target.addColumns; k++) {
        ops.push({ type: 'addColumn', name: columnName(colIds.length + k), after: cols.at(-1) ?? null });
        cols.push('$' + (ops.length - 1));
    }
    const rowsById = new Map(state.rows.map((row) => [row.id, row]));
    target.rows.forEach((rowId, i) => {
        const cells = rowsById.get(rowId).cells;
        cols.forEach((col, j) => {
            const now = cells[col];
            if (col.startsWith('$')) { // a new column: nothing there to compare with
                if (value(i, j) !== null) {
                    ops.push({ type: 'edit', row: rowId, col, value: value(i, j) });
                }
            } else if ((now?.value ?? null) !== value(i, j)) {
                ops.push({ type: 'edit', row: rowId, col, value: value(i, j), base: now?.version ?? 0 });
            }
        });
    });
    let after = rowIds.at(-1) ?? null;
    for (let i = target.rows.length; i < target.height; i++) {
        const cells = {};
        cols.forEach((col, j) => {
            if (value(i, j) !== null) {
                cells[col] = value(i, j);
            }
        });
        ops.push({ type: 'insertRow', after, cells });
        after = '$' + (ops.length - 1);
    }
    return ops.length > 0 ? { type: 'batch', ops } : null;
}

/**
 * The values of the range as rows (null for an empty cell), for toTsv and toHtmlTable; null if an id is gone.
 * @param state livegrid.js state
 * @returns {Array<Array<string|null>>|null}
 */
export function valuesOf(state, range) {
    const box = bounds(range, state.rows.map((row) => row.id), state.columns.map((column) => column.id));
    if (!box) {
        return null;
    }
    const cols = state.columns.slice(box.left, box.right + 1).map((column) => column.id);
    return state.rows.slice(box.top, box.bottom + 1).map((row) => cols.map((col) => row.cells[col]?.value ?? null));
}

/**
 * The range after others inserted or deleted rows or columns: each corner keeps its row and column if
 * they still exist, else takes the nearest surviving one in the previous order (on a tie the one after,
 * which moved into its place). Null if no row or no column of the previous order is left.
 * @param previousRowIds the order the range was made in (before the change), likewise previousColIds
 */
export function repair(range, rowIds, colIds, previousRowIds, previousColIds) {
    const row = survivor(rowIds, previousRowIds);
    const col = survivor(colIds, previousColIds);
    const corner = (cell) => {
        const r = row(cell.row);
        const c = col(cell.col);
        return r === null || c === null ? null : { row: r, col: c };
    };
    const anchor = corner(range.anchor);
    const focus = corner(range.focus);
    return anchor && focus ? { anchor, focus } : null;
}

/** id → itself if still in `ids`, else the nearest id of `previous` that is, else null. */
function survivor(ids, previous) {
    const present = new Set(ids);
    return (id) => {
        if (present.has(id)) {
            return id;
        }
        const at = previous.indexOf(id);
        for (let distance = 1; at >= 0 && (at + distance < previous.length || at - distance >= 0); distance++) {
            for (const candidate of [previous[at + distance], previous[at - distance]]) {
                if (candidate !== undefined && present.has(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    };
}
