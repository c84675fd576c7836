// The ops the table editor sends for a selection: clearing it, inserting or deleting several rows or
// columns at once, each as ONE op (a `batch`), so that everyone sees it arrive whole and one undo takes
// it back. Also how cells are named to people ("B3"). No DOM and no dependencies but livegrid.js.
import { MAX_FRAME_BYTES, MAX_OP_BYTES, opSize } from './livegrid.js';

/** "A", "B", … "Z", "AA", "AB", … for the column at `index` (from 0), as spreadsheets name them. */
export function columnLetter(index) {
    let name = '';
    for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
        name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
    }
    return name;
}

/** "B3": the column's letter and the row's number, from 0-based indices. */
export function cellName(colIndex, rowIndex) {
    return columnLetter(colIndex) + (rowIndex + 1);
}

/**
 * The op that empties `cells` ({row, col} ids): an edit to null of every cell that has a value, each
 * with `base` (baseFor(row, col): the version the user sees; undefined leaves it out), so that a value
 * someone wrote since is never wiped unseen. `shown(row, col)` is the value the user sees. Null if no
 * cell has a value.
 */
export function clearOp(cells, shown, baseFor) {
    const ops = [];
    for (const { row, col } of cells) {
        const value = shown(row, col);
        if (value !== null && value !== undefined) {
            const base = baseFor(row, col);
            ops.push({ type: 'edit', row, col, value: null, ...(base === undefined ? {} : { base }) });
        }
    }
    return ops.length > 0 ? { type: 'batch', ops } : null;
}

/** `count` empty rows one below the other after row `after` (null: at the start), chained with `$k`. */
export function insertRowsOp(after, count) {
    const ops = [];
    for (let k = 0; k < count; k++) {
        ops.push({ type: 'insertRow', ...(k === 0 ? (after == null ? {} : { after }) : { after: '$' + (k - 1) }) });
    }
    return { type: 'batch', ops };
}

/**
 * Deletes the rows (ids) as one op, each only if none of its cells changed since the user saw it: its
 * `base` is the newest version among its cells (0 if none was ever written).
 * @param state livegrid.js state
 */
export function deleteRowsOp(state, rowIds) {
    const wanted = new Set(rowIds);
    const ops = state.rows.filter((row) => wanted.has(row.id)).map((row) => ({
        type: 'deleteRow', row: row.id, base: newest(Object.values(row.cells)),
    }));
    return ops.length > 0 ? { type: 'batch', ops } : null;
}

/** Deletes the columns (ids) as one op, each with the newest version among its cells as `base`. */
export function deleteColumnsOp(state, colIds) {
    const wanted = new Set(colIds);
    const ops = state.columns.filter((column) => wanted.has(column.id)).map((column) => ({
        type: 'deleteColumn', col: column.id,
        base: newest(state.rows.map((row) => row.cells[column.id]).filter(Boolean)),
    }));
    return ops.length > 0 ? { type: 'batch', ops } : null;
}

function newest(cells) {
    return cells.reduce((max, cell) => Math.max(max, cell.version ?? 0), 0);
}

/**
 * Why the server would refuse `op` for its size, in words for the user, or null if it fits: one frame
 * is at most 1 MiB and one op as applied at most 512 KiB (PROTOCOL §7.3). `what` names the change
 * ("This paste"). The page says so instead of sending an op that can only be refused.
 */
export function sizeProblem(op, what) {
    const { frame, applied } = opSize(op);
    if (frame <= MAX_FRAME_BYTES && applied <= MAX_OP_BYTES) {
        return null;
    }
    const share = Math.min(MAX_FRAME_BYTES / frame, MAX_OP_BYTES / applied);
    return what + ' is about ' + kib(Math.max(frame, applied)) + ' as one change, and the server takes at most '
        + kib(MAX_OP_BYTES) + ' in one change, so nothing was sent. Try about ' + Math.max(1, Math.floor(share * 90))
        + '% of it at a time.';
}

function kib(bytes) {
    return bytes >= 1024 * 1024 ? (bytes / 1024 / 1024).toFixed(1) + ' MiB' : Math.ceil(bytes / 1024) + ' KiB';
}
