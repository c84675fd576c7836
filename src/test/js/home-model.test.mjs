// Tests of webapp/js/home-model.js (the home page's logic without DOM): `node --test src/test/js/`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
    formatUpdated, freeId, idFromFileName, idProblem, importRefusal, isRetryable, newImportKey, plural,
    sheetsFromListing, sizeText, slugFrom,
} from '../../../webapp/js/home-model.js';
import { isValidId } from '../../../webapp/js/livegrid.js';

describe('idProblem', () => {
    test('a valid id has none', () => {
        for (const id of ['a', 'Q3-budget', 'team_2026', 'x'.repeat(64)]) {
            assert.equal(idProblem(id), null, id);
        }
    });

    test('says which characters are not allowed', () => {
        assert.equal(idProblem('Q3 budget'), 'A name may not contain spaces.');
        assert.equal(idProblem('a/b.c'), 'A name may not contain "/", ".".');
        assert.equal(idProblem('caf\u00e9'), 'A name may not contain "\u00e9".');
    });

    test('names invisible characters by their code point', () => {
        assert.equal(idProblem('a\tb'), 'A name may not contain U+0009.');
    });

    test('says when it is too long or empty', () => {
        assert.equal(idProblem('x'.repeat(65)), 'A name is at most 64 characters; this one has 65.');
        assert.equal(idProblem(''), 'Type a name for the sheet.');
    });

    test('agrees with the server rule (isValidId) on every verdict', () => {
        for (const id of ['', ' ', '-', '_', 'a b', 'ü', 'x'.repeat(64), 'x'.repeat(65), '\u{1F600}']) {
            assert.equal(idProblem(id) === null, isValidId(id), JSON.stringify(id));
        }
    });
});

describe('slugFrom', () => {
    test('turns what was typed into a valid id', () => {
        assert.equal(slugFrom('Q3 budget'), 'Q3-budget');
        assert.equal(slugFrom('  Caf\u00e9 & cr\u00e8me br\u00fbl\u00e9e!  '), 'Cafe-creme-brulee');
        assert.equal(slugFrom('a -- b__c'), 'a-b__c');
        assert.equal(slugFrom('already-fine'), 'already-fine');
    });

    test('cuts to 64 characters without a trailing dash', () => {
        const slug = slugFrom('x'.repeat(63) + ' tail');
        assert.equal(slug, 'x'.repeat(63));
        assert.ok(isValidId(slugFrom('word '.repeat(40))));
    });

    test('is null when nothing usable is left', () => {
        assert.equal(slugFrom('\u65e5\u672c\u8a9e'), null);
        assert.equal(slugFrom('!!!'), null);
        assert.equal(slugFrom(''), null);
        assert.equal(slugFrom(null), null);
    });
});

describe('idFromFileName', () => {
    test('drops the extension and slugs the rest', () => {
        assert.equal(idFromFileName('Q3 budget.csv'), 'Q3-budget');
        assert.equal(idFromFileName('people.2026.CSV'), 'people-2026');
        assert.equal(idFromFileName('noext'), 'noext');
        assert.equal(idFromFileName('\u8868.csv'), null);
    });
});

describe('freeId', () => {
    test('adds -2, -3… until the name is free', () => {
        assert.equal(freeId('people', new Set()), 'people');
        assert.equal(freeId('people', new Set(['people'])), 'people-2');
        assert.equal(freeId('people', new Set(['people', 'people-2'])), 'people-3');
    });

    test('stays within 64 characters', () => {
        const long = 'x'.repeat(64);
        const free = freeId(long, new Set([long]));
        assert.equal(free, 'x'.repeat(62) + '-2');
        assert.ok(isValidId(free));
    });
});

describe('sheetsFromListing', () => {
    test('sorts by last change, newest first, ties by id', () => {
        const sheets = sheetsFromListing({ sheets: [
            { id: 'old', version: 1, rows: 1, columns: 1, updated: '2026-01-01T00:00:00Z' },
            { id: 'new', version: 2, rows: 3, columns: 4, updated: '2026-11-25T08:41:13.583Z' },
            { id: 'b-tie', version: 0, rows: 0, columns: 0, updated: '2026-06-01T00:00:00Z' },
            { id: 'a-tie', version: 0, rows: 0, columns: 0, updated: '2026-06-01T00:00:00Z' },
            { id: 'no-date', version: 0, rows: 0, columns: 0 },
        ] });
        assert.deepEqual(sheets.map((s) => s.id), ['new', 'a-tie', 'b-tie', 'old', 'no-date']);
        assert.deepEqual(sheets[0], { id: 'new', version: 2, rows: 3, columns: 4, updated: '2026-11-25T08:41:13.583Z' });
        assert.equal(sheets[4].updated, null);
    });

    test('drops entries the page could not show safely', () => {
        const sheets = sheetsFromListing({ sheets: [
            { id: '<img src=x>', version: 1, rows: 1, columns: 1 },
            { id: 'neg', version: -1, rows: 1, columns: 1 },
            { id: 'text', version: '1', rows: 1, columns: 1 },
            null,
            { id: 'ok', version: 0, rows: 0, columns: 0, updated: 5 },
        ] });
        assert.deepEqual(sheets, [{ id: 'ok', version: 0, rows: 0, columns: 0, updated: null }]);
    });

    test('an answer without a list is an empty list', () => {
        assert.deepEqual(sheetsFromListing(null), []);
        assert.deepEqual(sheetsFromListing({ sheets: 'x' }), []);
    });
});

describe('words', () => {
    test('sizeText and plural', () => {
        assert.equal(sizeText(1, 1), '1\u00a0row \u00d7 1\u00a0column');
        assert.equal(sizeText(0, 5), '0\u00a0rows \u00d7 5\u00a0columns');
        assert.equal(plural(2, 'sheet'), '2 sheets');
    });

    test('formatUpdated gives the date and the time in the given zone, and null for what is not a date', () => {
        assert.deepEqual(formatUpdated('2026-11-25T08:41:13.583Z', { locale: 'en-GB', timeZone: 'UTC' }),
            { date: '25 Nov 2026', time: '08:41' });
        assert.equal(formatUpdated('2026-11-25T08:41:13Z', { locale: 'en-GB', timeZone: 'Asia/Tokyo' }).time, '17:41');
        assert.equal(formatUpdated('2026-11-25T23:30:00Z', { locale: 'en-GB', timeZone: 'Asia/Tokyo' }).date, '26 Nov 2026');
        assert.equal(formatUpdated('yesterday'), null);
        assert.equal(formatUpdated(null), null);
    });

    test('importRefusal keeps the server message and says what to do', () => {
        assert.equal(importRefusal(409, { code: 'not-empty', message: "sheet 'q' has 2 columns" }, 'q'),
            'Sheet q already has data; choose another name (an import only fills a new or empty sheet).');
        assert.equal(importRefusal(400, { code: 'bad-csv', message: 'record 3 has 4 fields; the header has 3' }, 'q'),
            'The file was refused: record 3 has 4 fields; the header has 3.');
        assert.match(importRefusal(413, { code: 'too-large', message: 'more than 100 columns' }, 'q'), /too large.*100 columns/);
        assert.match(importRefusal(415, null, 'q'), /CSV/);
        assert.match(importRefusal(503, { message: 'busy' }, 'q'), /never imported twice/);
        assert.equal(importRefusal(418, null, 'q'), 'The import failed (HTTP 418).');
    });

    test('isRetryable: no answer, rate limits and server trouble', () => {
        assert.deepEqual([0, 400, 409, 413, 429, 500, 503].map(isRetryable), [true, false, false, false, true, true, true]);
    });
});

describe('newImportKey', () => {
    test('is an id the server takes, different each time', () => {
        const a = newImportKey();
        assert.ok(isValidId(a), a);
        assert.match(a, /^import-[0-9a-f]{24}$/);
        assert.notEqual(a, newImportKey());
        assert.equal(newImportKey((n) => new Uint8Array(n).fill(255)), 'import-' + 'ff'.repeat(12));
    });
});
