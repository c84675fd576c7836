// Tests of webapp/js/grid-columns.js (the widths, without the drag): `node --test src/test/js/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ColumnWidths, DEFAULT_WIDTH, MAX_WIDTH, MIN_WIDTH, ROW_HEAD_WIDTH } from '../../../webapp/js/grid-columns.js';

/** localStorage as a Map, for the browser's window. */
function storage() {
    const items = new Map();
    globalThis.window = { localStorage: {
        getItem: (key) => items.get(key) ?? null,
        setItem: (key, value) => items.set(key, String(value)),
    } };
    return items;
}

test('a width is kept per sheet and column, within bounds, and read back by the next page', () => {
    const items = storage();
    const widths = new ColumnWidths('team');
    assert.equal(widths.get('c1'), DEFAULT_WIDTH);
    assert.equal(widths.set('c1', 200.4), 200);
    assert.equal(widths.set('c2', 5), MIN_WIDTH);
    assert.equal(widths.set('c3', 5000), MAX_WIDTH);
    assert.equal(items.get('livegrid.width.team.c1'), '200');
    assert.equal(new ColumnWidths('team').get('c1'), 200, 'a reload finds it');
    assert.equal(new ColumnWidths('other').get('c1'), DEFAULT_WIDTH, 'another sheet does not');
});

test('layout gives each column its left edge after the row numbers, and the table\'s width', () => {
    storage();
    const widths = new ColumnWidths('s');
    widths.set('b', 100);
    assert.deepEqual(widths.layout(['a', 'b', 'c']),
        { lefts: [ROW_HEAD_WIDTH, ROW_HEAD_WIDTH + DEFAULT_WIDTH, ROW_HEAD_WIDTH + DEFAULT_WIDTH + 100], total: ROW_HEAD_WIDTH + 2 * DEFAULT_WIDTH + 100 });
});

test('without storage (turned off) the widths last as long as the page', () => {
    globalThis.window = { localStorage: { getItem: () => { throw new Error('off'); }, setItem: () => { throw new Error('off'); } } };
    const widths = new ColumnWidths('s');
    assert.equal(widths.get('a'), DEFAULT_WIDTH);
    assert.equal(widths.set('a', 300), 300);
    assert.equal(widths.get('a'), 300);
});
