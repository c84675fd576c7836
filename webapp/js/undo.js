// Undo and redo of the user's own ops on a sheet that others edit at the same time. No DOM, no dependencies.
//
// An undo is an op like any other: sent to the server, applied or refused there. It must never overwrite
// what someone else did since, so every cell it puts back carries a `base` (the version the user's op
// left the cell at) and every row or column it deletes (one the op created) a `base` too: if another user
// has written there since, the server refuses the whole undo with `conflict`, naming the cells. What the
// op deleted comes back as new rows and columns (new ids), after the nearest row or column that was
// before it and still exists.
//
// So an inverse is a function of the state at undo time (Inverse#op): rows may be gone by then (their
// cells are left out: nothing there to put back), neighbours may be gone, and the user's own undos of
// later ops have put cells back at new versions. The history follows the latter: when an undo that puts a
// cell back is applied, the entries that took the cell as the user left it at the version whose value it
// put back take it so at the undo's version too, and when it re-creates a row or column, entries naming
// the old id name the new one. Without that, undoing two edits of one cell would be refused because of
// the first undo's own write, and an edit of a deleted row could not be undone after the row came back.
//
// UndoHistory is a state machine with two stacks and at most one undo or redo on the wire:
//
//   idle ──nextUndo(state): an op──▶ waiting('undo') ──applied('undo', …)──▶ idle, the inverse of the
//     │                                  │                                   undo as applied on the redo stack
//     │                                  └──refused('undo', rejection)──▶ idle, the entry dropped (kept
//     │                                                                   for store-unavailable / rate-limited)
//     └──nextRedo(state): an op──▶ waiting('redo') ── the same, with the stacks swapped
//
//   record({stateBefore, op, version}), in any state: the inverse of the user's own applied op goes on the
//   undo stack (the oldest falls off past maxDepth) and the redo stack is emptied. While waiting,
//   nextUndo and nextRedo return null. An entry with nothing left to put back (all its rows and columns
//   deleted by others) is skipped by nextUndo/nextRedo, which then offer the one below it.
import { applyOp } from './livegrid.js';

/** How many rows or columns before a deleted one are remembered, to put it back after the nearest survivor. */
const NEIGHBOURS = 20;
/** Refusals that say "not now" rather than "no": the entry stays for another try. */
const TRANSIENT = new Set(['store-unavailable', 'rate-limited']);

/**
 * What undoes `appliedOp` (applied form, as in an `applied` message), which was applied at `version` on
 * `stateBefore` (livegrid.js state): an Inverse, whose op(currentState) is the op to send; null if the op
 * changed nothing that can be undone. Rules (a batch is inverted by its net effect, as one batch):
 * - a cell it wrote → edit back to the old value (null if it was empty), `base` the op's version;
 * - a row or column it created → deleteRow / deleteColumn with `base` the op's version;
 * - a row it deleted → insertRow with the old values after the nearest surviving row that was before it;
 * - a column it deleted → addColumn with the old name after its nearest surviving predecessor, and
 *   edits of the new column (`$k`) restoring the old values of rows that still exist;
 * - a column it renamed → renameColumn back, unless someone renamed it again since.
 * @returns {Inverse|null}
 */
export function inverseOf(stateBefore, appliedOp, version) {
    const after = applyOp(stateBefore, appliedOp, version);
    const subOps = appliedOp.type === 'batch' ? appliedOp.ops || [] : [appliedOp];
    const rowsBefore = indexed(stateBefore.rows);
    const rowsAfter = indexed(after.rows);
    const colsBefore = indexed(stateBefore.columns);
    const colsAfter = indexed(after.columns);
    const steps = { addColumn: [], insertRow: [], edit: [], rename: [], deleteRow: [], deleteColumn: [] };
    const seen = new Set();
    const first = (key) => !seen.has(key) && Boolean(seen.add(key));
    const neighbours = (list, index) => list.slice(Math.max(0, index - NEIGHBOURS), index).map((item) => item.id).reverse();
    for (const op of subOps) {
        if (op.type === 'edit' && rowsBefore.has(op.row) && rowsAfter.has(op.row) && colsBefore.has(op.col)
                && colsAfter.has(op.col) && first('cell ' + op.row + ' ' + op.col)) {
            const old = rowsBefore.get(op.row).item.cells[op.col];
            steps.edit.push({ row: op.row, col: op.col, value: old?.value ?? null, versions: new Set([version]),
                restores: old?.version ?? 0 });
        } else if (op.type === 'insertRow' && rowsAfter.has(op.row) && !rowsBefore.has(op.row)) {
            const cells = Object.entries(rowsAfter.get(op.row).item.cells);
            steps.deleteRow.push({ row: op.row, base: version,
                exact: new Map(cells.map(([col, cell]) => [col, new Set([cell.version])])) });
        } else if (op.type === 'addColumn' && colsAfter.has(op.col) && !colsBefore.has(op.col)) {
            const rows = after.rows.filter((row) => row.cells[op.col]);
            steps.deleteColumn.push({ col: op.col, base: version,
                exact: new Map(rows.map((row) => [row.id, new Set([row.cells[op.col].version])])) });
        } else if (op.type === 'deleteRow' && rowsBefore.has(op.row) && !rowsAfter.has(op.row)) {
            const { item, index } = rowsBefore.get(op.row);
            steps.insertRow.push({ old: op.row, before: neighbours(stateBefore.rows, index), index,
                cells: new Map(Object.entries(item.cells)) });
        } else if (op.type === 'deleteColumn' && colsBefore.has(op.col) && !colsAfter.has(op.col)) {
            const { item, index } = colsBefore.get(op.col);
            const cells = new Map();
            for (const row of stateBefore.rows) {
                if (row.cells[op.col]) {
                    cells.set(row.id, row.cells[op.col]);
                }
            }
            steps.addColumn.push({ old: op.col, name: item.name, before: neighbours(stateBefore.columns, index), index, cells });
        } else if (op.type === 'renameColumn' && colsBefore.has(op.col) && colsAfter.has(op.col) && first('name ' + op.col)) {
            const name = colsBefore.get(op.col).item.name;
            const now = colsAfter.get(op.col).item.name;
            if (name !== now) {
                steps.rename.push({ col: op.col, name, expectName: now });
            }
        }
    }
    // Re-created in table order, so a row's predecessor that comes back too is there first.
    steps.insertRow.sort((a, b) => a.index - b.index);
    steps.addColumn.sort((a, b) => a.index - b.index);
    return Object.values(steps).some((list) => list.length > 0) ? new Inverse(steps) : null;
}

/**
 * The inverse of one applied op (see inverseOf): steps that become an op against the state at undo time.
 * Its rename and rebase methods are how UndoHistory keeps it in step with the user's own undos.
 */
export class Inverse {
    #steps;

    constructor(steps) {
        this.#steps = steps;
    }

    /**
     * The op (without id) that undoes the op now, in `state`: a single op, or a `batch` when it takes
     * several; null if nothing is left to put back (its rows and columns are gone).
     */
    op(state) {
        return this.plan(state)?.op ?? null;
    }

    /**
     * The op, and what it puts back (for UndoHistory: which cells get which old version's value, and which
     * old rows and columns it re-creates as which `$k`); null if nothing is left to put back.
     * @returns {{op: object, effects: object[]}|null}
     */
    plan(state) {
        const steps = this.#steps;
        const rows = new Map(state.rows.map((row) => [row.id, row]));
        const columns = new Map(state.columns.map((column) => [column.id, column]));
        const ops = [];
        const effects = [];
        const add = (op) => {
            ops.push(op);
            return '$' + (ops.length - 1); // how later sub-ops of the same batch name what this one creates
        };
        const remadeColumns = new Map(); // old id → $k
        const remadeRows = new Map();
        for (const step of steps.addColumn) {
            const after = placeAfter(step, columns, remadeColumns, () => state.columns.map((column) => column.id));
            remadeColumns.set(step.old, add({ type: 'addColumn', name: step.name, after }));
        }
        for (const step of steps.insertRow) {
            const cells = {};
            const restored = [];
            for (const [col, cell] of step.cells) {
                const key = columns.has(col) ? col : remadeColumns.get(col);
                if (key !== undefined) { // a column deleted since takes its value with it
                    if (cell.value !== null) {
                        cells[key] = cell.value;
                    }
                    restored.push({ col: key, from: cell.version, written: cell.value !== null });
                }
            }
            const after = placeAfter(step, rows, remadeRows, () => state.rows.map((row) => row.id));
            const ref = add({ type: 'insertRow', after, cells });
            remadeRows.set(step.old, ref);
            effects.push({ type: 'row', old: step.old, ref, cells: restored });
        }
        for (const step of steps.addColumn) {
            const ref = remadeColumns.get(step.old);
            const restored = [];
            for (const [row, cell] of step.cells) {
                if (rows.has(row)) { // else gone, or re-created above with this cell
                    if (cell.value !== null) {
                        add({ type: 'edit', row, col: ref, value: cell.value });
                    }
                    restored.push({ row, from: cell.version, written: cell.value !== null });
                }
            }
            effects.push({ type: 'column', old: step.old, ref, cells: restored });
        }
        for (const step of steps.edit) {
            if (rows.has(step.row) && columns.has(step.col)) { // else the cell is gone: nothing to put back
                // As the user left it: base its version now. Else a version it is not at, so that the server refuses.
                const now = rows.get(step.row).cells[step.col]?.version ?? 0;
                const base = step.versions.has(now) ? now : step.versions.values().next().value;
                add({ type: 'edit', row: step.row, col: step.col, value: step.value, base });
                effects.push({ type: 'cell', row: step.row, col: step.col, from: step.restores });
            }
        }
        for (const step of steps.rename) {
            // No base for names in the protocol: a name someone else gave the column since is left alone.
            if (columns.get(step.col)?.name === step.expectName) {
                add({ type: 'renameColumn', col: step.col, name: step.name });
            }
        }
        for (const step of steps.deleteRow) {
            const row = rows.get(step.row);
            if (row) {
                add({ type: 'deleteRow', row: step.row,
                    base: baseFor(step, Object.entries(row.cells).map(([col, cell]) => [col, cell.version])) });
            }
        }
        for (const step of steps.deleteColumn) {
            if (columns.has(step.col)) {
                const versions = state.rows.filter((row) => row.cells[step.col]).map((row) => [row.id, row.cells[step.col].version]);
                add({ type: 'deleteColumn', col: step.col, base: baseFor(step, versions) });
            }
        }
        if (ops.length === 0) {
            return null;
        }
        return { op: ops.length === 1 ? ops[0] : { type: 'batch', ops }, effects };
    }

    /** Old row and column ids → the ids of their re-creations (Maps), wherever this inverse names them. */
    rename(rowIds, colIds) {
        if (rowIds.size === 0 && colIds.size === 0) {
            return;
        }
        const row = (id) => rowIds.get(id) ?? id;
        const col = (id) => colIds.get(id) ?? id;
        const rekey = (map, id) => new Map([...map].map(([key, value]) => [id(key), value]));
        const steps = this.#steps;
        for (const step of steps.edit) {
            step.row = row(step.row);
            step.col = col(step.col);
        }
        for (const step of steps.deleteRow) {
            step.row = row(step.row);
            step.exact = rekey(step.exact, col);
        }
        for (const step of steps.deleteColumn) {
            step.col = col(step.col);
            step.exact = rekey(step.exact, row);
        }
        for (const step of steps.insertRow) {
            step.old = row(step.old);
            step.before = step.before.map(row);
            step.cells = rekey(step.cells, col);
        }
        for (const step of steps.addColumn) {
            step.old = col(step.old);
            step.before = step.before.map(col);
            step.cells = rekey(step.cells, row);
        }
        for (const step of steps.rename) {
            step.col = col(step.col);
        }
    }

    /**
     * Cells the user's own undo or redo put back: each change {row, col, from, to} says the cell holds, at
     * version `to`, the value it had at version `from`. Where this inverse takes the cell at `from` as the
     * user left it, it takes it at `to` too. (A set of versions, not one: a cell can hold the same value
     * at several, e.g. empty when never written, and again after each undo that empties it.)
     * @param changes a CellChanges
     */
    rebase(changes) {
        const steps = this.#steps;
        for (const step of steps.edit) {
            const change = changes.byCell.get(step.row + ' ' + step.col);
            if (change && step.versions.has(change.from)) {
                step.versions.add(change.to);
            }
        }
        for (const step of steps.deleteRow) {
            for (const change of changes.byRow.get(step.row) || []) {
                accept(step, change.col, change.from, change.to);
            }
        }
        for (const step of steps.deleteColumn) {
            for (const change of changes.byColumn.get(step.col) || []) {
                accept(step, change.row, change.from, change.to);
            }
        }
    }
}

/** Cell changes ({row, col, from, to}, see Inverse#rebase), indexed once for all the entries of a history. */
class CellChanges {
    constructor(changes) {
        this.byCell = new Map(changes.map((change) => [change.row + ' ' + change.col, change]));
        this.byRow = groupBy(changes, (change) => change.row);
        this.byColumn = groupBy(changes, (change) => change.col);
    }
}

/**
 * The `after` for a re-created row or column: its nearest predecessor that exists now or is re-created
 * earlier in the same op ($k). If none of those remembered is left: at the start when they reached the
 * top, else after whatever is now at its old place.
 */
function placeAfter(step, present, remade, order) {
    for (const id of step.before) {
        if (present.has(id)) {
            return id;
        }
        if (remade.has(id)) {
            return remade.get(id);
        }
    }
    if (step.before.length === step.index) {
        return null;
    }
    const ids = order();
    return ids[Math.min(step.index, ids.length) - 1] ?? null;
}

/**
 * Whether a deleteRow/deleteColumn step takes the cell `key` at `version` as the user left it. `exact`
 * holds the version of every cell that the op creating the row or column wrote, and those own undos put
 * the same value back at since (rebase); any other cell must never have been written (0). Not simply
 * "version ≤ base": an undo puts back the value of an older version, maybe of the row this one re-created.
 */
function accepts(step, key, version) {
    return step.exact.get(key)?.has(version) ?? version === 0;
}

/** rebase for a deleteRow/deleteColumn step: the cell `key` at `to` holds what it held at `from`. */
function accept(step, key, from, to) {
    if (accepts(step, key, from)) {
        if (!step.exact.has(key)) {
            step.exact.set(key, new Set([0]));
        }
        step.exact.get(key).add(to);
    }
}

/**
 * The `base` for deleting a row or column the user's op created, given its cells' versions now ([key,
 * version] pairs). If every cell is as the user left it (own undos included), the newest of those versions:
 * the server still refuses if anyone writes there before the delete arrives. Otherwise the op's version,
 * so that the server refuses it and names every cell changed since.
 */
function baseFor(step, versions) {
    let base = step.base;
    for (const [key, version] of versions) {
        if (!accepts(step, key, version)) {
            return step.base;
        }
        base = Math.max(base, version);
    }
    return base;
}

function groupBy(list, key) {
    const groups = new Map();
    for (const item of list) {
        const group = groups.get(key(item));
        if (group) {
            group.push(item);
        } else {
            groups.set(key(item), [item]);
        }
    }
    return groups;
}

function indexed(list) {
    return new Map(list.map((item, index) => [item.id, { item, index }]));
}

/**
 * The user's undo and redo stacks; see the state machine at the top of this file.
 */
export class UndoHistory {
    #undo = [];
    #redo = [];
    #waiting = null; // {kind, inverse, effects} of the undo or redo sent and not yet answered
    #maxDepth;

    /** @param options maxDepth: how many ops can be undone (default 100) */
    constructor({ maxDepth = 100 } = {}) {
        this.#maxDepth = maxDepth;
    }

    /** Whether there is something to undo and no undo or redo is waiting for its answer. */
    get canUndo() {
        return this.#waiting === null && this.#undo.length > 0;
    }

    get canRedo() {
        return this.#waiting === null && this.#redo.length > 0;
    }

    get undoDepth() {
        return this.#undo.length;
    }

    get redoDepth() {
        return this.#redo.length;
    }

    /** 'undo' or 'redo' while one is sent and unanswered, else null. */
    get waiting() {
        return this.#waiting?.kind ?? null;
    }

    /**
     * The user's own op was applied (its ack): its inverse goes on the undo stack, and the redo stack is
     * emptied. Returns false if the op cannot be undone (nothing recorded).
     * @param entry {stateBefore, op, version}: the state before the `applied` message, its op and version
     */
    record({ stateBefore, op, version }) {
        this.#redo = [];
        const inverse = inverseOf(stateBefore, op, version);
        if (inverse) {
            this.#push(this.#undo, inverse);
        }
        return inverse !== null;
    }

    /** The op (without id) to send to undo the newest entry, or null if none (or one is waiting). */
    nextUndo(state) {
        return this.#next('undo', this.#undo, state);
    }

    /** The op (without id) to send to redo the newest undone entry, or null if none (or one is waiting). */
    nextRedo(state) {
        return this.#next('redo', this.#redo, state);
    }

    /**
     * The undo or redo sent was applied: `stateBefore` the state before its `applied` message, `appliedOp`
     * and `version` from it. Its inverse goes on the other stack. Returns false if none of that kind was waiting.
     */
    applied(kind, stateBefore, appliedOp, version) {
        const waiting = this.#waiting;
        if (waiting?.kind !== kind) {
            return false;
        }
        this.#waiting = null;
        this.#follow(waiting.effects, appliedOp, version);
        const inverse = inverseOf(stateBefore, appliedOp, version);
        if (inverse) {
            this.#push(kind === 'undo' ? this.#redo : this.#undo, inverse);
        }
        return true;
    }

    /**
     * The undo or redo sent was rejected: the entry is dropped (kept for `store-unavailable` and
     * `rate-limited`, which are worth another try) and the reason returned for the user, e.g.
     * "Bob changed B3 since; undo would overwrite it." Null if none of that kind was waiting.
     * @param names cellName(row, col): how to call a cell (e.g. "B3"); whoChanged({row, col, value,
     *              version}): who wrote that version (e.g. from the `by` of applied messages), or null
     */
    refused(kind, rejection, names = {}) {
        const waiting = this.#waiting;
        if (waiting?.kind !== kind) {
            return null;
        }
        this.#waiting = null;
        if (TRANSIENT.has(rejection.code)) {
            this.#push(kind === 'undo' ? this.#undo : this.#redo, waiting.inverse);
            return 'Could not ' + kind + ' just now (' + (rejection.message || rejection.code) + '); try again.';
        }
        return explain(kind, rejection, names);
    }

    /** Forgets everything, e.g. after the sheet was replaced. */
    clear() {
        this.#undo = [];
        this.#redo = [];
        this.#waiting = null;
    }

    #next(kind, stack, state) {
        if (this.#waiting) {
            return null;
        }
        while (stack.length > 0) {
            const inverse = stack.pop();
            const plan = inverse.plan(state);
            if (plan) {
                this.#waiting = { kind, inverse, effects: plan.effects };
                return plan.op;
            }
        }
        return null;
    }

    #push(stack, inverse) {
        stack.push(inverse);
        if (stack.length > this.#maxDepth) {
            stack.shift();
        }
    }

    /**
     * After an undo or redo was applied at `version`: entries naming rows and columns it re-created now
     * name the new ids (from the applied op: `$k` is the id sub-op k created), and entries expecting a cell
     * it put back at the version it had then now expect it at `version`.
     */
    #follow(effects, appliedOp, version) {
        const created = (ref) => {
            const sub = appliedOp.type === 'batch' ? appliedOp.ops[Number(ref.slice(1))] : appliedOp;
            return sub.type === 'insertRow' ? sub.row : sub.col;
        };
        const id = (ref) => (ref.startsWith('$') ? created(ref) : ref);
        const rowIds = new Map();
        const colIds = new Map();
        for (const effect of effects) {
            if (effect.type === 'row') {
                rowIds.set(effect.old, created(effect.ref));
            } else if (effect.type === 'column') {
                colIds.set(effect.old, created(effect.ref));
            }
        }
        const changes = [];
        for (const effect of effects) {
            if (effect.type === 'cell') {
                changes.push({ row: effect.row, col: effect.col, from: effect.from, to: version });
            }
            for (const cell of effect.type === 'row' || effect.type === 'column' ? effect.cells : []) {
                changes.push({
                    row: effect.type === 'row' ? rowIds.get(effect.old) : cell.row,
                    col: effect.type === 'row' ? id(cell.col) : colIds.get(effect.old),
                    from: cell.from, to: cell.written ? version : 0, // an empty cell is not re-created: version 0
                });
            }
        }
        const indexed = new CellChanges(changes);
        for (const inverse of [...this.#undo, ...this.#redo]) {
            inverse.rename(rowIds, colIds);
            inverse.rebase(indexed);
        }
    }
}

/** A refusal in words for the user. */
function explain(kind, rejection, { cellName = (row, col) => col + ':' + row, whoChanged = () => null }) {
    const Kind = kind === 'undo' ? 'Undo' : 'Redo';
    switch (rejection.code) {
    case 'conflict': {
        const cells = rejection.conflicts?.length ? rejection.conflicts : rejection.current ? [rejection.current] : [];
        if (cells.length === 0) {
            return 'Someone changed it since; ' + kind + ' would overwrite it.';
        }
        const byWho = new Map();
        for (const cell of cells) {
            const who = whoChanged(cell) || 'someone';
            byWho.set(who, [...byWho.get(who) || [], cellName(cell.row, cell.col)]);
        }
        const parts = [...byWho].map(([who, names]) => who + ' changed ' + listed(names));
        const text = parts.join(' and ') + ' since; ' + kind + ' would overwrite ' + (cells.length > 1 ? 'them' : 'it') + '.';
        return text[0].toUpperCase() + text.slice(1);
    }
    case 'no-such-row':
    case 'no-such-column':
        return Kind + ' refused: a row or column it needs was deleted meanwhile.';
    case 'read-only':
        return Kind + ' refused: you may only view this sheet.';
    case 'too-large':
        return Kind + ' refused: the sheet would grow past its limits.';
    default:
        return Kind + ' failed: ' + (rejection.message || rejection.code) + '.';
    }
}

/** "B3", "B3 and C4", "B3, C4, D5 and 2 more". */
function listed(names) {
    const shown = names.length > 4 ? names.slice(0, 3) : names;
    const rest = names.length - shown.length;
    return rest > 0 ? shown.join(', ') + ' and ' + rest + ' more'
        : shown.length > 1 ? shown.slice(0, -1).join(', ') + ' and ' + shown.at(-1) : shown[0];
}
