// Tests of webapp/js/grid-ops.js: `node --test src/test/js/`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
    cellName, clearOp, columnLetter, deleteColumnsOp, deleteRowsOp, insertRowsOp, sizeProblem,
} from '../../../webapp/js/grid-ops.js';
import { applyOp, stateFromWelcome } from '../../../webapp/js/livegrid.js';

const STATE = stateFromWelcome({
    type: 'welcome', sheet: 's', version: 9, you: 'u-1',
    columns: [{ id: 'c1', name: 'name' }, { id: 'c2', name: 'age' }],
    rows: [
        { id: 'r1', cells: { c1: { value: 'Ming', version: 3 }, c2: { value: '18', version: 7 } } },
        { id: 'r2', cells: { c1: { value: null, version: 9 } } },
        { id: 'r3', cells: {} },
    ],
    users: [],
});

describe('cell names', () => {
    test('columns are lettered as spreadsheets do, rows counted from 1', () => {
        assert.deepEqual([0, 1, 25, 26, 27, 51, 52, 701, 702].map(columnLetter),
            ['A', 'B', 'Z', 'AA', 'AB', 'AZ', 'BA', 'ZZ', 'AAA']);
        assert.equal(cellName(1, 2), 'B3');
    });
});

describe('clearOp', () => {
    const shown = (row, col) => STATE.rows.find((r) => r.id === row).cells[col]?.value ?? null;
    const versionOf = (row, col) => STATE.rows.find((r) => r.id === row).cells[col]?.version ?? 0;

    test('one batch emptying only the cells that have a value, each with its base', () => {
        const cells = ['r1', 'r2', 'r3'].flatMap((row) => ['c1', 'c2'].map((col) => ({ row, col })));
        assert.deepEqual(clearOp(cells, shown, versionOf), { type: 'batch', ops: [
            { type: 'edit', row: 'r1', col: 'c1', value: null, base: 3 },
            { type: 'edit', row: 'r1', col: 'c2', value: null, base: 7 },
        ] });
    });

    test('no base where the client has none to give (its own write is pending); nothing to clear is null', () => {
        assert.deepEqual(clearOp([{ row: 'r1', col: 'c1' }], shown, () => undefined).ops,
            [{ type: 'edit', row: 'r1', col: 'c1', value: null }]);
        assert.equal(clearOp([{ row: 'r2', col: 'c1' }, { row: 'r3', col: 'c2' }], shown, versionOf), null);
    });

    test('applied, it empties the range at one version', () => {
        const cells = [{ row: 'r1', col: 'c1' }, { row: 'r1', col: 'c2' }];
        const after = applyOp(STATE, clearOp(cells, shown, versionOf), 10);
        assert.deepEqual(after.rows[0].cells, { c1: { value: null, version: 10 }, c2: { value: null, version: 10 } });
    });
});

describe('insertRowsOp', () => {
    test('rows one below the other, chained with $k', () => {
        assert.deepEqual(insertRowsOp('r1', 3).ops, [
            { type: 'insertRow', after: 'r1' }, { type: 'insertRow', after: '$0' }, { type: 'insertRow', after: '$1' },
        ]);
        assert.deepEqual(insertRowsOp(null, 1).ops, [{ type: 'insertRow' }]);
    });

    test('applied, they land in order after the row', () => {
        const op = insertRowsOp('r1', 2);
        const applied = { type: 'batch', ops: [
            { type: 'insertRow', row: 'r10-0', after: 'r1' }, { type: 'insertRow', row: 'r10-1', after: 'r10-0' },
        ] };
        assert.equal(op.ops.length, 2);
        assert.deepEqual(applyOp(STATE, applied, 10).rows.map((row) => row.id), ['r1', 'r10-0', 'r10-1', 'r2', 'r3']);
    });
});

describe('deleteRowsOp and deleteColumnsOp', () => {
    test('each row with the newest version of its cells as base, in table order; unknown ids are left out', () => {
        assert.deepEqual(deleteRowsOp(STATE, ['r3', 'r1', 'gone']).ops, [
            { type: 'deleteRow', row: 'r1', base: 7 }, { type: 'deleteRow', row: 'r3', base: 0 },
        ]);
        assert.equal(deleteRowsOp(STATE, ['gone']), null);
    });

    test('each column with the newest version of its cells as base', () => {
        assert.deepEqual(deleteColumnsOp(STATE, ['c2', 'c1']).ops, [
            { type: 'deleteColumn', col: 'c1', base: 9 }, { type: 'deleteColumn', col: 'c2', base: 7 },
        ]);
    });
});

describe('sizeProblem', () => {
    test('null when the op fits; a reason naming the sizes when it does not', () => {
        assert.equal(sizeProblem({ type: 'batch', ops: [{ type: 'edit', row: 'r1', col: 'c1', value: 'x' }] }, 'This paste'), null);
        const big = { type: 'batch', ops: Array.from({ length: 2000 }, (_, i) => ({ type: 'insertRow', cells: { c1: 'v'.repeat(300) + i } })) };
        const problem = sizeProblem(big, 'This paste');
        assert.match(problem, /^This paste is about \d+(\.\d)? (KiB|MiB) as one change, and the server takes at most 512 KiB/);
        assert.match(problem, /Try about \d+% of it at a time\.$/);
    });
});
