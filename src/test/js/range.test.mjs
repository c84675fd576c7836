// Tests of webapp/js/range.js: `node --test src/test/js/` (Node 20, no packages).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
    bounds, cellRange, cellsOf, contains, extend, move, pasteOps, pasteTarget, repair, valuesOf,
} from '../../../webapp/js/range.js';
import { applyOp, stateFromWelcome } from '../../../webapp/js/livegrid.js';

const ROWS = ['r1', 'r2', 'r3', 'r4', 'r5'];
const COLS = ['a', 'b', 'c', 'd'];
const range = (anchorRow, anchorCol, focusRow, focusCol) =>
    ({ anchor: { row: anchorRow, col: anchorCol }, focus: { row: focusRow, col: focusCol } });

describe('bounds, cellsOf, contains', () => {
    test('bounds are the same whichever corner is the anchor', () => {
        assert.deepEqual(bounds(range('r2', 'b', 'r4', 'c'), ROWS, COLS), { top: 1, bottom: 3, left: 1, right: 2 });
        assert.deepEqual(bounds(range('r4', 'c', 'r2', 'b'), ROWS, COLS), { top: 1, bottom: 3, left: 1, right: 2 });
        assert.deepEqual(bounds(cellRange('r1', 'a'), ROWS, COLS), { top: 0, bottom: 0, left: 0, right: 0 });
    });

    test('a vanished id makes bounds null, cellsOf empty and contains false', () => {
        const gone = range('r2', 'b', 'r9', 'c');
        assert.equal(bounds(gone, ROWS, COLS), null);
        assert.deepEqual(cellsOf(gone, ROWS, COLS), []);
        assert.equal(contains(gone, 'r2', 'b', ROWS, COLS), false);
    });

    test('cellsOf lists the cells row by row; contains tests one', () => {
        assert.deepEqual(cellsOf(range('r3', 'c', 'r2', 'b'), ROWS, COLS), [
            { row: 'r2', col: 'b' }, { row: 'r2', col: 'c' }, { row: 'r3', col: 'b' }, { row: 'r3', col: 'c' }]);
        const r = range('r2', 'b', 'r3', 'c');
        assert.equal(contains(r, 'r3', 'c', ROWS, COLS), true);
        assert.equal(contains(r, 'r4', 'c', ROWS, COLS), false);
        assert.equal(contains(r, 'r2', 'a', ROWS, COLS), false);
        assert.equal(contains(r, 'r2', 'zz', ROWS, COLS), false);
    });
});

describe('extend and move', () => {
    test('extend moves the focus and keeps the anchor, clamped to the table', () => {
        const r = cellRange('r2', 'b');
        assert.deepEqual(extend(r, 1, 1, ROWS, COLS), range('r2', 'b', 'r3', 'c'));
        assert.deepEqual(extend(extend(r, 1, 1, ROWS, COLS), -3, 0, ROWS, COLS), range('r2', 'b', 'r1', 'c'));
        assert.deepEqual(extend(r, Infinity, -Infinity, ROWS, COLS), range('r2', 'b', 'r5', 'a'));
    });

    test('move collapses to one cell, moving the anchor (the active cell), clamped', () => {
        const r = range('r2', 'b', 'r4', 'd');
        assert.deepEqual(move(r, 1, 0, ROWS, COLS), cellRange('r3', 'b'));
        assert.deepEqual(move(r, 0, 0, ROWS, COLS), cellRange('r2', 'b'));
        assert.deepEqual(move(r, -5, 9, ROWS, COLS), cellRange('r1', 'd'));
    });

    test('extend and move of a range with a vanished id give null', () => {
        assert.equal(extend(range('r2', 'b', 'r9', 'c'), 1, 0, ROWS, COLS), null);
        assert.equal(move(range('r9', 'b', 'r2', 'c'), 1, 0, ROWS, COLS), null);
        assert.equal(move(range('r2', 'b', 'r9', 'c'), 1, 0, ROWS, COLS), null);
    });
});

describe('pasteTarget', () => {
    test('a block lands at the top-left of the selection, at its own size', () => {
        assert.deepEqual(pasteTarget(range('r3', 'c', 'r2', 'b'), 2, 3, ROWS, COLS), {
            top: 1, left: 1, height: 2, width: 3, rows: ['r2', 'r3'], cols: ['b', 'c', 'd'], addRows: 0, addColumns: 0 });
    });

    test('a selection that is a multiple of the block in both directions is tiled', () => {
        const t = pasteTarget(range('r1', 'a', 'r4', 'b'), 2, 1, ROWS, COLS);
        assert.deepEqual([t.height, t.width], [4, 2]);
        const one = pasteTarget(range('r1', 'a', 'r5', 'a'), 1, 1, ROWS, COLS);
        assert.deepEqual([one.height, one.width], [5, 1], 'one value fills a selected column');
        const notBoth = pasteTarget(range('r1', 'a', 'r4', 'c'), 2, 2, ROWS, COLS);
        assert.deepEqual([notBoth.height, notBoth.width], [2, 2], 'a multiple in one direction only is not tiled');
    });

    test('past the end it says how many rows and columns to add', () => {
        const t = pasteTarget(cellRange('r4', 'c'), 4, 3, ROWS, COLS);
        assert.deepEqual(t, { top: 3, left: 2, height: 4, width: 3, rows: ['r4', 'r5'], cols: ['c', 'd'], addRows: 2, addColumns: 1 });
        assert.deepEqual(pasteTarget(null, 2, 2, [], []),
            { top: 0, left: 0, height: 2, width: 2, rows: [], cols: [], addRows: 2, addColumns: 2 });
    });

    test('a vanished id or an empty block gives null', () => {
        assert.equal(pasteTarget(cellRange('r9', 'a'), 1, 1, ROWS, COLS), null);
        assert.equal(pasteTarget(cellRange('r1', 'a'), 0, 1, ROWS, COLS), null);
    });
});

describe('pasteOps and valuesOf', () => {
    const state = () => stateFromWelcome({
        type: 'welcome', sheet: 's', version: 5, you: 'u',
        columns: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }],
        rows: [{ id: 'r1', cells: { a: { value: '1', version: 2 }, b: { value: 'x', version: 4 } } },
            { id: 'r2', cells: {} }],
    });

    test('edits of existing cells carry their version as base; unchanged cells are left out', () => {
        const op = pasteOps(state(), cellRange('r1', 'a'), [['1', 'y'], ['', 'z']]);
        assert.deepEqual(op, { type: 'batch', ops: [
            { type: 'edit', row: 'r1', col: 'b', value: 'y', base: 4 },
            { type: 'edit', row: 'r2', col: 'b', value: 'z', base: 0 },
        ] });
        assert.equal(pasteOps(state(), cellRange('r1', 'a'), [['1']]), null, 'nothing changes');
    });

    test('a block past the end adds columns and rows in the same batch, with $k references', () => {
        const op = pasteOps(state(), cellRange('r2', 'b'), [['p', 'q'], ['s', '']], { columnName: (i) => 'col' + i });
        assert.deepEqual(op, { type: 'batch', ops: [
            { type: 'addColumn', name: 'col2', after: 'b' },
            { type: 'edit', row: 'r2', col: 'b', value: 'p', base: 0 },
            { type: 'edit', row: 'r2', col: '$0', value: 'q' },
            { type: 'insertRow', after: 'r2', cells: { b: 's' } },
        ] });
    });

    test('into an empty table everything is added; a tiled paste repeats the block', () => {
        const empty = stateFromWelcome({ type: 'welcome', sheet: 's', version: 0, you: 'u', columns: [], rows: [] });
        assert.deepEqual(pasteOps(empty, null, [['a', 'b']]).ops, [
            { type: 'addColumn', name: 'Column 1', after: null },
            { type: 'addColumn', name: 'Column 2', after: '$0' },
            { type: 'insertRow', after: null, cells: { $0: 'a', $1: 'b' } },
        ]);
        const tiled = pasteOps(state(), range('r1', 'a', 'r2', 'b'), [['k']]);
        assert.deepEqual(tiled.ops.map((op) => [op.row, op.col, op.value]),
            [['r1', 'a', 'k'], ['r1', 'b', 'k'], ['r2', 'a', 'k'], ['r2', 'b', 'k']]);
    });

    test('valuesOf gives the selected values for copying, null for empty cells', () => {
        assert.deepEqual(valuesOf(state(), range('r2', 'b', 'r1', 'a')), [['1', 'x'], [null, null]]);
        assert.equal(valuesOf(state(), cellRange('r9', 'a')), null);
    });

    test('the paste batch applies as the server would apply it', () => {
        const op = pasteOps(state(), cellRange('r2', 'b'), [['p', 'q'], ['s', 't']]);
        // The server's applied form: $k replaced by the ids it assigns at version 6.
        const id = (ref) => (ref.startsWith('$') ? (op.ops[ref.slice(1)].type === 'addColumn' ? 'c6-' : 'r6-') + ref.slice(1) : ref);
        const applied = { type: 'batch', ops: op.ops.map((sub, k) => {
            const { base, ...rest } = sub;
            if (sub.type === 'addColumn') return { ...rest, col: 'c6-' + k };
            if (sub.type === 'insertRow') return { ...rest, row: 'r6-' + k, after: id(sub.after),
                cells: Object.fromEntries(Object.entries(sub.cells).map(([col, value]) => [id(col), value])) };
            return { ...rest, col: id(sub.col) };
        }) };
        const after = applyOp(state(), applied, 6);
        assert.deepEqual(valuesOf(after, range('r2', 'b', 'r6-3', 'c6-0')), [['p', 'q'], ['s', 't']]);
    });
});

describe('repair', () => {
    test('ids that still exist are kept, insertions anywhere included', () => {
        const r = range('r2', 'b', 'r4', 'c');
        assert.deepEqual(repair(r, ['r0', 'r1', 'r2', 'rx', 'r3', 'r4', 'r5'], ['a', 'b', 'bb', 'c', 'd'], ROWS, COLS), r);
    });

    test('a deleted corner moves to the nearest surviving id, the one after on a tie', () => {
        const r = range('r2', 'b', 'r4', 'c');
        assert.deepEqual(repair(r, ['r1', 'r3', 'r4', 'r5'], COLS, ROWS, COLS), range('r3', 'b', 'r4', 'c'));
        assert.deepEqual(repair(r, ['r1', 'r2', 'r3'], COLS, ROWS, COLS), range('r2', 'b', 'r3', 'c'));
        assert.deepEqual(repair(r, ['r1', 'r5'], COLS, ROWS, COLS), range('r1', 'b', 'r5', 'c'));
        assert.deepEqual(repair(r, ['r1', 'r2', 'r3', 'r4', 'r5'], ['a', 'd'], ROWS, COLS), range('r2', 'a', 'r4', 'd'));
        assert.deepEqual(repair(range('r1', 'a', 'r1', 'a'), ['r4', 'r5'], COLS, ROWS, COLS), cellRange('r4', 'a'));
    });

    test('null when no row or no column of the previous order is left', () => {
        const r = range('r2', 'b', 'r4', 'c');
        assert.equal(repair(r, [], COLS, ROWS, COLS), null);
        assert.equal(repair(r, ['new'], COLS, ROWS, COLS), null);
        assert.equal(repair(r, ROWS, [], ROWS, COLS), null);
    });
});
