// Tests of webapp/js/undo.js: `node --test src/test/js/` (Node 20, no packages).
// A tiny model of the server (below) applies ops as docs/PROTOCOL.md §7 says, the batch and the bases
// included, so an undo is checked the way it will really be treated: applied whole, or refused.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyOp, stateFromWelcome } from '../../../webapp/js/livegrid.js';
import { inverseOf, UndoHistory } from '../../../webapp/js/undo.js';
import { cellRange, pasteOps } from '../../../webapp/js/range.js';
import { random } from './support/seeded.mjs';

// ---------------------------------------------------------------- a test-only server

/**
 * Applies ops like the server: checks that named rows and columns exist (a `$k` must name what sub-op k
 * of the same batch created), checks every base against the state before the op, assigns ids (r<V>,
 * c<V>; r<V>-<k>, c<V>-<k> in a batch), and answers with the applied form or a rejection. It remembers who
 * wrote each cell and each column name, so tests can tell whose value an undo would overwrite.
 */
class Server {
    constructor(state) {
        this.state = state;
        this.writers = new Map(); // "row col" → author of the cell's current value
        this.namers = new Map(); // col → author of the column's current name
    }

    submit(op, by) {
        const version = this.state.version + 1;
        const batch = op.type === 'batch';
        const subs = batch ? op.ops : [op];
        const created = [];
        const applied = [];
        const conflicts = [];
        const written = new Set();
        let state = this.state;
        const reject = (code, message) => ({ type: 'rejected', code, message });
        const ref = (id, kind) => {
            if (typeof id === 'string' && id.startsWith('$')) {
                const made = created[Number(id.slice(1))];
                return made?.kind === kind ? made.id : '(bad reference ' + id + ')';
            }
            return id;
        };
        const row = (id) => state.rows.find((r) => r.id === id);
        const hasCol = (id) => state.columns.some((c) => c.id === id);
        const before = (rowId) => this.state.rows.find((r) => r.id === rowId);
        const conflict = (rowId, col, cell) => conflicts.push({ row: rowId, col, value: cell.value, version: cell.version });
        for (const [k, sub] of subs.entries()) {
            const suffix = batch ? '-' + k : '';
            let out;
            if (sub.type === 'edit') {
                const r = ref(sub.row, 'row');
                const c = ref(sub.col, 'col');
                if (!row(r)) return reject('no-such-row', r);
                if (!hasCol(c)) return reject('no-such-column', c);
                if (written.has(r + ' ' + c)) return reject('invalid', 'cell written twice');
                written.add(r + ' ' + c);
                const cell = before(r)?.cells[c] ?? { value: null, version: 0 };
                if (sub.base !== undefined && cell.version !== sub.base) conflict(r, c, cell);
                out = { type: 'edit', row: r, col: c, value: sub.value ?? null };
            } else if (sub.type === 'insertRow') {
                const after = sub.after == null ? null : ref(sub.after, 'row');
                if (after !== null && !row(after)) return reject('no-such-row', after);
                const id = 'r' + version + suffix;
                const cells = {};
                for (const [key, value] of Object.entries(sub.cells || {})) {
                    const c = ref(key, 'col');
                    if (!hasCol(c)) return reject('no-such-column', c);
                    cells[c] = value;
                    written.add(id + ' ' + c);
                }
                created[k] = { kind: 'row', id };
                out = { type: 'insertRow', row: id, after, cells };
            } else if (sub.type === 'deleteRow') {
                const r = ref(sub.row, 'row');
                if (!row(r)) return reject('no-such-row', r);
                for (const [c, cell] of Object.entries(before(r)?.cells || {})) {
                    if (sub.base !== undefined && cell.version > sub.base) conflict(r, c, cell);
                }
                out = { type: 'deleteRow', row: r };
            } else if (sub.type === 'addColumn') {
                const after = sub.after == null ? null : ref(sub.after, 'col');
                if (after !== null && !hasCol(after)) return reject('no-such-column', after);
                const id = 'c' + version + suffix;
                created[k] = { kind: 'col', id };
                out = { type: 'addColumn', col: id, name: sub.name, after };
            } else if (sub.type === 'renameColumn') {
                const c = ref(sub.col, 'col');
                if (!hasCol(c)) return reject('no-such-column', c);
                out = { type: 'renameColumn', col: c, name: sub.name };
            } else if (sub.type === 'deleteColumn') {
                const c = ref(sub.col, 'col');
                if (!hasCol(c)) return reject('no-such-column', c);
                for (const r of this.state.rows) {
                    const cell = r.cells[c];
                    if (sub.base !== undefined && cell && cell.version > sub.base) conflict(r.id, c, cell);
                }
                out = { type: 'deleteColumn', col: c };
            } else {
                return reject('invalid', 'not an op: ' + sub.type);
            }
            applied.push(out);
            state = applyOp(state, out, version); // one by one, to check what later sub-ops name
        }
        if (conflicts.length > 0) {
            return { type: 'rejected', code: 'conflict', message: 'cell changed', current: conflicts[0], conflicts };
        }
        const final = batch ? { type: 'batch', ops: applied } : applied[0];
        const next = applyOp(this.state, final, version);
        assert.deepEqual(next, state, 'a batch applies as its sub-ops one by one');
        for (const r of next.rows) {
            for (const [c, cell] of Object.entries(r.cells)) {
                if (cell.version === version) this.writers.set(r.id + ' ' + c, by);
            }
        }
        for (const sub of applied) {
            if (sub.type === 'addColumn' || sub.type === 'renameColumn') this.namers.set(sub.col, by);
        }
        this.state = next;
        return { type: 'applied', version, by, op: final };
    }
}

/** The user "me" with an UndoHistory, and others, on one Server. */
function session(state, options) {
    const server = new Server(state);
    const history = new UndoHistory(options);
    const names = { cellName: (row, col) => col + '@' + row, whoChanged: (cell) => (server.writers.get(cell.row + ' ' + cell.col) === 'other' ? 'Bob' : null) };
    return {
        server, history,
        /** An op of mine: sent, and recorded once applied. */
        mine(op) {
            const stateBefore = server.state;
            const answer = server.submit(op, 'me');
            if (answer.type === 'applied') {
                answer.recorded = history.record({ stateBefore, op: answer.op, version: answer.version });
            }
            return answer;
        },
        other(op) {
            return server.submit(op, 'other');
        },
        undo() {
            return this.go('undo');
        },
        redo() {
            return this.go('redo');
        },
        /** nextUndo/nextRedo, sent, and the answer handed back to the history; null when there is nothing to send. */
        go(kind) {
            const op = kind === 'undo' ? history.nextUndo(server.state) : history.nextRedo(server.state);
            if (!op) {
                return null;
            }
            const stateBefore = server.state;
            const answer = server.submit(op, 'me');
            if (answer.type === 'applied') {
                history.applied(kind, stateBefore, answer.op, answer.version);
            } else {
                answer.explanation = history.refused(kind, answer, names);
            }
            return { sent: op, answer, stateBefore };
        },
    };
}

const START = () => stateFromWelcome({
    type: 'welcome', sheet: 's', version: 10, you: 'me', // server ids start at r11, c11
    columns: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }, { id: 'c', name: 'C' }],
    rows: [
        { id: 'r1', cells: { a: { value: 'a1', version: 1 }, b: { value: 'b1', version: 1 } } },
        { id: 'r2', cells: { a: { value: 'a2', version: 2 }, c: { value: 'c2', version: 2 } } },
        { id: 'r3', cells: { b: { value: null, version: 3 } } },
        { id: 'r4', cells: { c: { value: 'c4', version: 3 } } },
    ],
});

/** What a user sees: column names and values in order; ids left out (re-created rows get new ones). */
function table(state) {
    return {
        columns: state.columns.map((column) => column.name),
        rows: state.rows.map((row) => state.columns.map((column) => row.cells[column.id]?.value ?? null)),
    };
}

/** Applies `op` as "me", then its inverse against the state after, and returns both answers. */
function roundTrip(op) {
    const server = new Server(START());
    const stateBefore = server.state;
    const done = server.submit(op, 'me');
    assert.equal(done.type, 'applied', JSON.stringify(done));
    const inverse = inverseOf(stateBefore, done.op, done.version);
    const undo = inverse.op(server.state);
    const undone = server.submit(undo, 'me');
    assert.equal(undone.type, 'applied', JSON.stringify(undone));
    assert.deepEqual(table(server.state), table(START()));
    return { done, undo, server };
}

// ---------------------------------------------------------------- inverseOf

describe('inverseOf', () => {
    test('an edit is undone by an edit back to the old value, based on the edit\'s version', () => {
        assert.deepEqual(roundTrip({ type: 'edit', row: 'r1', col: 'a', value: 'x' }).undo,
            { type: 'edit', row: 'r1', col: 'a', value: 'a1', base: 11 });
        assert.deepEqual(roundTrip({ type: 'edit', row: 'r1', col: 'c', value: 'x' }).undo,
            { type: 'edit', row: 'r1', col: 'c', value: null, base: 11 }, 'a never-written cell is emptied');
        roundTrip({ type: 'edit', row: 'r2', col: 'a', value: null });
    });

    test('an inserted row is deleted with the insert\'s version as base', () => {
        assert.deepEqual(roundTrip({ type: 'insertRow', after: 'r2', cells: { a: 'n' } }).undo,
            { type: 'deleteRow', row: 'r11', base: 11 });
    });

    test('a deleted row comes back as a new row with its values, after its predecessor', () => {
        assert.deepEqual(roundTrip({ type: 'deleteRow', row: 'r2' }).undo,
            { type: 'insertRow', after: 'r1', cells: { a: 'a2', c: 'c2' } });
        assert.deepEqual(roundTrip({ type: 'deleteRow', row: 'r1' }).undo,
            { type: 'insertRow', after: null, cells: { a: 'a1', b: 'b1' } });
        roundTrip({ type: 'deleteRow', row: 'r4' });
    });

    test('an added column is deleted with a base; a renamed one renamed back', () => {
        assert.deepEqual(roundTrip({ type: 'addColumn', name: 'D', after: 'a' }).undo, { type: 'deleteColumn', col: 'c11', base: 11 });
        assert.deepEqual(roundTrip({ type: 'renameColumn', col: 'b', name: 'Bee' }).undo, { type: 'renameColumn', col: 'b', name: 'B' });
    });

    test('a deleted column comes back as one batch: the column, then its values in the new column $0', () => {
        assert.deepEqual(roundTrip({ type: 'deleteColumn', col: 'a' }).undo, { type: 'batch', ops: [
            { type: 'addColumn', name: 'A', after: null },
            { type: 'edit', row: 'r1', col: '$0', value: 'a1' },
            { type: 'edit', row: 'r2', col: '$0', value: 'a2' },
        ] });
        roundTrip({ type: 'deleteColumn', col: 'c' });
    });

    test('a batch is undone by one batch: cells put back, created rows and columns deleted', () => {
        const { undo } = roundTrip({ type: 'batch', ops: [
            { type: 'addColumn', name: 'D', after: 'c' },
            { type: 'edit', row: 'r1', col: 'a', value: 'x', base: 1 },
            { type: 'edit', row: 'r1', col: '$0', value: 'y' },
            { type: 'insertRow', after: 'r4', cells: { a: 'p', $0: 'q' } },
            { type: 'insertRow', after: '$3', cells: { b: 'z' } },
            { type: 'renameColumn', col: 'b', name: 'Bee' },
        ] });
        assert.deepEqual(undo, { type: 'batch', ops: [
            { type: 'edit', row: 'r1', col: 'a', value: 'a1', base: 11 },
            { type: 'renameColumn', col: 'b', name: 'B' },
            { type: 'deleteRow', row: 'r11-3', base: 11 },
            { type: 'deleteRow', row: 'r11-4', base: 11 },
            { type: 'deleteColumn', col: 'c11-0', base: 11 },
        ] });
    });

    test('a batch that deleted neighbouring rows and a column brings them back in order, $k for each other', () => {
        const { undo } = roundTrip({ type: 'batch', ops: [
            { type: 'deleteRow', row: 'r3' }, { type: 'deleteRow', row: 'r2' }, { type: 'deleteColumn', col: 'a' },
            { type: 'edit', row: 'r1', col: 'b', value: 'x' },
        ] });
        assert.deepEqual(undo, { type: 'batch', ops: [
            { type: 'addColumn', name: 'A', after: null },
            { type: 'insertRow', after: 'r1', cells: { $0: 'a2', c: 'c2' } },
            { type: 'insertRow', after: '$1', cells: {} },
            { type: 'edit', row: 'r1', col: '$0', value: 'a1' },
            { type: 'edit', row: 'r1', col: 'b', value: 'b1', base: 11 },
        ] });
    });

    test('a re-created row goes after the nearest predecessor that still exists', () => {
        const server = new Server(START());
        const stateBefore = server.state;
        const done = server.submit({ type: 'deleteRow', row: 'r3' }, 'me');
        const inverse = inverseOf(stateBefore, done.op, done.version);
        server.submit({ type: 'deleteRow', row: 'r2' }, 'other');
        assert.deepEqual(inverse.op(server.state), { type: 'insertRow', after: 'r1', cells: {} });
        server.submit({ type: 'deleteRow', row: 'r1' }, 'other');
        assert.deepEqual(inverse.op(server.state), { type: 'insertRow', after: null, cells: {} }, 'none left before it: at the start');
    });

    test('what is gone by undo time is left out; nothing left to put back gives null', () => {
        const server = new Server(START());
        const stateBefore = server.state;
        const done = server.submit({ type: 'batch', ops: [
            { type: 'edit', row: 'r1', col: 'a', value: 'x' }, { type: 'edit', row: 'r2', col: 'a', value: 'y' }] }, 'me');
        const inverse = inverseOf(stateBefore, done.op, done.version);
        server.submit({ type: 'deleteRow', row: 'r1' }, 'other');
        assert.deepEqual(inverse.op(server.state), { type: 'edit', row: 'r2', col: 'a', value: 'a2', base: 11 });
        server.submit({ type: 'deleteColumn', col: 'a' }, 'other');
        assert.equal(inverse.op(server.state), null);
    });

    test('an op that changed nothing has no inverse', () => {
        const state = START();
        assert.equal(inverseOf(state, { type: 'edit', row: 'gone', col: 'a', value: 'x' }, 4), null);
        assert.equal(inverseOf(state, { type: 'renameColumn', col: 'a', name: 'A' }, 4), null);
        assert.equal(inverseOf(state, { type: 'batch', ops: [] }, 4), null);
        assert.equal(inverseOf(state, { type: 'sortRows' }, 4), null);
    });
});

// ---------------------------------------------------------------- UndoHistory

describe('UndoHistory', () => {
    test('undo puts the table back; redo does the op again; undo again', () => {
        const s = session(START());
        s.mine({ type: 'edit', row: 'r1', col: 'a', value: 'x' });
        const after = table(s.server.state);
        assert.equal(s.undo().answer.type, 'applied');
        assert.deepEqual(table(s.server.state), table(START()));
        assert.equal(s.redo().answer.type, 'applied');
        assert.deepEqual(table(s.server.state), after);
        assert.equal(s.undo().answer.type, 'applied');
        assert.deepEqual(table(s.server.state), table(START()));
        assert.equal(s.undo(), null, 'nothing more to undo');
    });

    test('undo is refused when someone changed the cell since, and says who and where', () => {
        const s = session(START());
        s.mine({ type: 'edit', row: 'r1', col: 'a', value: 'x' });
        s.other({ type: 'edit', row: 'r1', col: 'a', value: 'theirs' });
        const { answer } = s.undo();
        assert.equal(answer.code, 'conflict');
        assert.equal(answer.explanation, 'Bob changed a@r1 since; undo would overwrite it.');
        assert.equal(s.server.state.rows[0].cells.a.value, 'theirs');
        assert.equal(s.history.undoDepth, 0, 'the entry is dropped');
    });

    test('undo of an inserted row is refused once someone wrote in it', () => {
        const s = session(START());
        const { op } = s.mine({ type: 'insertRow', after: 'r4', cells: { a: 'mine' } });
        s.other({ type: 'edit', row: op.row, col: 'b', value: 'theirs' });
        const { answer } = s.undo();
        assert.equal(answer.code, 'conflict');
        assert.deepEqual(answer.conflicts, [{ row: op.row, col: 'b', value: 'theirs', version: 12 }]);
        assert.equal(s.server.state.rows.length, 5);
    });

    test('the undo of a paste that added rows and columns is one op, and restores the table', () => {
        const s = session(START());
        const paste = pasteOps(s.server.state, cellRange('r3', 'b'), [['1', '2', '3'], ['4', '5', '6'], ['7', '8', '9']]);
        assert.equal(s.mine(paste).type, 'applied');
        assert.equal(s.server.state.rows.length, 5);
        assert.equal(s.server.state.columns.length, 4);
        const { sent, answer } = s.undo();
        assert.equal(sent.type, 'batch');
        assert.equal(answer.type, 'applied');
        assert.deepEqual(table(s.server.state), table(START()));
        s.redo();
        assert.deepEqual(table(s.server.state).rows.at(-1), [null, '7', '8', '9']);
    });

    test('undoing several own edits of one cell goes back step by step (an undo does not block the next)', () => {
        const s = session(START());
        for (const value of ['x', 'y', 'z']) {
            s.mine({ type: 'edit', row: 'r1', col: 'a', value });
        }
        const values = [];
        for (let i = 0; i < 3; i++) {
            assert.equal(s.undo().answer.type, 'applied');
            values.push(s.server.state.rows[0].cells.a.value);
        }
        for (let i = 0; i < 3; i++) {
            assert.equal(s.redo().answer.type, 'applied');
            values.push(s.server.state.rows[0].cells.a.value);
        }
        assert.deepEqual(values, ['y', 'x', 'a1', 'x', 'y', 'z']);
    });

    test('after a deleted row comes back under a new id, older entries follow it', () => {
        const s = session(START());
        s.mine({ type: 'edit', row: 'r2', col: 'a', value: 'x' });
        s.mine({ type: 'insertRow', after: 'r2', cells: { a: 'new' } });
        s.mine({ type: 'deleteRow', row: 'r2' });
        s.undo(); // r2 comes back as r14, holding 'x' at version 14
        s.undo(); // the inserted row r12 goes
        const { sent } = s.undo();
        assert.deepEqual(sent, { type: 'edit', row: 'r14', col: 'a', value: 'a2', base: 14 });
        assert.deepEqual(table(s.server.state), table(START()));
        for (let i = 0; i < 3; i++) {
            const { sent, answer } = s.redo();
            assert.equal(answer.type, 'applied', JSON.stringify({ sent, answer }));
        }
        assert.deepEqual(table(s.server.state).rows.map((row) => row[0]), ['a1', 'new', null, null]);
    });

    test('a rename someone else changed again is left alone', () => {
        const s = session(START());
        s.mine({ type: 'renameColumn', col: 'a', name: 'Mine' });
        s.mine({ type: 'edit', row: 'r1', col: 'b', value: 'x' });
        s.other({ type: 'renameColumn', col: 'a', name: 'Theirs' });
        const { sent } = s.undo();
        assert.equal(sent.type, 'edit');
        assert.equal(s.undo(), null, 'the rename has nothing left to undo: skipped');
        assert.equal(s.server.state.columns[0].name, 'Theirs');
    });

    test('one undo or redo at a time; a new op of mine empties the redo stack', () => {
        const history = new UndoHistory();
        const state = START();
        history.record({ stateBefore: state, op: { type: 'edit', row: 'r1', col: 'a', value: 'x' }, version: 4 });
        history.record({ stateBefore: state, op: { type: 'edit', row: 'r1', col: 'b', value: 'y' }, version: 5 });
        assert.ok(history.nextUndo(state));
        assert.equal(history.waiting, 'undo');
        assert.equal(history.canUndo, false);
        assert.equal(history.nextUndo(state), null);
        assert.equal(history.nextRedo(state), null);
        assert.equal(history.applied('redo', state, {}, 6), false, 'not what is waiting');
        assert.equal(history.applied('undo', state, { type: 'edit', row: 'r1', col: 'b', value: 'b1' }, 6), true);
        assert.equal(history.redoDepth, 1);
        history.record({ stateBefore: state, op: { type: 'edit', row: 'r2', col: 'a', value: 'z' }, version: 7 });
        assert.equal(history.redoDepth, 0);
        assert.equal(history.undoDepth, 2);
    });

    test('depth is bounded; ops that cannot be undone are not recorded', () => {
        const history = new UndoHistory({ maxDepth: 3 });
        const state = START();
        for (let v = 4; v < 10; v++) {
            history.record({ stateBefore: state, op: { type: 'edit', row: 'r1', col: 'a', value: 'v' + v }, version: v });
        }
        assert.equal(history.undoDepth, 3);
        assert.equal(history.record({ stateBefore: state, op: { type: 'deleteRow', row: 'gone' }, version: 10 }), false);
        assert.equal(history.undoDepth, 3);
        history.clear();
        assert.equal(history.canUndo, false);
    });

    test('a transient refusal keeps the entry; the others explain themselves', () => {
        const history = new UndoHistory();
        const state = START();
        history.record({ stateBefore: state, op: { type: 'edit', row: 'r1', col: 'a', value: 'x' }, version: 4 });
        history.nextUndo(state);
        assert.match(history.refused('undo', { code: 'store-unavailable', message: 'disk full' }), /try again/);
        assert.equal(history.undoDepth, 1);
        history.nextUndo(state);
        assert.equal(history.refused('undo', { code: 'read-only' }), 'Undo refused: you may only view this sheet.');
        assert.equal(history.undoDepth, 0);
        assert.equal(history.refused('undo', { code: 'conflict' }), null, 'nothing was waiting');
    });

    test('a conflict naming many cells by several people reads as one sentence', () => {
        const history = new UndoHistory();
        const state = START();
        history.record({ stateBefore: state, op: { type: 'edit', row: 'r1', col: 'a', value: 'x' }, version: 4 });
        history.nextUndo(state);
        const cells = ['B3', 'B4', 'B5', 'B6', 'B7', 'C1'].map((name, i) => ({ row: name.slice(1), col: name[0], value: 'v', version: 5 + i }));
        const message = history.refused('undo', { code: 'conflict', current: cells[0], conflicts: cells }, {
            cellName: (row, col) => col + row, whoChanged: (cell) => (cell.col === 'C' ? 'Carol' : null),
        });
        assert.equal(message, 'Someone changed B3, B4, B5 and 2 more and Carol changed C1 since; undo would overwrite them.');
    });
});

// ---------------------------------------------------------------- random sessions

/** A random op (request form) on `state`, values and names tagged with `tag` so they are told apart. */
function randomOp(state, next, tag) {
    const pick = (list) => list[Math.floor(next() * list.length)];
    const rows = state.rows.map((row) => row.id);
    const cols = state.columns.map((column) => column.id);
    const value = () => (next() < 0.15 ? null : tag + Math.floor(next() * 1e6));
    const edit = (row = pick(rows), col = pick(cols)) => {
        const base = state.rows.find((r) => r.id === row)?.cells[col]?.version ?? 0;
        return { type: 'edit', row, col, value: value(), ...(next() < 0.5 ? { base } : {}) };
    };
    const kind = next();
    if (cols.length === 0 || kind < 0.08) {
        return { type: 'addColumn', name: tag + 'col' + Math.floor(next() * 1e6), after: pick([null, ...cols]) };
    }
    if (rows.length === 0 || kind < 0.18) {
        return { type: 'insertRow', after: pick([null, ...rows]), cells: next() < 0.7 ? { [pick(cols)]: value() } : {} };
    }
    if (kind < 0.45) {
        return edit();
    }
    if (kind < 0.53 && rows.length > 2) {
        return { type: 'deleteRow', row: pick(rows) };
    }
    if (kind < 0.58 && cols.length > 2) {
        return { type: 'deleteColumn', col: pick(cols) };
    }
    if (kind < 0.64) {
        return { type: 'renameColumn', col: pick(cols), name: tag + 'name' + Math.floor(next() * 1e6) };
    }
    if (kind < 0.82) { // a paste somewhere, maybe past the end
        const block = Array.from({ length: 1 + Math.floor(next() * 3) }, () => Array.from({ length: 1 + Math.floor(next() * 3) },
            () => (next() < 0.2 ? '' : tag + Math.floor(next() * 1e6))));
        return pasteOps(state, cellRange(pick(rows), pick(cols)), block, { columnName: (i) => tag + 'new' + i })
            ?? edit();
    }
    // a batch of deletes and edits of other rows
    const doomed = rows.filter(() => next() < 0.3).slice(0, rows.length - 1);
    const kept = rows.filter((row) => !doomed.includes(row));
    const cells = new Set();
    const ops = doomed.map((row) => ({ type: 'deleteRow', row }));
    for (let i = 0; i < 3; i++) {
        const row = pick(kept);
        const col = pick(cols);
        if (!cells.has(row + ' ' + col)) {
            cells.add(row + ' ' + col);
            ops.push(edit(row, col));
        }
    }
    if (next() < 0.3 && cols.length > 2) {
        ops.push({ type: 'deleteColumn', col: pick(cols) });
    }
    return { type: 'batch', ops };
}

/**
 * The cells, rows and columns `op` (applied form) would overwrite or delete in `state` that hold
 * someone else's work: a value last written by another user, or a name another user gave.
 */
function othersWorkTouched(state, op, writers, namers) {
    const rows = new Map(state.rows.map((row) => [row.id, row]));
    const touched = [];
    const check = (rowId, col) => {
        if (rows.get(rowId)?.cells[col] && writers.get(rowId + ' ' + col) !== 'me') touched.push(col + '@' + rowId);
    };
    for (const sub of op.type === 'batch' ? op.ops : [op]) {
        if (sub.type === 'edit') check(sub.row, sub.col);
        if (sub.type === 'deleteRow') Object.keys(rows.get(sub.row)?.cells || {}).forEach((col) => check(sub.row, col));
        if (sub.type === 'deleteColumn') state.rows.forEach((row) => check(row.id, sub.col));
        if (sub.type === 'renameColumn' && namers.get(sub.col) !== 'me') touched.push('name of ' + sub.col);
    }
    return touched;
}

/**
 * That the undo or redo just applied (now) put back what the op it inverts (applied at `version` on
 * `before`, giving `after`) changed: every cell it wrote that still exists holds its old value again, and
 * every row and column it created is gone.
 */
function assertRestores({ before, after, version }, now, label) {
    const ids = (list) => new Set(list.map((item) => item.id));
    const [rowsBefore, colsBefore, rowsNow, colsNow] = [ids(before.rows), ids(before.columns), ids(now.rows), ids(now.columns)];
    const nowById = new Map(now.rows.map((row) => [row.id, row]));
    for (const row of after.rows) {
        if (!rowsBefore.has(row.id)) {
            assert.ok(!rowsNow.has(row.id), label + ': created row ' + row.id + ' is gone');
            continue;
        }
        const old = before.rows.find((r) => r.id === row.id);
        for (const [col, cell] of Object.entries(row.cells)) {
            if (cell.version === version && colsBefore.has(col) && rowsNow.has(row.id) && colsNow.has(col)) {
                assert.equal(nowById.get(row.id).cells[col]?.value ?? null, old.cells[col]?.value ?? null,
                    label + ': cell ' + col + '@' + row.id + ' put back');
            }
        }
    }
    for (const column of after.columns) {
        if (!colsBefore.has(column.id)) {
            assert.ok(!colsNow.has(column.id), label + ': created column ' + column.id + ' is gone');
        }
    }
}

describe('UndoHistory in random sessions', () => {
    test('alone, any mix of ops, undos and redos walks the same line of tables back and forth', () => {
        for (let seed = 1; seed <= 150; seed++) {
            const next = random(seed);
            const s = session(START(), { maxDepth: 1000 });
            const line = [table(s.server.state)];
            let at = 0;
            for (let step = 0; step < 60; step++) {
                const label = 'seed ' + seed + ' step ' + step;
                const kind = next();
                if (kind < 0.5) {
                    const answer = s.mine(randomOp(s.server.state, next, 'm'));
                    if (answer.type === 'applied') {
                        line.length = at + 1;
                        if (answer.recorded) {
                            line.push(table(s.server.state));
                            at++;
                        }
                        assert.deepEqual(table(s.server.state), line[at], label + ': an op without inverse changed nothing');
                    }
                } else {
                    const undo = kind < 0.78;
                    const done = undo ? s.undo() : s.redo();
                    const possible = undo ? at > 0 : at < line.length - 1;
                    assert.equal(done !== null, possible, label + ': ' + (undo ? 'undo' : 'redo') + ' offered');
                    if (done) {
                        assert.equal(done.answer.type, 'applied', label + ': ' + JSON.stringify(done));
                        at += undo ? -1 : 1;
                        assert.deepEqual(table(s.server.state), line[at], label + ': ' + JSON.stringify(done.sent));
                    }
                }
                assert.equal(s.history.undoDepth, at, label);
                assert.equal(s.history.redoDepth, line.length - 1 - at, label);
            }
        }
    });

    test('with others at work, an undo or redo restores what it covers or is refused: never overwrites their work', () => {
        let appliedCount = 0;
        let refusedCount = 0;
        for (let seed = 1; seed <= 200; seed++) {
            const next = random(seed);
            const s = session(START(), { maxDepth: 1000 });
            const shadow = { undo: [], redo: [] }; // per entry: the op it inverts, as {before, after, version}
            for (let step = 0; step < 80; step++) {
                const label = 'seed ' + seed + ' step ' + step;
                const kind = next();
                if (kind < 0.3) {
                    s.other(randomOp(s.server.state, next, 'o'));
                } else if (kind < 0.6) {
                    const before = s.server.state;
                    const answer = s.mine(randomOp(before, next, 'm'));
                    if (answer.type === 'applied') {
                        shadow.redo = [];
                        if (answer.recorded) shadow.undo.push({ before, after: s.server.state, version: answer.version });
                    }
                } else {
                    const which = kind < 0.82 ? 'undo' : 'redo';
                    const other = which === 'undo' ? 'redo' : 'undo';
                    const depth = s.history[which + 'Depth'];
                    const otherDepth = s.history[other + 'Depth'];
                    const writers = new Map(s.server.writers);
                    const namers = new Map(s.server.namers);
                    const done = s.go(which);
                    const taken = shadow[which].splice(shadow[which].length - (depth - s.history[which + 'Depth']));
                    assert.equal(shadow[which].length, s.history[which + 'Depth'], label);
                    if (!done) {
                        continue;
                    }
                    const entry = taken[0]; // the deepest one taken; those above it had nothing left and were skipped
                    const { answer, stateBefore } = done;
                    if (answer.type === 'applied') {
                        appliedCount++;
                        assert.deepEqual(othersWorkTouched(stateBefore, answer.op, writers, namers), [],
                            label + ': ' + which + ' overwrote others\' work: ' + JSON.stringify(answer.op));
                        assertRestores(entry, s.server.state, label);
                        if (s.history[other + 'Depth'] > otherDepth) {
                            shadow[other].push({ before: stateBefore, after: s.server.state, version: answer.version });
                        }
                    } else {
                        refusedCount++;
                        assert.equal(answer.code, 'conflict', label + ': ' + JSON.stringify(answer));
                        assert.match(answer.explanation, / since; (undo|redo) would overwrite (it|them)\.$/);
                        assert.equal(s.server.state, stateBefore, label + ': a refused op changes nothing');
                    }
                    assert.equal(shadow[other].length, s.history[other + 'Depth'], label);
                }
            }
        }
        assert.ok(appliedCount > 500, 'undos and redos applied: ' + appliedCount);
        assert.ok(refusedCount > 50, 'undos and redos refused: ' + refusedCount);
    });
});
