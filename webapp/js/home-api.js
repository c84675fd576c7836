// The home page's calls of the HTTP API (docs/HTTP-API.md). URLs are relative to the page (`base` is
// document.baseURI), never to the host's root, so the page works as well under a WAR's context root
// (/livegrid/). Signed in, every request carries the tab's token as `Authorization: Bearer`; the token
// goes nowhere else. No DOM: tested under node with a fake fetch (src/test/js/home-api.test.mjs).
//
// Every call answers {status, body, problem, retryAfter}: `body` the parsed JSON of a 2xx answer,
// `problem` the server's error body ({code, message}) otherwise, `retryAfter` seconds or null. A request
// that got no answer at all (server down, connection cut) is status 0 with `error`.

/**
 * @param base the page's address, against which `api/...` is resolved
 * @param token a function giving the current token or null (it changes when a fresh one is pasted)
 * @param fetch for tests
 */
export function createApi({ base, token = () => null, fetch = (...args) => globalThis.fetch(...args) }) {
    const sheetPath = (id) => 'api/sheets/' + encodeURIComponent(id);

    async function send(method, path, { body, headers = {}, as = 'json' } = {}) {
        const bearer = token();
        const all = bearer ? { ...headers, Authorization: 'Bearer ' + bearer } : { ...headers };
        let response;
        try {
            // no-store: the listing must be current when the user comes back from a sheet.
            response = await fetch(new URL(path, base).href, { method, headers: all, body, cache: 'no-store' });
        } catch (error) {
            return { status: 0, error, body: null, problem: null, retryAfter: null };
        }
        const ok = response.status >= 200 && response.status < 300;
        const retryAfter = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
        const answer = { status: response.status, body: null, problem: null,
            retryAfter: Number.isFinite(retryAfter) ? retryAfter : null };
        try {
            if (ok && as === 'blob') {
                answer.body = await response.blob();
            } else if (method !== 'HEAD' && response.status !== 204) {
                const json = parseJson(await response.text());
                answer[ok ? 'body' : 'problem'] = json;
            }
        } catch (error) {
            return { ...answer, status: 0, error }; // the connection broke while the body arrived
        }
        return answer;
    }

    return {
        /** GET /api/sheets: every sheet the caller may read. */
        list: () => send('GET', 'api/sheets'),
        /** HEAD /api/sheets/{id}: 200 it exists, 403 it exists but not for this user, 404 it does not. */
        probe: (id) => send('HEAD', sheetPath(id)),
        /** POST /api/sheets/{id}/import: the CSV text into a new or empty sheet, with the attempt's key. */
        importCsv: (id, text, key) => send('POST', sheetPath(id) + '/import',
            { body: text, headers: { 'Content-Type': 'text/csv', 'Idempotency-Key': key } }),
        /** DELETE /api/sheets/{id}. */
        remove: (id) => send('DELETE', sheetPath(id)),
        /** GET /api/sheets/{id}.csv as a Blob, for a signed-in download (a plain link cannot carry the token). */
        csv: (id) => send('GET', csvPath(id), { as: 'blob' }),
    };
}

/** The export's address relative to the page: `api/sheets/{id}.csv`. */
export function csvPath(id) {
    return 'api/sheets/' + encodeURIComponent(id) + '.csv';
}

/** The sheet page for `id`, relative to the home page (same path, `?sheet=ID`); never with a token in it. */
export function sheetHref(id) {
    return '?' + new URLSearchParams({ sheet: id });
}

function parseJson(text) {
    try {
        return text ? JSON.parse(text) : null;
    } catch (e) {
        return null; // not JSON (a proxy's error page): the status alone has to do
    }
}
