// Tests of webapp/js/table-text.js: `node --test src/test/js/` (Node 20, no packages).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv, parseTable, toHtmlTable, toTsv } from '../../../webapp/js/table-text.js';
import { random } from './support/seeded.mjs';

describe('parseTable', () => {
    test('TSV as Excel writes it: CRLF, a trailing line break, quoted fields with tabs, line breaks and quotes', () => {
        assert.deepEqual(parseTable('a\tb\r\nc\td\r\n'), [['a', 'b'], ['c', 'd']]);
        assert.deepEqual(parseTable('"x\ty"\t"line 1\nline 2"\r\n"say ""hi"""\t\r\n'),
            [['x\ty', 'line 1\nline 2'], ['say "hi"', '']]);
    });

    test('TSV as Google Sheets writes it: LF, no trailing line break', () => {
        assert.deepEqual(parseTable('a\tb\nc\td'), [['a', 'b'], ['c', 'd']]);
        assert.deepEqual(parseTable('\t\n\t'), [['', ''], ['', '']]);
    });

    test('rows of unequal length are padded to a rectangle; empty lines in between are rows', () => {
        assert.deepEqual(parseTable('a\tb\tc\nd\n\ne\tf'), [['a', 'b', 'c'], ['d', '', ''], ['', '', ''], ['e', 'f', '']]);
    });

    test('quotes that do not wrap a whole field are text', () => {
        assert.deepEqual(parseTable('5" disk\t"a" b\n"open\tx'), [['5" disk', '"a" b'], ['"open', 'x']]);
        assert.deepEqual(parseTable('say "hi"\tx'), [['say "hi"', 'x']]);
    });

    test('without a tab: CSV when every record has the same number (> 1) of fields', () => {
        assert.deepEqual(parseTable('name,age\r\n"Li, Ming",18\r\n'), [['name', 'age'], ['Li, Ming', '18']]);
        assert.deepEqual(parseTable('a,"multi\nline"\nb,c'), [['a', 'multi\nline'], ['b', 'c']]);
        assert.deepEqual(parseTable('Hello, world'), [['Hello', ' world']], 'one line with a comma is CSV too');
    });

    test('without a tab and not CSV: one cell per line', () => {
        assert.deepEqual(parseTable('one, two\nthree'), [['one, two'], ['three']]);
        assert.deepEqual(parseTable('first\nsecond\n'), [['first'], ['second']]);
        assert.deepEqual(parseTable('"two\nlines"\nnext'), [['two\nlines'], ['next']], 'a quoted cell may span lines');
    });

    test('a single line without tab or comma is one cell; a lone \\r is text', () => {
        assert.deepEqual(parseTable('hello world'), [['hello world']]);
        assert.deepEqual(parseTable('a\rb'), [['a\rb']]);
        assert.deepEqual(parseTable('😀'), [['😀']]);
    });

    test('empty text is no table; a lone line break is one empty cell', () => {
        assert.deepEqual(parseTable(''), []);
        assert.deepEqual(parseTable('\n'), [['']]);
        assert.deepEqual(parseTable('\r\n'), [['']]);
        assert.deepEqual(parseTable('\n\n'), [[''], ['']]);
    });
});

describe('parseCsv', () => {
    test('RFC 4180 with CRLF, LF, a byte order mark, quoted commas, quotes and line breaks', () => {
        assert.deepEqual(parseCsv('\uFEFFname,note\r\n"Li, Ming","said ""hi""\r\nthen left"\r\nHong,\n'),
            [['name', 'note'], ['Li, Ming', 'said "hi"\r\nthen left'], ['Hong', '']]);
    });

    test('short records are padded; tabs are text', () => {
        assert.deepEqual(parseCsv('a,b,c\nd\ne\tf,g'), [['a', 'b', 'c'], ['d', '', ''], ['e\tf', 'g', '']]);
        assert.deepEqual(parseCsv(''), []);
    });
});

describe('toTsv and toHtmlTable', () => {
    test('toTsv quotes only what needs it, ends every row with a line break, writes null as empty', () => {
        assert.equal(toTsv([['a', 'b'], ['c d', null]]), 'a\tb\nc d\t\n');
        assert.equal(toTsv([['x\ty', 'l1\nl2', 'cr\r', 'say "hi"', 'a,b']]),
            '"x\ty"\t"l1\nl2"\t"cr\r"\t"say ""hi"""\ta,b\n');
        assert.equal(toTsv([]), '');
    });

    test('in one column a comma is quoted, so the text cannot read as CSV', () => {
        assert.equal(toTsv([['a,b'], ['c,d']]), '"a,b"\n"c,d"\n');
        assert.deepEqual(parseTable(toTsv([['a,b'], ['c,d']])), [['a,b'], ['c,d']]);
    });

    test('toHtmlTable escapes every value and keeps line breaks in their cell', () => {
        assert.equal(toHtmlTable([['<b>&', null], ['"\'', 'a\nb']]),
            '<table><tr><td>&lt;b&gt;&amp;</td><td></td></tr>'
            + '<tr><td>&quot;&#39;</td><td>a<br style="mso-data-placement:same-cell">b</td></tr></table>');
        assert.equal(toHtmlTable([]), '<table></table>');
    });

    test('parseTable(toTsv(rows)) gives rows back for random rectangles of awkward text', () => {
        const pieces = ['', '', 'a', 'Li Ming', '\t', '\n', '\r\n', '\r', '"', '""', ',', ' ', '😀', '名称', '"x"', 'a,b', '=1+2'];
        for (let seed = 1; seed <= 1000; seed++) {
            const next = random(seed);
            const height = 1 + Math.floor(next() * 5);
            const width = 1 + Math.floor(next() * 4);
            const rows = Array.from({ length: height }, () => Array.from({ length: width }, () =>
                Array.from({ length: Math.floor(next() * 4) }, () => pieces[Math.floor(next() * pieces.length)]).join('')));
            assert.deepEqual(parseTable(toTsv(rows)), rows, 'seed ' + seed + ': ' + JSON.stringify(rows));
        }
    });

    test('the round trip holds at the edges: 1×1 empty, one empty column, empty last row', () => {
        for (const rows of [[['']], [[''], ['']], [['a'], ['']], [['', ''], ['', '']], [['"']], [['a\tb']], []]) {
            assert.deepEqual(parseTable(toTsv(rows)), rows, JSON.stringify(rows));
        }
    });
});
