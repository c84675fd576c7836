// Tests of webapp/js/livegrid.js without a server: `node --test src/test/js/` (Node 20, no packages).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
    applyOp, backoffDelay, canEdit, diagnosisUrl, emptyState, isResumeWelcome, isValidId, LiveGridClient, MAX_NAME_LENGTH,
    MAX_OP_BYTES, nameProblem, opSize, sequenceOf, sheetUrl, stateFromWelcome, Status, withoutSubOps,
} from '../../../webapp/js/livegrid.js';
import { random } from './support/seeded.mjs';

const WELCOME = {
    type: 'welcome', sheet: 'demo', version: 7, you: 'u-1',
    columns: [{ id: 'c1', name: 'name' }, { id: 'c2', name: 'age' }],
    rows: [
        { id: 'r1', cells: { c1: { value: 'Ming', version: 3 }, c2: { value: '18', version: 1 } } },
        { id: 'r2', cells: { c1: { value: 'Hong', version: 5 } } },
    ],
    users: [{ id: 'u-1', name: 'Alice', focus: null }],
};

function base() {
    return stateFromWelcome(WELCOME);
}

/** Deep-frozen, so any mutation by applyOp throws in strict mode. */
function frozen(value) {
    if (value && typeof value === 'object') {
        Object.values(value).forEach(frozen);
        Object.freeze(value);
    }
    return value;
}

const rowIds = (state) => state.rows.map((row) => row.id);
const colIds = (state) => state.columns.map((column) => column.id);
const cellOf = (state, row, col) => state.rows.find((r) => r.id === row)?.cells[col];

describe('stateFromWelcome', () => {
    test('copies the table, so the message is never aliased', () => {
        const state = base();
        assert.equal(state.version, 7);
        assert.equal(state.you, 'u-1');
        assert.deepEqual(colIds(state), ['c1', 'c2']);
        assert.deepEqual(cellOf(state, 'r1', 'c1'), { value: 'Ming', version: 3 });
        assert.notEqual(state.rows[0].cells, WELCOME.rows[0].cells);
    });

    test('a resume welcome is one with since and without a table', () => {
        assert.equal(isResumeWelcome({ type: 'welcome', version: 9, since: 7, you: 'u', users: [] }), true);
        assert.equal(isResumeWelcome(WELCOME), false);
        assert.equal(isResumeWelcome({ ...WELCOME, since: 7 }), false);
    });
});

describe('applyOp', () => {
    test('edit writes the value with the op version and leaves the old state alone', () => {
        const before = frozen(base());
        const after = applyOp(before, { type: 'edit', row: 'r1', col: 'c2', value: '19' }, 8);
        assert.equal(after.version, 8);
        assert.deepEqual(cellOf(after, 'r1', 'c2'), { value: '19', version: 8 });
        assert.deepEqual(cellOf(after, 'r1', 'c1'), { value: 'Ming', version: 3 });
        assert.deepEqual(cellOf(before, 'r1', 'c2'), { value: '18', version: 1 });
        assert.equal(after.rows[1], before.rows[1], 'untouched rows are shared');
    });

    test('edit of a never-written cell creates it; null empties a cell but keeps its version', () => {
        let state = applyOp(base(), { type: 'edit', row: 'r2', col: 'c2', value: '30' }, 8);
        assert.deepEqual(cellOf(state, 'r2', 'c2'), { value: '30', version: 8 });
        state = applyOp(state, { type: 'edit', row: 'r2', col: 'c2', value: null }, 9);
        assert.deepEqual(cellOf(state, 'r2', 'c2'), { value: null, version: 9 });
    });

    test('edit of a deleted row or column changes nothing but the version', () => {
        const before = frozen(base());
        const noRow = applyOp(before, { type: 'edit', row: 'gone', col: 'c1', value: 'x' }, 8);
        assert.deepEqual({ ...noRow, version: 7 }, before);
        const noCol = applyOp(before, { type: 'edit', row: 'r1', col: 'gone', value: 'x' }, 8);
        assert.deepEqual({ ...noCol, version: 7 }, before);
        assert.equal(noCol.version, 8);
    });

    test('insertRow after a row, at the start, and at the end when its neighbour is unknown', () => {
        const state = frozen(base());
        assert.deepEqual(rowIds(applyOp(state, { type: 'insertRow', row: 'r3', after: 'r1', cells: {} }, 8)),
            ['r1', 'r3', 'r2']);
        assert.deepEqual(rowIds(applyOp(state, { type: 'insertRow', row: 'r3', after: null }, 8)), ['r3', 'r1', 'r2']);
        assert.deepEqual(rowIds(applyOp(state, { type: 'insertRow', row: 'r3' }, 8)), ['r3', 'r1', 'r2']);
        assert.deepEqual(rowIds(applyOp(state, { type: 'insertRow', row: 'r3', after: 'gone' }, 8)),
            ['r1', 'r2', 'r3']);
    });

    test('insertRow cells get the op version; cells of unknown columns are dropped; a known row id is ignored', () => {
        const state = applyOp(base(), { type: 'insertRow', row: 'r3', after: 'r2', cells: { c1: 'Li', c9: 'x' } }, 8);
        assert.deepEqual(state.rows[2], { id: 'r3', cells: { c1: { value: 'Li', version: 8 } } });
        const again = applyOp(state, { type: 'insertRow', row: 'r3', after: null, cells: { c1: 'dup' } }, 9);
        assert.deepEqual(rowIds(again), ['r1', 'r2', 'r3']);
        assert.equal(cellOf(again, 'r3', 'c1').value, 'Li');
    });

    test('deleteRow removes the row; an unknown row is ignored', () => {
        const before = frozen(base());
        assert.deepEqual(rowIds(applyOp(before, { type: 'deleteRow', row: 'r1' }, 8)), ['r2']);
        assert.deepEqual(rowIds(applyOp(before, { type: 'deleteRow', row: 'gone' }, 8)), ['r1', 'r2']);
    });

    test('addColumn after a column, at the start, unknown neighbour at the end; a known id is ignored', () => {
        const state = frozen(base());
        assert.deepEqual(colIds(applyOp(state, { type: 'addColumn', col: 'c3', name: 'email', after: 'c1' }, 8)),
            ['c1', 'c3', 'c2']);
        assert.deepEqual(colIds(applyOp(state, { type: 'addColumn', col: 'c3', name: 'email', after: null }, 8)),
            ['c3', 'c1', 'c2']);
        assert.deepEqual(colIds(applyOp(state, { type: 'addColumn', col: 'c3', name: 'email', after: 'zz' }, 8)),
            ['c1', 'c2', 'c3']);
        const dup = applyOp(state, { type: 'addColumn', col: 'c1', name: 'again', after: null }, 8);
        assert.deepEqual(dup.columns, state.columns);
    });

    test('renameColumn renames; an unknown column is ignored', () => {
        const state = frozen(base());
        assert.deepEqual(applyOp(state, { type: 'renameColumn', col: 'c2', name: 'Age' }, 8).columns,
            [{ id: 'c1', name: 'name' }, { id: 'c2', name: 'Age' }]);
        assert.deepEqual(applyOp(state, { type: 'renameColumn', col: 'zz', name: 'x' }, 8).columns, state.columns);
    });

    test('deleteColumn removes the column and its cells; later edits of it are ignored', () => {
        let state = applyOp(frozen(base()), { type: 'deleteColumn', col: 'c1' }, 8);
        assert.deepEqual(colIds(state), ['c2']);
        assert.deepEqual(state.rows.map((row) => Object.keys(row.cells)), [['c2'], []]);
        state = applyOp(state, { type: 'edit', row: 'r1', col: 'c1', value: 'late' }, 9);
        assert.deepEqual(state.rows[0].cells, { c2: { value: '18', version: 1 } });
        assert.equal(applyOp(state, { type: 'deleteColumn', col: 'c1' }, 10).version, 10);
    });

    test('an unknown op type only advances the version', () => {
        const before = frozen(base());
        assert.deepEqual(applyOp(before, { type: 'sortRows', by: 'c1' }, 8), { ...before, version: 8 });
    });

    test('the same ops in the same order give the same table from a welcome or from scratch', () => {
        const ops = [
            { type: 'addColumn', col: 'c1', name: 'name', after: null },
            { type: 'insertRow', row: 'r1', after: null, cells: { c1: 'a' } },
            { type: 'insertRow', row: 'r2', after: 'r1', cells: {} },
            { type: 'addColumn', col: 'c2', name: 'age', after: 'c1' },
            { type: 'edit', row: 'r2', col: 'c2', value: '4' },
            { type: 'insertRow', row: 'r3', after: null, cells: { c2: '1' } },
            { type: 'deleteRow', row: 'r1' },
            { type: 'edit', row: 'r1', col: 'c1', value: 'ignored' },
            { type: 'renameColumn', col: 'c1', name: 'Name' },
        ];
        const all = ops.reduce((state, op, index) => applyOp(state, op, index + 1), { ...emptyState(), version: 0 });
        assert.equal(all.version, 9);
        assert.deepEqual(colIds(all), ['c1', 'c2']);
        assert.deepEqual(rowIds(all), ['r3', 'r2']);
        assert.deepEqual(cellOf(all, 'r2', 'c2'), { value: '4', version: 5 });
        // A client that joined at version 4 (a welcome) and applied the rest converges on the same table.
        const atFour = ops.slice(0, 4).reduce((state, op, index) => applyOp(state, op, index + 1),
            { ...emptyState(), version: 0 });
        const late = ops.slice(4).reduce((state, op, index) => applyOp(state, op, index + 5),
            stateFromWelcome({ ...atFour, type: 'welcome' }));
        assert.deepEqual(late.columns, all.columns);
        assert.deepEqual(late.rows, all.rows);
    });
});

describe('sequenceOf', () => {
    test('the next version is applied, an old one is stale', () => {
        assert.equal(sequenceOf(7, { version: 8 }), 'apply');
        assert.equal(sequenceOf(7, { version: 7 }), 'stale');
        assert.equal(sequenceOf(7, { version: 3 }), 'stale');
    });

    test('a jump is a gap unless skipped lists every version in between', () => {
        assert.equal(sequenceOf(7, { version: 9 }), 'gap');
        assert.equal(sequenceOf(7, { version: 10, skipped: [8, 9] }), 'apply');
        assert.equal(sequenceOf(7, { version: 10, skipped: [9] }), 'gap');
        assert.equal(sequenceOf(7, { version: 10, skipped: [5, 6, 8, 9] }), 'apply', 'versions already had are fine');
        assert.equal(sequenceOf(7, { version: 8, skipped: [] }), 'apply');
    });
});

describe('nameProblem', () => {
    const emoji = '\u{1F600}'; // one code point, two UTF-16 units

    test('counts code points as the server does: 51 emoji pass, 101 characters do not', () => {
        assert.equal(nameProblem(emoji.repeat(51)), null);
        assert.equal(nameProblem(emoji.repeat(MAX_NAME_LENGTH)), null);
        assert.equal(nameProblem(emoji.repeat(50) + 'x'.repeat(51)), 'A name is at most 100 characters; this one has 101.');
        assert.equal(nameProblem('  ' + 'x'.repeat(100) + '  '), null, 'surrounding white space is removed first');
    });

    test('control characters are refused; no name or a blank one is fine (the server calls it Guest)', () => {
        assert.match(nameProblem('Al\u0007ice'), /control characters/);
        assert.equal(nameProblem(undefined), null);
        assert.equal(nameProblem('   '), null);
    });

    test('the client refuses a name the server would refuse, before connecting, and sends it trimmed', () => {
        assert.throws(() => new LiveGridClient('demo', { name: 'x'.repeat(101), location: PAGE, WebSocket: FakeSocket }),
            { name: 'RangeError', message: /at most 100 characters/ });
        const { client } = startClient(undefined, '  ' + emoji.repeat(51) + ' ');
        assert.equal(FakeSocket.last().url, 'ws://h:1/livegrid/sheets/demo?name=' + encodeURIComponent(emoji).repeat(51)
            + '&client=' + KEY);
        client.close();
    });
});

describe('sheetUrl and backoffDelay', () => {
    test('the URL keeps the context root and the scheme, and encodes what it carries', () => {
        const page = { protocol: 'https:', host: 'grid.example.com', pathname: '/livegrid/index.html' };
        assert.equal(sheetUrl(page, 'demo', { name: 'Alice' }), 'wss://grid.example.com/livegrid/sheets/demo?name=Alice');
        assert.equal(sheetUrl({ protocol: 'http:', host: 'h:8080', pathname: '/' }, 'a b', { name: 'Zoë & co', since: 0 }),
            'ws://h:8080/sheets/a%20b?name=Zo%C3%AB+%26+co&since=0');
        assert.equal(sheetUrl({ protocol: 'http:', host: 'h', pathname: '/x/' }, 's'), 'ws://h/x/sheets/s');
    });

    test('back-off doubles from 0.5 s to 10 s with half of it random', () => {
        assert.equal(backoffDelay(0, () => 0), 250);
        assert.equal(backoffDelay(0, () => 1), 500);
        assert.equal(backoffDelay(3, () => 1), 4000);
        assert.equal(backoffDelay(10, () => 1), 10000);
        assert.equal(backoffDelay(40, () => 0), 5000);
    });
});

// ---------------------------------------------------------------- the client over a fake socket

/** A WebSocket stand-in: records what the client sends; the test plays the server. */
class FakeSocket {
    static all = [];

    constructor(url) {
        this.url = url;
        this.sent = [];
        this.readyState = 0;
        this.closedWith = null;
        FakeSocket.all.push(this);
    }

    send(text) {
        assert.equal(this.readyState, 1, 'sent on a socket that is not open');
        this.sent.push(JSON.parse(text));
    }

    close(code, reason) {
        this.readyState = 3;
        this.closedWith = { code, reason };
    }

    /** The handshake succeeded. */
    open() {
        if (this.readyState === 0) {
            this.readyState = 1;
            this.onopen?.();
        }
    }

    receive(message) {
        this.open();
        this.onmessage({ data: JSON.stringify(message) });
    }

    serverClose(code, reason = '') {
        this.readyState = 3;
        this.onclose({ code, reason });
    }

    static last() {
        return FakeSocket.all[FakeSocket.all.length - 1];
    }
}

const PAGE = { protocol: 'http:', host: 'h:1', pathname: '/livegrid/index.html' };
/** The client key the tests' clients use, so their URLs are known. */
const KEY = 'test-client-key-0001';
/**
 * Lets the client's promise chains settle first (they register its reconnect timers), then waits 5 ms,
 * so a timer of 0 ms the client set is always due before this one, however loaded the machine is.
 */
const tick = () => new Promise((resolve) => setImmediate(resolve)).then(() => new Promise((resolve) => setTimeout(resolve, 5)));

/** A fetch that answers every question with `answer` (a function of the URL), recording the URLs asked and their options. */
function fakeFetch(answer) {
    const asked = [];
    const options = [];
    const fetch = async (url, init) => {
        asked.push(url);
        options.push(init);
        const { status, body = '' } = await answer(url);
        return { status, text: async () => body };
    };
    return { fetch, asked, options };
}

function startClient(fetch = fakeFetch(() => ({ status: 426 })).fetch, name = 'Alice', more = {}) {
    FakeSocket.all = [];
    const client = new LiveGridClient('demo', { name, location: PAGE, WebSocket: FakeSocket, backoff: () => 0, fetch,
        clientKey: KEY, ...more });
    const events = [];
    for (const type of ['status', 'state', 'applied', 'rejected', 'presence', 'pending', 'error', 'role', 'authenticated']) {
        client.addEventListener(type, (event) => events.push({ type, ...event.detail }));
    }
    client.connect();
    return { client, events, statuses: () => events.filter((e) => e.type === 'status').map((e) => e.status) };
}

function applied(version, op, id = 'other-' + version, extra = {}) {
    return { type: 'applied', version, by: 'u-9', id, op, ...extra };
}

describe('LiveGridClient', () => {
    test('joins fresh, holds ops until the welcome, then sends them; the applied message acks', () => {
        const { client, events, statuses } = startClient();
        assert.equal(FakeSocket.last().url, 'ws://h:1/livegrid/sheets/demo?name=Alice&client=' + KEY);
        const id = client.edit('r1', 'c1', 'early');
        assert.match(id, /^[A-Za-z0-9_-]{1,64}$/);
        assert.equal(FakeSocket.last().sent.length, 0);
        FakeSocket.last().receive(WELCOME);
        assert.deepEqual(statuses(), ['connecting', 'open']);
        // Sent before any welcome, the edit knew no cell version: no base, last writer wins.
        assert.deepEqual(FakeSocket.last().sent, [{ type: 'edit', id, row: 'r1', col: 'c1', value: 'early' }]);
        FakeSocket.last().receive(applied(8, { type: 'edit', row: 'r1', col: 'c1', value: 'early' }, id));
        assert.equal(client.pending.length, 0);
        assert.equal(client.version, 8);
        assert.equal(events.find((e) => e.type === 'applied').mine, true);
    });

    test('every op has its own id and the wire shape of the protocol', () => {
        const { client } = startClient();
        FakeSocket.last().receive(WELCOME);
        const ids = [
            client.insertRow('r1', { c1: 'Hong' }), client.insertRow(null), client.deleteRow('r2'),
            client.addColumn('email', 'c2'), client.addColumn('first'), client.renameColumn('c2', 'Age'),
            client.deleteColumn('c5'), client.edit('r1', 'c2', '19', { base: undefined }),
        ];
        assert.equal(new Set(ids).size, ids.length);
        const sent = FakeSocket.last().sent.map(({ id, ...rest }) => rest);
        assert.deepEqual(sent, [
            { type: 'insertRow', after: 'r1', cells: { c1: 'Hong' } }, { type: 'insertRow' },
            { type: 'deleteRow', row: 'r2' }, { type: 'addColumn', name: 'email', after: 'c2' },
            { type: 'addColumn', name: 'first' }, { type: 'renameColumn', col: 'c2', name: 'Age' },
            { type: 'deleteColumn', col: 'c5' }, { type: 'edit', row: 'r1', col: 'c2', value: '19' },
        ]);
        assert.deepEqual(client.pending.map((op) => op.id), ids);
    });

    test('base is the cell version, but not while an own edit of that cell is pending', () => {
        const { client } = startClient();
        FakeSocket.last().receive(WELCOME);
        assert.equal(client.baseFor('r1', 'c2'), 1);
        assert.equal(client.baseFor('r2', 'c2'), 0, 'never written: the server counts it as version 0');
        assert.equal(client.baseFor('gone', 'c2'), undefined);
        client.edit('r1', 'c2', 'a');
        assert.equal(client.baseFor('r1', 'c2'), undefined);
        client.edit('r1', 'c2', 'b');
        assert.deepEqual(FakeSocket.last().sent.map((op) => op.base), [1, undefined]);
    });

    test('a gap closes the socket and resumes with since = the last version applied; skipped is no gap', async () => {
        const { client, statuses } = startClient();
        const first = FakeSocket.last();
        first.receive(WELCOME);
        first.receive(applied(10, { type: 'edit', row: 'r1', col: 'c1', value: 'x' }, 'a', { skipped: [8, 9] }));
        assert.equal(client.version, 10);
        assert.equal(FakeSocket.all.length, 1);
        first.receive(applied(12, { type: 'edit', row: 'r1', col: 'c1', value: 'y' }));
        assert.equal(client.version, 10, 'nothing after a gap is applied');
        assert.equal(first.closedWith.code, 4000);
        first.receive(applied(13, { type: 'deleteRow', row: 'r1' }));
        assert.equal(client.rows.length, 2, 'the abandoned socket is ignored');
        await tick();
        assert.equal(FakeSocket.last().url, 'ws://h:1/livegrid/sheets/demo?name=Alice&client=' + KEY + '&since=10');
        assert.deepEqual(statuses(), ['connecting', 'open', 'reconnecting']);
    });

    test('a resume keeps the table, applies the missed ops, resends pending ops and takes a re-ack', async () => {
        const { client, events } = startClient();
        FakeSocket.last().receive(WELCOME);
        client.focus('r1', 'c1');
        const lost = client.edit('r2', 'c1', 'mine');
        const unsent = FakeSocket.last();
        unsent.serverClose(1006);
        const queued = client.deleteRow('r1');
        await tick();
        const resumed = FakeSocket.last();
        assert.match(resumed.url, /since=7$/);
        resumed.receive({ type: 'welcome', sheet: 'demo', version: 8, you: 'u-2', since: 7, users: [] });
        assert.equal(client.you, 'u-2');
        assert.equal(client.rows.length, 2);
        assert.deepEqual(resumed.sent.map((m) => m.id ?? m.type), [lost, queued, 'focus']);
        assert.deepEqual(resumed.sent[0], unsent.sent[1], 'resent with the same id and content');
        resumed.receive(applied(8, { type: 'edit', row: 'r2', col: 'c1', value: 'mine' }, lost));
        resumed.receive(applied(8, { type: 'edit', row: 'r2', col: 'c1', value: 'mine' }, lost)); // re-ack of the resend
        assert.equal(client.cell('r2', 'c1').value, 'mine');
        resumed.receive(applied(9, { type: 'deleteRow', row: 'r1' }, queued));
        assert.deepEqual(client.pending, []);
        assert.equal(events.filter((e) => e.type === 'applied').length, 2, 'the re-ack is not applied twice');
    });

    test('a full welcome on reconnect replaces the state; a stale re-ack still acks the resent op', async () => {
        const { client } = startClient();
        FakeSocket.last().receive(WELCOME);
        const id = client.addColumn('email', 'c2');
        FakeSocket.last().serverClose(1001, 'no pong within 10000 ms');
        await tick();
        const full = { ...WELCOME, version: 20, columns: [...WELCOME.columns, { id: 'c3', name: 'email' }] };
        FakeSocket.last().receive(full);
        assert.deepEqual(colIds(client.state), ['c1', 'c2', 'c3']);
        assert.equal(client.pending.length, 1);
        FakeSocket.last().receive(applied(12, { type: 'addColumn', col: 'c3', name: 'email', after: 'c2' }, id));
        assert.equal(client.pending.length, 0);
        assert.equal(client.version, 20);
    });

    test('every connection of one client sends the same random client key; a resume names the incarnation', async () => {
        FakeSocket.all = [];
        const client = new LiveGridClient('demo', { location: PAGE, WebSocket: FakeSocket, backoff: () => 0,
            fetch: fakeFetch(() => ({ status: 426 })).fetch });
        client.connect();
        const key = new URL(FakeSocket.last().url).searchParams.get('client');
        assert.match(key, /^[A-Za-z0-9_-]{16,64}$/);
        FakeSocket.last().receive({ ...WELCOME, incarnation: 'k1' });
        FakeSocket.last().serverClose(1006);
        await tick();
        const resume = new URL(FakeSocket.last().url).searchParams;
        assert.equal(resume.get('client'), key);
        assert.equal(resume.get('since'), '7');
        assert.equal(resume.get('incarnation'), 'k1');
        client.close();
        const other = new LiveGridClient('demo', { location: PAGE, WebSocket: FakeSocket });
        other.connect();
        assert.notEqual(new URL(FakeSocket.last().url).searchParams.get('client'), key, 'each client has its own');
        other.close();
    });

    test('a full welcome of another incarnation drops the pending ops instead of resending them, and says so', async () => {
        const { client, events } = startClient();
        FakeSocket.last().receive({ ...WELCOME, incarnation: 'old' });
        client.edit('r1', 'c1', 'meant for the old sheet');
        FakeSocket.last().serverClose(1006);
        await tick();
        const back = FakeSocket.last();
        back.receive({ ...WELCOME, version: 2, incarnation: 'new' });
        assert.deepEqual(back.sent, [], 'nothing resent to the new sheet');
        assert.deepEqual(client.pending, []);
        const replaced = events.find((e) => e.type === 'error' && e.code === 'sheet-replaced');
        assert.ok(replaced, JSON.stringify(events));
        assert.equal(replaced.dropped.length, 1);
        assert.equal(client.state.incarnation, 'new');
    });

    test('a full welcome of the same incarnation keeps and resends the pending ops', async () => {
        const { client } = startClient();
        FakeSocket.last().receive({ ...WELCOME, incarnation: 'same' });
        const id = client.edit('r1', 'c1', 'kept');
        FakeSocket.last().serverClose(1006);
        await tick();
        FakeSocket.last().receive({ ...WELCOME, version: 30, incarnation: 'same' });
        assert.deepEqual(FakeSocket.last().sent.map((m) => m.id), [id]);
    });

    test('1013 resumes with since; 4004 and 1008 stop for good', async () => {
        const { client, events, statuses } = startClient();
        FakeSocket.last().receive(WELCOME);
        FakeSocket.last().serverClose(1013, 'too slow; resume with since=7');
        await tick();
        assert.match(FakeSocket.last().url, /since=7$/);
        FakeSocket.last().serverClose(4004, 'no such sheet');
        await tick();
        assert.equal(FakeSocket.all.length, 2);
        assert.equal(client.status, Status.CLOSED);
        assert.deepEqual(statuses(), ['connecting', 'open', 'reconnecting', 'closed']);
        assert.equal(events.find((e) => e.type === 'error').closeCode, 4004);
    });

    test('a live ack settles earlier unanswered edits, whose acks were coalesced away', () => {
        const { client } = startClient();
        FakeSocket.last().receive(WELCOME);
        const coalesced = client.edit('r1', 'c1', 'mine');
        const row = client.deleteRow('r2');
        const later = client.edit('r1', 'c2', '40');
        // Bob's edit of r1/c1 at 9 superseded mine at 8 for this slow reader.
        FakeSocket.last().receive(applied(9, { type: 'edit', row: 'r1', col: 'c1', value: 'bob' }, 'b-1', { skipped: [8] }));
        assert.deepEqual(client.pending.map((op) => op.id), [coalesced, row, later]);
        FakeSocket.last().receive(applied(10, { type: 'edit', row: 'r1', col: 'c2', value: '40' }, later));
        assert.deepEqual(client.pending.map((op) => op.id), [row], 'only edits can have been coalesced');
        assert.equal(client.cell('r1', 'c1').value, 'bob');
    });

    test('skipped explains a hole on any applied, not only an edit of the merged cell', () => {
        const { client } = startClient();
        const socket = FakeSocket.last();
        socket.receive(WELCOME);
        // A slow reader's queue held edits of r1/c1 at 8 and 10; 8 was merged into 10, and the insertRow at 9,
        // the next message after the hole, lists it.
        socket.receive(applied(9, { type: 'insertRow', row: 'r9', after: 'r2', cells: {} }, 'x-9', { skipped: [8] }));
        assert.deepEqual(rowIds(client.state), ['r1', 'r2', 'r9']);
        assert.equal(client.cell('r1', 'c1').value, 'Ming', 'the merged edit has not arrived yet');
        socket.receive(applied(10, { type: 'edit', row: 'r1', col: 'c1', value: 'last' }));
        assert.deepEqual(cellOf(client.state, 'r1', 'c1'), { value: 'last', version: 10 });
        assert.equal(client.version, 10);
        assert.equal(FakeSocket.all.length, 1, 'no resync');
        assert.equal(socket.closedWith, null);
    });

    test('a rejection drops the op from pending and hands it back with the current cell', () => {
        const { client, events } = startClient();
        FakeSocket.last().receive(WELCOME);
        const id = client.edit('r1', 'c2', '19');
        const current = { row: 'r1', col: 'c2', value: '20', version: 8 };
        FakeSocket.last().receive({ type: 'rejected', id, code: 'conflict', message: 'cell changed at version 8', current });
        const rejected = events.find((e) => e.type === 'rejected');
        assert.equal(rejected.op.value, '19');
        assert.deepEqual(rejected.current, current);
        assert.deepEqual(client.pending, []);
    });

    test('a rate-limited op stays pending and goes again after a pause, with the ops made meanwhile behind it', async () => {
        const attempts = [];
        const { client, events } = startClient(undefined, 'Alice', { backoff: (n) => { attempts.push(n); return 0; } });
        const socket = FakeSocket.last();
        socket.receive(WELCOME);
        attempts.length = 0;
        const a = client.edit('r1', 'c1', 'a');
        const b = client.edit('r1', 'c2', 'b');
        socket.receive({ type: 'rejected', id: a, code: 'rate-limited', message: 'the sheet is busy' });
        const c = client.edit('r2', 'c1', 'c');
        assert.deepEqual(socket.sent.map((m) => m.id), [a, b], 'c waits behind the refused a');
        assert.deepEqual(client.pending.map((m) => m.id), [a, b, c]);
        assert.equal(events.filter((e) => e.type === 'rejected').length, 0, 'no rejection reaches the page');
        await tick();
        assert.deepEqual(socket.sent.map((m) => m.id), [a, b, a, c], 'a again, then c: the order they were made in');
        socket.receive({ type: 'rejected', id: a, code: 'rate-limited', message: 'the sheet is busy' });
        await tick();
        assert.deepEqual(socket.sent.map((m) => m.id), [a, b, a, c, a]);
        assert.deepEqual(attempts, [0, 1], 'the pause grows while refusals go on');
        // b was sent before a's second try: its ack must not take a (still on its way) for a merged edit.
        socket.receive(applied(8, { type: 'edit', row: 'r1', col: 'c2', value: 'b' }, b));
        assert.deepEqual(client.pending.map((m) => m.id).sort(), [a, c].sort());
        socket.receive(applied(9, { type: 'edit', row: 'r2', col: 'c1', value: 'c' }, c));
        socket.receive(applied(10, { type: 'edit', row: 'r1', col: 'c1', value: 'a' }, a));
        assert.deepEqual(client.pending, []);
        assert.equal(client.cell('r1', 'c1').value, 'a');
        socket.receive({ type: 'rejected', id: client.edit('r1', 'c1', 'd'), code: 'rate-limited', message: 'busy' });
        await tick();
        assert.deepEqual(attempts, [0, 1, 0], 'an acknowledged op starts the pauses over');
    });

    test('a rate-limited edit is not sent again once a newer edit of its cell has gone out', async () => {
        const { client, events } = startClient();
        const socket = FakeSocket.last();
        socket.receive(WELCOME);
        const older = client.edit('r1', 'c1', 'older');
        const newer = client.edit('r1', 'c1', 'newer');
        socket.receive({ type: 'rejected', id: older, code: 'rate-limited', message: 'the sheet is busy' });
        await tick();
        assert.deepEqual(socket.sent.map((m) => m.id), [older, newer], 'sent again, older would overwrite newer');
        assert.deepEqual(client.pending.map((m) => m.id), [newer]);
        assert.equal(events.filter((e) => e.type === 'rejected').length, 0);
    });

    test('held ops go again at most 32 at a time; a reconnect resends everything at once', async () => {
        // The first pause is 0 ms, the ones after it 60 ms: the second batch comes a pause after the first.
        const { client } = startClient(undefined, 'Alice', { backoff: (n) => (n === 0 ? 0 : 60) });
        const socket = FakeSocket.last();
        socket.receive(WELCOME);
        const ids = [];
        for (let i = 0; i < 40; i++) {
            ids.push(client.edit('r1', 'c' + i, String(i)));
        }
        for (const id of ids) {
            socket.receive({ type: 'rejected', id, code: 'rate-limited', message: 'more than 256 unanswered' });
        }
        await tick();
        assert.equal(socket.sent.length, 40 + 32);
        await new Promise((resolve) => setTimeout(resolve, 120));
        assert.equal(socket.sent.length, 40 + 40);
        assert.deepEqual(socket.sent.slice(40).map((m) => m.id), ids);
        socket.receive({ type: 'rejected', id: ids[0], code: 'rate-limited', message: 'busy' });
        socket.serverClose(1006);
        await tick();
        FakeSocket.last().receive({ type: 'welcome', sheet: 'demo', version: 7, you: 'u-3', since: 7, users: [] });
        assert.equal(FakeSocket.last().sent.length, 40, 'the welcome resends every pending op, held or not');
    });

    test('presence changes update the users; close() stops without reconnecting', async () => {
        const { client, statuses, events } = startClient();
        FakeSocket.last().receive({ ...WELCOME, users: [{ id: 'u-1', name: 'Alice' }] });
        assert.deepEqual(client.users, [{ id: 'u-1', name: 'Alice', focus: null }], 'an absent focus is null');
        FakeSocket.last().receive({ type: 'presence', joined: [{ id: 'u-2', name: 'Bob', focus: { row: 'r1', col: 'c1' } },
            { id: 'u-3', name: 'Cy' }], moved: [{ id: 'u-1', focus: { row: 'r2', col: 'c2' } }] });
        assert.deepEqual(client.users, [{ id: 'u-1', name: 'Alice', focus: { row: 'r2', col: 'c2' } },
            { id: 'u-2', name: 'Bob', focus: { row: 'r1', col: 'c1' } }, { id: 'u-3', name: 'Cy', focus: null }]);
        FakeSocket.last().receive({ type: 'presence', left: ['u-2'], joined: [{ id: 'u-1', name: 'Alice B.' }],
            moved: [{ id: 'u-3', focus: { row: 'r1', col: 'c1' } }] });
        assert.deepEqual(client.users, [{ id: 'u-1', name: 'Alice B.', focus: null }, { id: 'u-3', name: 'Cy', focus: { row: 'r1', col: 'c1' } }],
            'a rename replaces the entry in place; a move of nobody listed is ignored');
        FakeSocket.last().receive({ type: 'presence', moved: [{ id: 'u-3', focus: null }, { id: 'u-9', focus: null }] });
        assert.deepEqual(client.users.map((u) => u.focus), [null, null]);
        assert.deepEqual(events.filter((e) => e.type === 'presence').at(-1).users, client.users);
        const users = [{ id: 'u-7', name: 'Dee', focus: null }];
        FakeSocket.last().receive({ type: 'presence', users });
        assert.deepEqual(client.users, users, 'a whole list (an older server) replaces the users');
        client.close();
        assert.equal(FakeSocket.last().closedWith.code, 1000);
        await tick();
        assert.equal(FakeSocket.all.length, 1);
        assert.deepEqual(statuses(), ['connecting', 'open', 'closed']);
    });

    test('after close 1009 the largest pending op is given up as too-large; the rest is resent', async () => {
        const { client, events } = startClient();
        FakeSocket.last().receive(WELCOME);
        const small = client.edit('r1', 'c1', 'x');
        const big = client.edit('r1', 'c2', 'y'.repeat(5000));
        FakeSocket.last().serverClose(1009, 'message too big');
        const rejected = events.find((e) => e.type === 'rejected');
        assert.deepEqual([rejected.id, rejected.code, rejected.op.id], [big, 'too-large', big]);
        await tick();
        FakeSocket.last().receive({ type: 'welcome', sheet: 'demo', version: 7, you: 'u-3', since: 7, users: [] });
        assert.deepEqual(FakeSocket.last().sent.map((m) => m.id), [small]);
    });

    test('the focus is repeated after a reconnect, unless its cell is gone', async () => {
        const { client } = startClient();
        FakeSocket.last().receive(WELCOME);
        client.focus('r2', 'c2');
        FakeSocket.last().serverClose(1006);
        await tick();
        FakeSocket.last().receive({ type: 'welcome', sheet: 'demo', version: 7, you: 'u-3', since: 7, users: [] });
        assert.deepEqual(FakeSocket.last().sent, [{ type: 'focus', row: 'r2', col: 'c2' }]);
        FakeSocket.last().serverClose(1006);
        await tick();
        FakeSocket.last().receive({ ...WELCOME, rows: [WELCOME.rows[0]] });
        assert.deepEqual(FakeSocket.last().sent, []);
    });

    test('a sheet id the server would refuse at the handshake is refused before connecting', () => {
        assert.equal(isValidId('demo_1-x'), true);
        assert.equal(isValidId('a b'), false);
        assert.equal(isValidId('x'.repeat(65)), false);
        assert.throws(() => new LiveGridClient('../etc', { location: PAGE, WebSocket: FakeSocket }), RangeError);
    });

    test('a handshake closed before it opened is asked about; a refusal is reported and ends the reconnecting', async () => {
        const reason = "Parameter 'name' must be at most 100 characters (Unicode code points) without control characters.";
        const { fetch, asked } = fakeFetch(() => ({ status: 400, body: reason + '\n' }));
        const { client, events, statuses } = startClient(fetch);
        FakeSocket.last().serverClose(1006);
        await tick();
        assert.deepEqual(asked, ['http://h:1/livegrid/sheets/demo?name=Alice']);
        const error = events.find((e) => e.type === 'error');
        assert.deepEqual([error.code, error.status, error.message], ['refused', 400, reason]);
        assert.equal(client.status, Status.CLOSED);
        assert.deepEqual(statuses(), ['connecting', 'reconnecting', 'closed']);
        await tick();
        assert.equal(FakeSocket.all.length, 1, 'no reconnect after a refusal');
    });

    test('a 403 (origin) is a refusal too', async () => {
        const { client } = startClient(fakeFetch(() => ({ status: 403, body: "Origin 'x' is not allowed" })).fetch);
        FakeSocket.last().serverClose(1006);
        await tick();
        assert.equal(client.status, Status.CLOSED);
    });

    test('no answer (server down) or a handshake that would pass is retried with back-off', async () => {
        let down = true;
        const { fetch, asked } = fakeFetch(() => {
            if (down) {
                throw new TypeError('fetch failed');
            }
            return { status: 426, body: 'This is a WebSocket endpoint and these parameters are valid' };
        });
        const delays = [];
        FakeSocket.all = [];
        const client = new LiveGridClient('demo', { location: PAGE, WebSocket: FakeSocket, fetch,
            backoff: (attempt) => { delays.push(attempt); return 0; } });
        client.connect();
        FakeSocket.last().serverClose(1006);
        await tick();
        assert.equal(FakeSocket.all.length, 2, 'retried after no answer');
        down = false;
        FakeSocket.last().serverClose(1006);
        await tick();
        assert.equal(FakeSocket.all.length, 3, 'retried after a 426: the refusal was not the parameters');
        assert.deepEqual(delays, [0, 1], 'the back-off grows');
        assert.equal(asked.length, 2);
        FakeSocket.last().receive(WELCOME);
        assert.equal(client.status, Status.OPEN);
    });

    test('a socket that opened and then dropped is not asked about', async () => {
        const { fetch, asked } = fakeFetch(() => ({ status: 400, body: 'never asked' }));
        const { client } = startClient(fetch);
        FakeSocket.last().open();
        FakeSocket.last().serverClose(1006);
        await tick();
        assert.deepEqual(asked, []);
        assert.equal(FakeSocket.all.length, 2);
        assert.equal(client.status, Status.RECONNECTING);
    });

    test('close() while asking why abandons the answer', async () => {
        let answer;
        const { fetch } = fakeFetch(() => new Promise((resolve) => { answer = resolve; }));
        const { client, events } = startClient(fetch);
        FakeSocket.last().serverClose(1006);
        await tick();
        client.close();
        answer({ status: 400, body: 'too late' });
        await tick();
        assert.equal(events.filter((e) => e.type === 'error').length, 0);
        assert.equal(FakeSocket.all.length, 1);
        assert.equal(client.status, Status.CLOSED);
    });

    test('the ask goes over https for a wss socket', () => {
        assert.equal(diagnosisUrl('wss://grid.example.com/livegrid/sheets/demo?name=A'),
            'https://grid.example.com/livegrid/sheets/demo?name=A');
        assert.equal(diagnosisUrl('ws://h:1/sheets/demo'), 'http://h:1/sheets/demo');
        assert.equal(diagnosisUrl('ws://h:1/sheets/demo?name=A&client=' + KEY + '&since=3'),
            'http://h:1/sheets/demo?name=A&since=3', 'the client key is not sent again');
    });

    test('an unreadable frame or a server error is reported, not thrown', () => {
        const { events } = startClient();
        FakeSocket.last().onmessage({ data: 'not json' });
        FakeSocket.last().receive({ type: 'error', code: 'bad-message', message: 'unknown type' });
        assert.deepEqual(events.filter((e) => e.type === 'error').map((e) => e.code), ['bad-server-message', 'bad-message']);
    });
});

// ---------------------------------------------------------------- signed in: tokens and roles

describe('LiveGridClient with a token', () => {
    const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.first';
    const FRESH = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.fresh';
    const SIGNED_IN = { ...WELCOME, you: 'ada', role: 'editor', users: [{ id: 'ada', name: 'Ada L.', focus: null }] };

    function signedIn(fetch) {
        return startClient(fetch, null, { token: TOKEN });
    }

    test('only editors and owners may change a sheet; no role at all is a server without access control', () => {
        assert.deepEqual(['viewer', 'editor', 'owner', 'none', null, undefined].map(canEdit),
            [false, true, true, false, true, true]);
    });

    test('the token goes in the socket URL as access_token; without a name there is no name parameter', () => {
        signedIn();
        assert.equal(FakeSocket.last().url, 'ws://h:1/livegrid/sheets/demo?client=' + KEY + '&access_token=' + TOKEN);
        assert.equal(sheetUrl(PAGE, 'demo', { token: 'a b' }), 'ws://h:1/livegrid/sheets/demo?access_token=a+b');
    });

    test('the role comes with the welcome (a resume welcome too) and changes with a role message or a new welcome', async () => {
        const { client, events } = signedIn();
        assert.equal(client.role, null);
        FakeSocket.last().receive(SIGNED_IN);
        assert.equal(client.role, 'editor');
        assert.equal(client.you, 'ada');
        FakeSocket.last().receive({ type: 'role', role: 'viewer' });
        assert.equal(client.role, 'viewer');
        assert.deepEqual(events.filter((e) => e.type === 'role').map((e) => e.role), ['viewer']);
        FakeSocket.last().serverClose(1006);
        await tick();
        FakeSocket.last().receive({ type: 'welcome', sheet: 'demo', version: 7, you: 'ada', role: 'owner', since: 7, users: [] });
        assert.equal(client.role, 'owner');
        assert.deepEqual(events.filter((e) => e.type === 'role').map((e) => e.role), ['viewer', 'owner'],
            'a role changed while reconnecting is announced too');
    });

    test('a refused handshake is asked about with the token in an Authorization header, not in the URL', async () => {
        const { fetch, asked, options } = fakeFetch(() => ({ status: 403, body: "User 'ada' has no access to sheet 'demo'." }));
        const { client, events } = signedIn(fetch);
        FakeSocket.last().serverClose(1006);
        await tick();
        assert.deepEqual(asked, ['http://h:1/livegrid/sheets/demo']);
        assert.equal(options[0].headers.Authorization, 'Bearer ' + TOKEN);
        const error = events.find((e) => e.type === 'error');
        assert.deepEqual([error.code, error.status], ['refused', 403]);
        assert.equal(client.status, Status.CLOSED);
    });

    test('401 (no token, or a refused one) ends the reconnecting; without a token no Authorization is sent', async () => {
        const { fetch, options } = fakeFetch(() => ({ status: 401, body: 'Not signed in: sign in: send a bearer token' }));
        const { client, events } = startClient(fetch);
        FakeSocket.last().serverClose(1006);
        await tick();
        await tick();
        assert.deepEqual(options[0].headers, {});
        assert.equal(events.find((e) => e.type === 'error').status, 401);
        assert.equal(client.status, Status.CLOSED);
        assert.equal(FakeSocket.all.length, 1, 'no reconnect loop');
    });

    for (const [code, reason] of [[4001, 'token expired'], [4003, 'access revoked']]) {
        test(code + ' (' + reason + ') stops for good: no reconnect loop', async () => {
            const { fetch, asked } = fakeFetch(() => ({ status: 426 }));
            const { client, events, statuses } = signedIn(fetch);
            FakeSocket.last().receive(SIGNED_IN);
            FakeSocket.last().serverClose(code, reason);
            await tick();
            await tick();
            assert.equal(FakeSocket.all.length, 1);
            assert.deepEqual(asked, []);
            assert.equal(client.status, Status.CLOSED);
            assert.deepEqual(statuses(), ['connecting', 'open', 'closed']);
            const error = events.find((e) => e.type === 'error');
            assert.deepEqual([error.closeCode, error.message], [code, reason]);
        });
    }

    test('a fresh token on an open connection is sent as auth, not by reconnecting; once accepted, reconnects use it', async () => {
        const { client, events } = signedIn();
        const socket = FakeSocket.last();
        socket.receive(SIGNED_IN);
        client.authenticate(FRESH);
        assert.deepEqual(socket.sent, [{ type: 'auth', token: FRESH }]);
        assert.equal(client.token, TOKEN, 'not before the server accepted it');
        socket.receive({ type: 'authenticated', expires: '2030-01-01T00:00:00Z' });
        assert.equal(client.token, FRESH);
        assert.deepEqual(events.filter((e) => e.type === 'authenticated').map((e) => e.expires), ['2030-01-01T00:00:00Z']);
        assert.equal(FakeSocket.all.length, 1);
        assert.equal(socket.closedWith, null);
        socket.serverClose(1006);
        await tick();
        assert.match(FakeSocket.last().url, new RegExp('access_token=' + FRESH.replace(/\./g, '\\.') + '&since=7'));
    });

    test('a fresh token the server refuses (bad-token) leaves the current one in use', async () => {
        const { client, events } = signedIn();
        FakeSocket.last().receive(SIGNED_IN);
        client.authenticate(FRESH);
        FakeSocket.last().receive({ type: 'error', code: 'bad-token', message: 'the token is for another user' });
        assert.equal(client.token, TOKEN);
        assert.equal(events.find((e) => e.type === 'error').code, 'bad-token');
        FakeSocket.last().serverClose(1006);
        await tick();
        assert.match(FakeSocket.last().url, /access_token=[^&]*\.first&/);
    });

    test('a fresh token handed over during the handshake goes out as auth right after the welcome', () => {
        const { client } = signedIn();
        client.authenticate(FRESH);
        assert.match(FakeSocket.last().url, /\.first/, 'this handshake has already gone out with the old token');
        FakeSocket.last().receive(SIGNED_IN);
        assert.deepEqual(FakeSocket.last().sent, [{ type: 'auth', token: FRESH }]);
    });

    test('after 4001 a fresh token and connect() resume where the page stopped, pending ops included', async () => {
        const { client } = signedIn();
        FakeSocket.last().receive(SIGNED_IN);
        const id = client.edit('r1', 'c1', 'unsaved');
        FakeSocket.last().serverClose(4001, 'token expired');
        await tick();
        client.authenticate(FRESH);
        client.connect();
        const socket = FakeSocket.last();
        assert.equal(FakeSocket.all.length, 2);
        assert.match(socket.url, /access_token=[^&]*\.fresh&since=7/);
        socket.receive({ type: 'welcome', sheet: 'demo', version: 7, you: 'ada', role: 'editor', since: 7, users: [] });
        assert.deepEqual(socket.sent.map((m) => m.id ?? m.type), [id], 'the edit is resent; no auth: the handshake had the token');
        assert.equal(client.status, Status.OPEN);
    });

    test('the token is in no event the client emits', async () => {
        const { fetch } = fakeFetch(() => ({ status: 401, body: 'Not signed in: the token was refused: Expired JWT' }));
        const { client, events } = signedIn(fetch);
        FakeSocket.last().receive(SIGNED_IN);
        client.authenticate(FRESH);
        FakeSocket.last().receive({ type: 'authenticated', expires: '2030-01-01T00:00:00Z' });
        FakeSocket.last().receive({ type: 'role', role: 'viewer' });
        FakeSocket.last().serverClose(1006);
        await tick();
        FakeSocket.last().serverClose(1006);
        await tick();
        const emitted = JSON.stringify(events);
        assert.ok(events.some((e) => e.type === 'error' && e.status === 401), emitted);
        assert.ok(!emitted.includes('.first') && !emitted.includes('.fresh'), emitted);
    });
});

describe('applyOp with a batch', () => {
    test('every sub-op is applied in order at the one version of the batch', () => {
        const before = frozen(base());
        const after = applyOp(before, { type: 'batch', ops: [
            { type: 'addColumn', col: 'c8-0', name: 'email', after: 'c2' },
            { type: 'insertRow', row: 'r8-1', after: 'r1', cells: { c1: 'Li', 'c8-0': 'li@x' } },
            { type: 'edit', row: 'r2', col: 'c2', value: '17' },
            { type: 'edit', row: 'r8-1', col: 'c2', value: '20' },
            { type: 'renameColumn', col: 'c1', name: 'Name' },
        ] }, 8);
        assert.equal(after.version, 8);
        assert.deepEqual(after.columns, [{ id: 'c1', name: 'Name' }, { id: 'c2', name: 'age' }, { id: 'c8-0', name: 'email' }]);
        assert.deepEqual(rowIds(after), ['r1', 'r8-1', 'r2']);
        assert.deepEqual(after.rows[1].cells, { c1: { value: 'Li', version: 8 }, 'c8-0': { value: 'li@x', version: 8 },
            c2: { value: '20', version: 8 } });
        assert.deepEqual(cellOf(after, 'r2', 'c2'), { value: '17', version: 8 });
        assert.equal(after.rows[0], before.rows[0], 'untouched rows are shared');
        assert.deepEqual(cellOf(before, 'r2', 'c2'), undefined, 'the frozen input is unchanged');
    });

    test('deletes, and sub-ops naming what an earlier sub-op removed, behave as one op after another', () => {
        const before = frozen(base());
        const after = applyOp(before, { type: 'batch', ops: [
            { type: 'deleteRow', row: 'r1' },
            { type: 'edit', row: 'r1', col: 'c1', value: 'gone' },
            { type: 'deleteColumn', col: 'c1' },
            { type: 'edit', row: 'r2', col: 'c1', value: 'gone' },
            { type: 'insertRow', row: 'r8-4', after: 'r1', cells: { c1: 'x', c2: 'y' } }, // after a deleted row: at the end
            { type: 'batch', ops: [{ type: 'deleteRow', row: 'r2' }] }, // nested batches are not ops
            { type: 'sortRows' },
        ] }, 8);
        assert.deepEqual(colIds(after), ['c2']);
        assert.deepEqual(after.rows, [{ id: 'r2', cells: {} }, { id: 'r8-4', cells: { c2: { value: 'y', version: 8 } } }]);
        assert.deepEqual(rowIds(before), ['r1', 'r2']);
    });

    test('inserts after the same row or after each other keep the order they would have one by one', () => {
        const ops = [
            { type: 'insertRow', row: 'a', after: 'r1' },
            { type: 'insertRow', row: 'b', after: 'r1' },
            { type: 'insertRow', row: 'c', after: 'a' },
            { type: 'insertRow', row: 'd', after: null },
            { type: 'insertRow', row: 'e', after: 'zz' },
            { type: 'deleteRow', row: 'a' },
            { type: 'insertRow', row: 'f', after: 'e' },
        ];
        const state = frozen(base());
        const one = ops.reduce((s, op) => applyOp(s, op, 8), state);
        const all = applyOp(state, { type: 'batch', ops }, 8);
        assert.deepEqual(rowIds(all), ['d', 'r1', 'b', 'c', 'r2', 'e', 'f']);
        assert.deepEqual(all.rows, one.rows);
    });

    test('an empty batch, or one of sub-ops that change nothing, only advances the version', () => {
        const before = frozen(base());
        assert.deepEqual(applyOp(before, { type: 'batch', ops: [] }, 8), { ...before, version: 8 });
        const noop = applyOp(before, { type: 'batch', ops: [{ type: 'edit', row: 'zz', col: 'c1', value: 'x' },
            { type: 'deleteColumn', col: 'zz' }, { type: 'insertRow', row: 'r1', after: null }] }, 8);
        assert.equal(noop.rows, before.rows);
        assert.equal(noop.columns, before.columns);
        assert.equal(applyOp(before, { type: 'batch' }, 8).version, 8, 'a batch without ops does not throw');
    });

    test('random batches give the same table as their sub-ops one by one, without touching the frozen input', () => {
        for (let seed = 1; seed <= 200; seed++) {
            const next = random(seed);
            const pick = (list) => list[Math.floor(next() * list.length)];
            let state = base();
            for (let version = 8; version < 12; version++) {
                const ops = [];
                const rows = rowIds(state);
                const cols = colIds(state);
                const made = [];
                for (let k = 0; k < 1 + Math.floor(next() * 12); k++) {
                    const anyRow = () => pick([...rows, ...made, 'zz']);
                    const anyCol = () => pick([...cols, ...made, 'zz']);
                    const kind = next();
                    if (kind < 0.4) {
                        ops.push({ type: 'edit', row: anyRow(), col: anyCol(), value: pick(['a', 'b', null]) });
                    } else if (kind < 0.55) {
                        const id = 'r' + version + '-' + k;
                        made.push(id);
                        ops.push({ type: 'insertRow', row: id, after: pick([null, anyRow()]), cells: { [anyCol()]: 'n' } });
                    } else if (kind < 0.65) {
                        ops.push({ type: 'deleteRow', row: anyRow() });
                    } else if (kind < 0.75) {
                        const id = 'c' + version + '-' + k;
                        made.push(id);
                        ops.push({ type: 'addColumn', col: id, name: 'n' + k, after: pick([null, anyCol()]) });
                    } else if (kind < 0.85) {
                        ops.push({ type: 'renameColumn', col: anyCol(), name: 'x' + k });
                    } else {
                        ops.push({ type: 'deleteColumn', col: anyCol() });
                    }
                }
                const before = frozen(structuredClone(state));
                const one = ops.reduce((s, op) => applyOp(s, op, version), before);
                const all = applyOp(before, { type: 'batch', ops }, version);
                assert.deepEqual(all, one, 'seed ' + seed + ' version ' + version + ' ops ' + JSON.stringify(ops));
                state = all;
            }
        }
    });

    test('5,000 edits on 10,000 rows × 20 columns: one new row per touched row, the rest shared', () => {
        const columns = Array.from({ length: 20 }, (_, c) => ({ id: 'c' + c, name: 'column ' + c }));
        const rows = Array.from({ length: 10000 }, (_, r) => ({
            id: 'r' + r, cells: Object.fromEntries(columns.map((column) => [column.id, { value: r + '/' + column.id, version: 1 }])),
        }));
        const before = frozen({ ...emptyState(), version: 1, columns, rows });
        const ops = Array.from({ length: 5000 }, (_, i) => ({
            type: 'edit', row: 'r' + (i * 7 % 10000), col: 'c' + (i % 20), value: 'v' + i,
        }));
        const after = applyOp(before, { type: 'batch', ops }, 2);
        assert.equal(after.rows.length, 10000);
        const byId = new Map(after.rows.map((row) => [row.id, row]));
        for (const op of ops) {
            assert.deepEqual(byId.get(op.row).cells[op.col], { value: op.value, version: 2 });
        }
        const touched = new Set(ops.map((op) => op.row));
        after.rows.forEach((row, index) => {
            assert.equal(row.id, 'r' + index);
            assert.equal(row === before.rows[index], !touched.has(row.id));
            assert.equal(Object.keys(row.cells).length, 20);
        });
        assert.deepEqual(cellOf(after, 'r1', 'c0'), { value: '1/c0', version: 1 });
        assert.deepEqual(cellOf(before, 'r0', 'c0'), { value: '0/c0', version: 1 });
    });

    test('a batch that inserts and deletes thousands of rows builds the order once', () => {
        const before = frozen({ ...emptyState(), version: 1, columns: [{ id: 'c', name: 'c' }],
            rows: Array.from({ length: 10000 }, (_, r) => ({ id: 'r' + r, cells: {} })) });
        const ops = [];
        for (let i = 0; i < 5000; i++) {
            ops.push({ type: 'deleteRow', row: 'r' + (2 * i) });
            ops.push({ type: 'insertRow', row: 'n' + i, after: i === 0 ? 'r9999' : 'n' + (i - 1), cells: { c: String(i) } });
        }
        const after = applyOp(before, { type: 'batch', ops }, 2);
        assert.equal(after.rows.length, 10000);
        assert.deepEqual(rowIds(after).slice(0, 3), ['r1', 'r3', 'r5']);
        assert.deepEqual(rowIds(after).slice(4999, 5002), ['r9999', 'n0', 'n1']);
        assert.deepEqual(after.rows[9999], { id: 'n4999', cells: { c: { value: '4999', version: 2 } } });
    });
});

// ---------------------------------------------------------------- batches, conditional deletes, undo's needs

describe('LiveGridClient batches', () => {
    test('batch, submit and conditional deletes go out in the wire shape, pending like any op', () => {
        const { client } = startClient();
        FakeSocket.last().receive(WELCOME);
        const ops = [{ type: 'insertRow', after: 'r2', cells: { c1: 'x' } }, { type: 'insertRow', after: '$0' }];
        const ids = [
            client.batch(ops), client.deleteRow('r1', { base: 7 }), client.deleteColumn('c2', { base: 3 }),
            client.deleteRow('r2', {}), client.submit({ type: 'edit', row: 'r1', col: 'c1', value: 'y', base: 3 }),
            client.submit({ type: 'batch', ops: [{ type: 'deleteRow', row: 'r2', base: 5 }] }),
        ];
        assert.deepEqual(FakeSocket.last().sent.map(({ id, ...rest }) => rest), [
            { type: 'batch', ops }, { type: 'deleteRow', row: 'r1', base: 7 }, { type: 'deleteColumn', col: 'c2', base: 3 },
            { type: 'deleteRow', row: 'r2' }, { type: 'edit', row: 'r1', col: 'c1', value: 'y', base: 3 },
            { type: 'batch', ops: [{ type: 'deleteRow', row: 'r2', base: 5 }] },
        ]);
        assert.deepEqual(client.pending.map((op) => op.id), ids);
        assert.throws(() => client.batch([]), RangeError);
        assert.throws(() => client.submit({ type: 'focus', row: 'r1', col: 'c1' }), RangeError);
    });

    test('a pending batch that edits a cell takes its base away, as a pending edit does, until it is acknowledged', () => {
        const { client } = startClient();
        FakeSocket.last().receive(WELCOME);
        const id = client.batch([{ type: 'edit', row: 'r1', col: 'c2', value: 'a', base: 1 },
            { type: 'insertRow', after: 'r2', cells: { c1: 'b' } }]);
        assert.equal(client.baseFor('r1', 'c2'), undefined, 'the batch may still be applied first');
        assert.equal(client.baseFor('r1', 'c1'), 3, 'a cell the batch does not write keeps its base');
        FakeSocket.last().receive(applied(8, { type: 'batch', ops: [{ type: 'edit', row: 'r1', col: 'c2', value: 'a' },
            { type: 'insertRow', row: 'r8-1', after: 'r2', cells: { c1: 'b' } }] }, id));
        assert.equal(client.baseFor('r1', 'c2'), 8);
        assert.equal(client.cell('r8-1', 'c1').value, 'b');
    });

    test('the applied event carries the state before it, and a welcome says whether it kept the table', async () => {
        const { client, events } = startClient();
        FakeSocket.last().receive(WELCOME);
        const welcomeState = client.state;
        FakeSocket.last().receive(applied(8, { type: 'edit', row: 'r1', col: 'c2', value: '19' }));
        const event = events.find((e) => e.type === 'applied');
        assert.equal(event.stateBefore, welcomeState);
        assert.equal(event.stateBefore.rows[0].cells.c2.value, '18');
        assert.deepEqual(events.filter((e) => e.type === 'state').map((e) => [e.cause, e.resumed]),
            [['welcome', false], ['applied', undefined]]);
        FakeSocket.last().serverClose(1006);
        await tick();
        FakeSocket.last().receive({ type: 'welcome', sheet: 'demo', version: 8, you: 'u-1', since: 8, users: [] });
        assert.deepEqual(events.filter((e) => e.type === 'state').at(-1).resumed, true);
    });

    test('a held batch loses the edits a newer op of the client has since sent to their cells, renumbering its $k', async () => {
        const { client, events } = startClient();
        const socket = FakeSocket.last();
        socket.receive(WELCOME);
        const paste = client.batch([
            { type: 'edit', row: 'r1', col: 'c1', value: 'old', base: 3 },
            { type: 'insertRow', after: 'r2', cells: { c1: 'new row' } },
            { type: 'edit', row: 'r2', col: 'c1', value: 'kept', base: 5 },
            { type: 'insertRow', after: '$1' },
        ]);
        const newer = client.edit('r1', 'c1', 'typed later');
        socket.receive({ type: 'rejected', id: paste, code: 'rate-limited', message: 'busy' });
        await tick();
        assert.deepEqual(socket.sent.at(-1), { type: 'batch', id: paste, ops: [
            { type: 'insertRow', after: 'r2', cells: { c1: 'new row' } },
            { type: 'edit', row: 'r2', col: 'c1', value: 'kept', base: 5 },
            { type: 'insertRow', after: '$0' },
        ] });
        assert.deepEqual(client.pending.map((op) => op.id), [newer, paste]);
        assert.equal(events.filter((e) => e.type === 'rejected').length, 0);

        const only = client.batch([{ type: 'edit', row: 'r2', col: 'c2', value: 'a' }]);
        client.edit('r2', 'c2', 'b');
        socket.receive({ type: 'rejected', id: only, code: 'rate-limited', message: 'busy' });
        await tick();
        assert.equal(client.pending.some((op) => op.id === only), false, 'nothing of it left to send');
    });

    test('withoutSubOps renumbers references in row, col, after and cell keys', () => {
        const batch = { type: 'batch', ops: [
            { type: 'edit', row: 'r1', col: 'c1', value: 'x' }, { type: 'addColumn', name: 'n', after: 'c1' },
            { type: 'insertRow', after: 'r1', cells: { $1: 'v', c1: 'w' } }, { type: 'edit', row: '$2', col: '$1', value: 'z' },
        ] };
        assert.deepEqual(withoutSubOps(batch, new Set([0])).ops, [
            { type: 'addColumn', name: 'n', after: 'c1' }, { type: 'insertRow', after: 'r1', cells: { $0: 'v', c1: 'w' } },
            { type: 'edit', row: '$1', col: '$0', value: 'z' },
        ]);
        assert.equal(withoutSubOps({ type: 'batch', ops: [batch.ops[0]] }, new Set([0])), null);
    });

    test('opSize counts as the server does: 48 per op, 16 per inserted cell, text in UTF-8', () => {
        assert.equal(opSize({ type: 'edit', row: 'r1', col: 'c1', value: 'é' }).applied, 48 + 2);
        assert.equal(opSize({ type: 'insertRow', cells: { c1: 'ab', c2: null } }).applied, 48 + 16 + 2 + 16);
        const batch = { type: 'batch', ops: [{ type: 'addColumn', name: 'Name' }, { type: 'deleteRow', row: 'r1' },
            { type: 'edit', row: 'r1', col: 'c1', value: '😀' }] };
        assert.equal(opSize(batch).applied, 48 + (48 + 4) + 48 + (48 + 4));
        const frame = opSize(batch).frame;
        assert.ok(frame > JSON.stringify(batch).length && frame < JSON.stringify(batch).length + 200);
        const big = { type: 'batch', ops: Array.from({ length: 1000 }, () => ({ type: 'insertRow', cells: { c1: 'x'.repeat(500) } })) };
        assert.ok(opSize(big).applied > MAX_OP_BYTES);
    });
});
