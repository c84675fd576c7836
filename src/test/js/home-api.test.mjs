// Tests of webapp/js/home-api.js (the home page's HTTP calls) with a fake fetch: `node --test src/test/js/`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createApi, csvPath, sheetHref } from '../../../webapp/js/home-api.js';

/** A fetch that records each request and answers with `respond(url, init)` (a Response, or throws). */
function fakeFetch(respond) {
    const calls = [];
    const fetch = async (url, init) => {
        calls.push({ url, init });
        return respond(url, init);
    };
    return { calls, fetch };
}

const json = (status, body, headers = {}) => new Response(body === undefined ? null : JSON.stringify(body),
    { status, headers: { 'Content-Type': 'application/json', ...headers } });

describe('createApi', () => {
    test('resolves paths against the page, keeping a context root', async () => {
        const { calls, fetch } = fakeFetch(() => json(200, { sheets: [] }));
        const api = createApi({ base: 'http://host:8080/livegrid/index.html', fetch });
        const answer = await api.list();
        assert.equal(calls[0].url, 'http://host:8080/livegrid/api/sheets');
        assert.equal(calls[0].init.method, 'GET');
        assert.deepEqual(answer, { status: 200, body: { sheets: [] }, problem: null, retryAfter: null });
    });

    test('sends the current token as a bearer, and none without one', async () => {
        let token = null;
        const { calls, fetch } = fakeFetch(() => json(200, { sheets: [] }));
        const api = createApi({ base: 'http://h/', token: () => token, fetch });
        await api.list();
        token = 'abc.def.ghi';
        await api.list();
        assert.equal(calls[0].init.headers.Authorization, undefined);
        assert.equal(calls[1].init.headers.Authorization, 'Bearer abc.def.ghi');
    });

    test('an import is text/csv with the attempt\'s Idempotency-Key', async () => {
        const { calls, fetch } = fakeFetch(() => json(201, { sheet: 'people', version: 1, columns: 3, rows: 2, id: 'k1' }));
        const api = createApi({ base: 'http://h/app/', fetch });
        const answer = await api.importCsv('people', 'a,b\n1,2\n', 'import-k1');
        assert.equal(calls[0].url, 'http://h/app/api/sheets/people/import');
        assert.equal(calls[0].init.method, 'POST');
        assert.equal(calls[0].init.body, 'a,b\n1,2\n');
        assert.equal(calls[0].init.headers['Content-Type'], 'text/csv');
        assert.equal(calls[0].init.headers['Idempotency-Key'], 'import-k1');
        assert.equal(answer.status, 201);
        assert.equal(answer.body.rows, 2);
    });

    test('an error answer brings the problem body and Retry-After', async () => {
        const { fetch } = fakeFetch(() => json(429, { code: 'rate-limited', message: 'slow down' }, { 'Retry-After': '3' }));
        const answer = await createApi({ base: 'http://h/', fetch }).importCsv('x', '', 'k');
        assert.deepEqual(answer, { status: 429, body: null, problem: { code: 'rate-limited', message: 'slow down' }, retryAfter: 3 });
    });

    test('a delete, a probe and a body that is not JSON', async () => {
        const { calls, fetch } = fakeFetch((url, init) => (init.method === 'DELETE' ? new Response(null, { status: 204 })
            : new Response('<html>proxy error</html>', { status: 502 })));
        const api = createApi({ base: 'http://h/', fetch });
        assert.equal((await api.remove('team')).status, 204);
        assert.equal(calls[0].url, 'http://h/api/sheets/team');
        const probe = await api.probe('team');
        assert.equal(calls[1].init.method, 'HEAD');
        assert.deepEqual(probe, { status: 502, body: null, problem: null, retryAfter: null });
    });

    test('no answer at all is status 0', async () => {
        const { fetch } = fakeFetch(() => {
            throw new TypeError('Failed to fetch');
        });
        const answer = await createApi({ base: 'http://h/', fetch }).list();
        assert.equal(answer.status, 0);
        assert.equal(answer.error.message, 'Failed to fetch');
    });

    test('the CSV export comes as a Blob', async () => {
        const { calls, fetch } = fakeFetch(() => new Response('a,b\r\n', { status: 200, headers: { 'Content-Type': 'text/csv' } }));
        const answer = await createApi({ base: 'http://h/lg/', fetch }).csv('demo');
        assert.equal(calls[0].url, 'http://h/lg/api/sheets/demo.csv');
        assert.equal(await answer.body.text(), 'a,b\r\n');
    });
});

describe('links', () => {
    test('are relative: no leading slash, no token', () => {
        assert.equal(sheetHref('Q3-budget'), '?sheet=Q3-budget');
        assert.equal(csvPath('demo'), 'api/sheets/demo.csv');
        assert.equal(new URL(sheetHref('team'), 'http://h/livegrid/').href, 'http://h/livegrid/?sheet=team');
    });
});
