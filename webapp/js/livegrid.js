// LiveGrid client: keeps one sheet in sync with the server over /sheets/{sheetId} (docs/PROTOCOL.md).
// No DOM and no dependencies, so it runs in browsers and under `node --test` alike.
//
// The state is only ever changed by the server's word: a `welcome` replaces or keeps it, and each
// `applied` message goes through applyOp in strict version order. Local ops wait in `pending`
// until their own `applied` (the ack, matched by op id) or `rejected` comes back; after every
// reconnect they are resent with the same id, and the server answers an op it already applied
// with the original `applied` instead of applying it again.

/** What the `status` event reports. */
export const Status = Object.freeze({
    CONNECTING: 'connecting', OPEN: 'open', RECONNECTING: 'reconnecting', CLOSED: 'closed',
});

/** Close code: the connection's token expired (send a fresh one with `authenticate` before that). */
export const TOKEN_EXPIRED = 4001;
/** Close code: the user's access to the sheet was revoked (or they have none). */
export const ACCESS_REVOKED = 4003;
/**
 * Close codes after which reconnecting cannot help: no such sheet, policy (origin, auth), an expired
 * token (the same token would be refused), revoked access.
 */
const FINAL_CLOSE_CODES = new Set([4004, 1008, TOKEN_EXPIRED, ACCESS_REVOKED]);
/** What a browser reports for a handshake that failed, whether refused or never answered. */
const ABNORMAL = 1006;
/**
 * Answers to "why was my handshake refused?" (docs/PROTOCOL.md §1) that retrying cannot change:
 * bad parameters, no or a refused token, no role on the sheet (or a foreign origin).
 */
const REFUSED_STATUSES = new Set([400, 401, 403]);
/** The query parameter a browser sends its token in: it cannot set headers on a WebSocket handshake. */
const TOKEN_PARAMETER = 'access_token';
/** The server's limit on a display name, in code points (docs/PROTOCOL.md §7.1). */
export const MAX_NAME_LENGTH = 100;
/** Close code for a message over the server's size limit. */
const TOO_BIG = 1009;

/** Back-off before reconnect attempt n (from 0): 0.5 s doubling up to 10 s, then jittered. */
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 10000;
/** Ops sent again at once after a `rate-limited` pause: a few, so a long queue does not earn refusals again at once. */
const RETRY_BATCH = 32;

/** A cell as one Map key. */
function cellKey(row, col) {
    return row + ' ' + col;
}

/** The ops a client may send (PROTOCOL §7.3), focus and the rest aside. */
const OP_TYPES = new Set(['edit', 'insertRow', 'deleteRow', 'addColumn', 'renameColumn', 'deleteColumn', 'batch']);

/** `{base}` from an options object that has one (a number), else nothing. */
function baseOf(options) {
    return options && options.base !== undefined && options.base !== null ? { base: options.base } : {};
}

/** Op ids and sheet ids alike: short strings of these characters. */
const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** True for a valid sheet, row, column or op id. */
export function isValidId(id) {
    return typeof id === 'string' && ID.test(id);
}

/**
 * Why the server would refuse this display name at the handshake, or null when it would accept it (an
 * absent or blank name is accepted: the server calls it Guest). Characters are counted as code points,
 * as the server counts them: an emoji is one character, not two UTF-16 units.
 */
export function nameProblem(name) {
    const trimmed = (name ?? '').trim();
    if (/\p{Cc}/u.test(trimmed)) {
        return 'A name may not contain control characters.';
    }
    const length = Array.from(trimmed).length;
    return length <= MAX_NAME_LENGTH ? null
        : 'A name is at most ' + MAX_NAME_LENGTH + ' characters; this one has ' + length + '.';
}

/** Whether a role lets its holder change the sheet; null (a server without access control) does. */
export function canEdit(role) {
    return role === null || role === undefined || role === 'editor' || role === 'owner';
}

/**
 * The plain HTTP URL that answers why a handshake of this WebSocket URL would be refused: the same
 * URL, without the client's key (not needed for the answer, so not sent once more) and without the
 * token, which goes in an `Authorization` header instead.
 */
export function diagnosisUrl(webSocketUrl) {
    const url = new URL(webSocketUrl.replace(/^ws(s?):/, 'http$1:'));
    url.searchParams.delete('client');
    url.searchParams.delete(TOKEN_PARAMETER);
    return url.toString();
}

// ---------------------------------------------------------------- pure functions (tested alone)

/** The server's default limit on one frame from a client (`max-message-size`, PROTOCOL §2). */
export const MAX_FRAME_BYTES = 1024 * 1024;
/** The server's default limit on one op as applied: half of `outbox-limit` (PROTOCOL §7.3). */
export const MAX_OP_BYTES = 512 * 1024;

const UTF8 = new TextEncoder();

/**
 * How large an op (as sent, without id) is against the server's two limits: `frame`, the bytes of its
 * message in UTF-8 (with a generous allowance for the id), and `applied`, the server's own estimate of
 * it as applied (PROTOCOL §7.3: its text in UTF-8, plus 48 bytes per op and 16 per inserted cell). A
 * page checks both before sending, rather than sending an op the server can only refuse.
 * @returns {{frame: number, applied: number}}
 */
export function opSize(op) {
    return { frame: UTF8.encode(JSON.stringify(op)).length + 100, applied: appliedSize(op) };
}

function appliedSize(op) {
    const text = (value) => (typeof value === 'string' ? UTF8.encode(value).length : 0);
    switch (op?.type) {
    case 'edit':
        return 48 + text(op.value);
    case 'insertRow':
        return 48 + Object.values(op.cells || {}).reduce((sum, value) => sum + 16 + text(value), 0);
    case 'addColumn':
    case 'renameColumn':
        return 48 + text(op.name);
    case 'batch':
        return 48 + (op.ops || []).reduce((sum, sub) => sum + appliedSize(sub), 0);
    default:
        return 48;
    }
}

/**
 * The cells an op writes that the client can name now: edits of existing cells, in a batch too (`$k`
 * rows and columns do not exist yet, so nothing can be pending on them). As "row col" keys.
 */
function cellsWritten(op) {
    const ops = op.type === 'batch' ? op.ops || [] : [op];
    return ops.filter((sub) => sub?.type === 'edit' && !isReference(sub.row) && !isReference(sub.col))
        .map((sub) => cellKey(sub.row, sub.col));
}

/** A `$k` reference of a batch to what its op k creates. */
function isReference(id) {
    return typeof id === 'string' && id.startsWith('$');
}

/**
 * The batch without its sub-ops at `dropped` (a Set of indices, of edits only: they create nothing, so
 * no reference points at them), its `$k` references renumbered to match; null if no sub-op is left.
 */
export function withoutSubOps(batch, dropped) {
    const renumber = new Map();
    const kept = [];
    batch.ops.forEach((sub, index) => {
        if (!dropped.has(index)) {
            renumber.set(index, kept.length);
            kept.push(sub);
        }
    });
    if (kept.length === 0) {
        return null;
    }
    const ref = (id) => (isReference(id) && renumber.has(Number(id.slice(1))) ? '$' + renumber.get(Number(id.slice(1))) : id);
    const ops = kept.map((sub) => {
        const copy = { ...sub };
        for (const field of ['row', 'col', 'after']) {
            if (field in copy) {
                copy[field] = ref(copy[field]);
            }
        }
        if (copy.cells) {
            copy.cells = Object.fromEntries(Object.entries(copy.cells).map(([col, value]) => [ref(col), value]));
        }
        return copy;
    });
    return { ...batch, ops };
}


/** The WebSocket URL of a sheet beside the page: ws(s), same host, the page's directory (keeps a WAR context root). */
export function sheetUrl(location, sheetId, { name, client, token, since, incarnation } = {}) {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const directory = location.pathname.substring(0, location.pathname.lastIndexOf('/') + 1);
    const query = new URLSearchParams();
    if (name) {
        query.set('name', name);
    }
    if (client) {
        query.set('client', client);
    }
    if (token) {
        query.set(TOKEN_PARAMETER, token);
    }
    if (since !== undefined && since !== null) {
        query.set('since', String(since));
        // A resume names the sheet's incarnation: a sheet deleted and created again reuses versions.
        if (incarnation) {
            query.set('incarnation', incarnation);
        }
    }
    const search = query.toString();
    return scheme + '//' + location.host + directory + 'sheets/' + encodeURIComponent(sheetId)
        + (search ? '?' + search : '');
}

/** Milliseconds to wait before reconnect attempt `attempt`; half fixed, half random so clients spread out. */
export function backoffDelay(attempt, random = Math.random) {
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** attempt);
    return ceiling / 2 + random() * ceiling / 2;
}

/** The empty state, before any welcome. `version` null means "never joined": the next join is fresh. */
export function emptyState() {
    return { sheet: null, incarnation: null, version: null, you: null, role: null, columns: [], rows: [], users: [] };
}

/** The state a full welcome describes (copied, so later changes never alias the message). */
export function stateFromWelcome(welcome) {
    return {
        sheet: welcome.sheet,
        incarnation: welcome.incarnation ?? null,
        version: welcome.version,
        you: welcome.you,
        role: welcome.role ?? null,
        columns: (welcome.columns || []).map((column) => ({ id: column.id, name: column.name })),
        rows: (welcome.rows || []).map((row) => ({ id: row.id, cells: copyCells(row.cells) })),
        users: usersFrom(welcome.users),
    };
}

/** A welcome's user list, each with `focus` (null: on no cell; the server leaves it out then). */
function usersFrom(users) {
    return (users || []).map((user) => ({ id: user.id, name: user.name, focus: user.focus ?? null }));
}

/**
 * Who is here after a `presence` message: its changes applied to `users` (a new array; order kept,
 * a newcomer last). `left` user ids go, `joined` users are added or replace the entry of the same id
 * (a new name), `moved` ones get their new `focus`. A message with a whole `users` list (servers
 * before presence changes) replaces it.
 */
export function applyPresence(users, presence) {
    if (Array.isArray(presence.users)) {
        return usersFrom(presence.users);
    }
    const byId = new Map(users.map((user) => [user.id, user]));
    for (const id of presence.left || []) {
        byId.delete(id);
    }
    for (const user of usersFrom(presence.joined)) {
        byId.set(user.id, user);
    }
    for (const { id, focus } of presence.moved || []) {
        const user = byId.get(id);
        if (user) {
            byId.set(id, { ...user, focus: focus ?? null });
        }
    }
    return [...byId.values()];
}

/** True when a welcome only resumes (it answers `since` and carries no table). */
export function isResumeWelcome(welcome) {
    return welcome.since !== undefined && welcome.since !== null && welcome.columns == null && welcome.rows == null;
}

/**
 * Where an `applied` message stands relative to the last version applied:
 * 'apply' (the next one, or later with every version in between listed in `skipped`, whatever its op),
 * 'stale' (already applied: a replay or a re-ack of a resent op), or
 * 'gap' (versions are missing: the client is out of sync and must resume).
 */
export function sequenceOf(lastVersion, applied) {
    if (applied.version <= lastVersion) {
        return 'stale';
    }
    const skipped = new Set(applied.skipped || []);
    for (let missing = lastVersion + 1; missing < applied.version; missing++) {
        if (!skipped.has(missing)) {
            return 'gap';
        }
    }
    return 'apply';
}

/**
 * The state after `op` was applied as `version`. Pure: `state` is not changed.
 * Ops on rows or columns this state does not have change nothing but the version, so a late or
 * odd message can never throw; unknown op types are skipped the same way (the protocol grows additively).
 * A `batch` applies its sub-ops in order, all at `version`, with the same result as applying them one
 * by one, but in one pass: each touched row is copied once and the rows array is built once.
 */
export function applyOp(state, op, version) {
    const change = OP_APPLIERS[op.type];
    return { ...state, ...(change ? change(state, op, version) : {}), version };
}

const OP_APPLIERS = {
    edit(state, op, version) {
        if (!hasId(state.columns, op.col)) {
            return {};
        }
        return {
            rows: state.rows.map((row) => row.id !== op.row ? row
                : { id: row.id, cells: { ...row.cells, [op.col]: { value: op.value, version } } }),
        };
    },
    insertRow(state, op, version) {
        if (hasId(state.rows, op.row)) {
            return {};
        }
        const cells = {};
        for (const [col, value] of Object.entries(op.cells || {})) {
            if (hasId(state.columns, col)) {
                cells[col] = { value, version };
            }
        }
        return { rows: insertAfter(state.rows, { id: op.row, cells }, op.after) };
    },
    deleteRow(state, op) {
        return { rows: state.rows.filter((row) => row.id !== op.row) };
    },
    addColumn(state, op) {
        if (hasId(state.columns, op.col)) {
            return {};
        }
        return { columns: insertAfter(state.columns, { id: op.col, name: op.name }, op.after) };
    },
    renameColumn(state, op) {
        return {
            columns: state.columns.map((column) => column.id === op.col ? { id: column.id, name: op.name } : column),
        };
    },
    deleteColumn(state, op) {
        if (!hasId(state.columns, op.col)) {
            return {};
        }
        return {
            columns: state.columns.filter((column) => column.id !== op.col),
            rows: state.rows.map((row) => {
                const { [op.col]: dropped, ...cells } = row.cells;
                return { id: row.id, cells };
            }),
        };
    },
    batch(state, op, version) {
        return applyBatch(state, Array.isArray(op.ops) ? op.ops : [], version);
    },
};

/**
 * A batch's sub-ops (applied form: real ids, no `$k`) in order at one version. Applying the single-op
 * code once per sub-op would copy the whole rows array per sub-op (a 5,000-cell paste on a 10,000-row
 * sheet: 50 million row references), so the rows live in a Map while the batch runs, a row is copied the
 * first time a sub-op changes it and changed in place after that (the copy belongs to this batch), and the
 * order is a linked list only if rows are inserted or deleted. Sub-ops that name unknown rows or columns,
 * unknown types and nested batches change nothing, as single ops do.
 */
function applyBatch(state, ops, version) {
    let columns = state.columns;
    const columnIds = new Set(columns.map((column) => column.id));
    const rows = new Map(state.rows.map((row) => [row.id, row]));
    const owned = new Set(); // ids of rows copied (or created) by this batch: safe to change in place
    let order = null; // RowOrder, once a sub-op inserts or deletes a row
    let rowsChanged = false;
    const own = (row) => {
        if (owned.has(row.id)) {
            return row;
        }
        const copy = { id: row.id, cells: { ...row.cells } };
        rows.set(row.id, copy);
        owned.add(row.id);
        rowsChanged = true;
        return copy;
    };
    const appliers = {
        edit(op) {
            const row = rows.get(op.row);
            if (row && columnIds.has(op.col)) {
                own(row).cells[op.col] = { value: op.value, version };
            }
        },
        insertRow(op) {
            if (rows.has(op.row)) {
                return;
            }
            const cells = {};
            for (const [col, value] of Object.entries(op.cells || {})) {
                if (columnIds.has(col)) {
                    cells[col] = { value, version };
                }
            }
            order ??= new RowOrder(rows.keys());
            order.insertAfter(op.row, op.after);
            rows.set(op.row, { id: op.row, cells });
            owned.add(op.row);
            rowsChanged = true;
        },
        deleteRow(op) {
            if (rows.has(op.row)) {
                order ??= new RowOrder(rows.keys()); // until a row is inserted the Map's order is the table's
                order.remove(op.row);
                rows.delete(op.row);
                rowsChanged = true;
            }
        },
        addColumn(op) {
            if (!columnIds.has(op.col)) {
                columns = insertAfter(columns, { id: op.col, name: op.name }, op.after);
                columnIds.add(op.col);
            }
        },
        renameColumn(op) {
            if (columnIds.has(op.col)) {
                columns = columns.map((column) => column.id === op.col ? { id: column.id, name: op.name } : column);
            }
        },
        deleteColumn(op) {
            if (!columnIds.delete(op.col)) {
                return;
            }
            columns = columns.filter((column) => column.id !== op.col);
            for (const row of rows.values()) {
                if (op.col in row.cells) {
                    delete own(row).cells[op.col];
                }
            }
        },
    };
    for (const op of ops) {
        if (op && Object.hasOwn(appliers, op.type)) {
            appliers[op.type](op);
        }
    }
    const change = {};
    if (columns !== state.columns) {
        change.columns = columns;
    }
    if (rowsChanged) {
        change.rows = order ? Array.from(order, (id) => rows.get(id)) : state.rows.map((row) => rows.get(row.id));
    }
    return change;
}

/**
 * Row ids in table order as a doubly linked list: a batch inserts and deletes rows in O(1) each, and the
 * array is built once at the end. insertAfter places like the array helper insertAfter: null or
 * undefined → first, an unknown id → last.
 */
class RowOrder {
    #next = new Map(); // id → the id after it (null: last)
    #previous = new Map(); // id → the id before it (null: first)
    #first = null;
    #last = null;

    constructor(ids) {
        for (const id of ids) {
            this.#link(id, this.#last);
        }
    }

    insertAfter(id, afterId) {
        this.#link(id, afterId === null || afterId === undefined ? null : this.#next.has(afterId) ? afterId : this.#last);
    }

    remove(id) {
        if (!this.#next.has(id)) {
            return;
        }
        const before = this.#previous.get(id);
        const after = this.#next.get(id);
        if (before === null) {
            this.#first = after;
        } else {
            this.#next.set(before, after);
        }
        if (after === null) {
            this.#last = before;
        } else {
            this.#previous.set(after, before);
        }
        this.#next.delete(id);
        this.#previous.delete(id);
    }

    /** Puts `id` right after `before` (null: at the start). */
    #link(id, before) {
        const after = before === null ? this.#first : this.#next.get(before);
        this.#previous.set(id, before);
        this.#next.set(id, after);
        if (before === null) {
            this.#first = id;
        } else {
            this.#next.set(before, id);
        }
        if (after === null) {
            this.#last = id;
        } else {
            this.#previous.set(after, id);
        }
    }

    *[Symbol.iterator]() {
        for (let id = this.#first; id !== null; id = this.#next.get(id)) {
            yield id;
        }
    }
}

/** A copy of `list` with `item` after the element whose id is `afterId`; null/undefined → first; unknown → last. */
function insertAfter(list, item, afterId) {
    if (afterId === null || afterId === undefined) {
        return [item, ...list];
    }
    const index = list.findIndex((element) => element.id === afterId);
    return index < 0 ? [...list, item] : [...list.slice(0, index + 1), item, ...list.slice(index + 1)];
}

function hasId(list, id) {
    return list.some((element) => element.id === id);
}

function copyCells(cells) {
    const copy = {};
    for (const [col, cell] of Object.entries(cells || {})) {
        copy[col] = { value: cell.value, version: cell.version };
    }
    return copy;
}

/** A random prefix for op ids, unique enough that two pages never collide in the server's de-duplication. */
/**
 * This client's secret key: 16 random bytes in base64url. The server derives the user id others see
 * from it and recognises resent ops by it, so it is kept for the client's life and never shown.
 */
function randomKey() {
    const bytes = new Uint8Array(16);
    globalThis.crypto.getRandomValues(bytes);
    return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomPrefix() {
    const bytes = new Uint8Array(6);
    globalThis.crypto.getRandomValues(bytes);
    return Array.from(bytes, (byte) => (byte % 36).toString(36)).join('');
}

// ---------------------------------------------------------------- the client

/**
 * One sheet's live connection.
 *
 * Events (CustomEvent, data in `detail`):
 * - `status`   {status}               connecting → open ⇄ reconnecting → closed
 * - `state`    {state, cause, resumed} after a welcome ('welcome'; resumed: it kept the table, else the
 *                                     table was replaced) or an applied op ('applied')
 * - `applied`  {...message, mine, stateBefore}  every applied op, in version order (mine: acks an op of
 *                                     this client; stateBefore: the state it was applied to, for undo)
 * - `rejected` {...message, op}       one of this client's ops was refused (op: what was sent); never for
 *                                     `rate-limited`: such an op stays pending and is sent again after a pause
 * - `presence` {users}                who is here, after each change (a user's several tabs are one entry)
 * - `pending`  {pending}              the unacknowledged ops changed
 * - `role`     {role}                 the user's role on the sheet changed (an owner changed the access list, or
 *                                     a fresh token grants another role), live or while reconnecting
 * - `authenticated` {expires}         the server accepted a fresh token (see authenticate); `token` is now it
 * - `error`    {code, message, ...}   a server `error` (code 'bad-token': a fresh token was refused, the
 *                                     connection keeps its current one), a final close (closeCode: 4001 token
 *                                     expired, 4003 access revoked, 4004, 1008), a refused handshake (code
 *                                     'refused', status: the server's answer — 401 not signed in, 403 no
 *                                     access; the client stops), or an unreadable frame
 */
export class LiveGridClient extends EventTarget {
    #sheet;
    #name;
    #token;
    #socketToken = null; // the token the current socket's handshake sent
    #offeredTokens = []; // fresh tokens sent on the current socket and not yet answered, oldest first
    #location;
    #WebSocket;
    #delay;
    #idPrefix = randomPrefix();
    #clientKey;
    #nextId = 1;
    #state = emptyState();
    #pending = new Map(); // op id → the message as sent; Map keeps send order for resending
    #held = new Set(); // ids of pending ops not on the wire: refused as rate-limited, or submitted after such a refusal
    #newestEdit = new Map(); // "row col" → id of the newest op (edit, or batch editing it) submitted to that cell
    #rowIndex = { rows: null, byId: new Map() }; // row id → row, for the rows array it was built from
    #retryTimer = null;
    #retryAttempt = 0;
    #focus = null;
    #status = Status.CLOSED;
    #socket = null;
    #joined = false; // the current socket has had its welcome: ops may be sent
    #welcomeVersion = -1; // the version the current socket's welcome announced; later ones are live
    #fetch;
    #attempt = 0;
    #timer = null;
    #stopped = true;
    #asking = null; // the pending question why a handshake was refused; a newer attempt abandons it

    /**
     * @param sheet    the sheet id
     * @param options  name: display name (ignored by a server that authenticates); token: a bearer token
     *                 (JWT), sent as the access_token query parameter of every handshake;
     *                 location: where the page is (default globalThis.location);
     *                 WebSocket: constructor (default globalThis.WebSocket); backoff: (attempt) → ms;
     *                 fetch: for asking why a handshake was refused (default globalThis.fetch);
     *                 clientKey: this client's secret key (default 16 random bytes; 16-64 [A-Za-z0-9_-])
     */
    constructor(sheet, { name, token, location = globalThis.location, WebSocket = globalThis.WebSocket,
        backoff = backoffDelay, fetch = (url, init) => globalThis.fetch(url, init), clientKey = randomKey() } = {}) {
        super();
        // The server refuses a bad sheet id or name at the handshake, which a browser only sees as close
        // 1006: what can be known here is refused here instead.
        if (!isValidId(sheet)) {
            throw new RangeError('a sheet id is 1-64 characters [A-Za-z0-9_-]');
        }
        const problem = nameProblem(name);
        if (problem) {
            throw new RangeError(problem);
        }
        if (!/^[A-Za-z0-9_-]{16,64}$/.test(clientKey)) {
            throw new RangeError('a client key is 16-64 characters [A-Za-z0-9_-]');
        }
        this.#sheet = sheet;
        this.#clientKey = clientKey;
        this.#name = name?.trim();
        this.#token = token || null;
        this.#location = location;
        this.#WebSocket = WebSocket;
        this.#delay = backoff;
        this.#fetch = fetch;
    }

    get state() { return this.#state; }
    get version() { return this.#state.version; }
    get you() { return this.#state.you; }
    get columns() { return this.#state.columns; }
    get rows() { return this.#state.rows; }
    get users() { return this.#state.users; }
    get status() { return this.#status; }
    /** The user's role on the sheet (viewer, editor, owner) from the server; null before a welcome or without access control. */
    get role() { return this.#state.role; }
    /** The token the next handshake sends: the one given, or the newest the server accepted. */
    get token() { return this.#token; }
    /** The ops sent (or waiting to be sent) and not yet acknowledged, oldest first. */
    get pending() { return [...this.#pending.values()]; }

    /** A cell as {value, version}, or undefined when the row, column or cell is unknown. */
    cell(row, col) {
        return this.#row(row)?.cells[col];
    }

    /** The row with this id (an index built once per rows array: a 10,000-row paste asks 10,000 times). */
    #row(id) {
        if (this.#rowIndex.rows !== this.#state.rows) {
            this.#rowIndex = { rows: this.#state.rows, byId: new Map(this.#state.rows.map((row) => [row.id, row])) };
        }
        return this.#rowIndex.byId.get(id);
    }

    /**
     * The `base` to send for an edit of this cell: its version; 0 for a never-written cell of a known row
     * and column (the server counts those as version 0). Undefined (last writer wins) when the row or
     * column is unknown, or when a write of the cell by this client is still pending (an edit, or a
     * batch that edits it) — with the version seen now as base, the follow-up would lose against the
     * client's own earlier write.
     */
    baseFor(row, col) {
        const mine = this.#pending.has(this.#newestEdit.get(cellKey(row, col)));
        return mine || !this.#hasCell(row, col) ? undefined : this.cell(row, col)?.version ?? 0;
    }

    /** Whether the row and the column both exist (the cell itself may never have been written). */
    #hasCell(row, col) {
        return this.#row(row) !== undefined && this.#state.columns.some((c) => c.id === col);
    }

    // ---- lifecycle

    connect() {
        if (!this.#stopped) {
            return;
        }
        this.#stopped = false;
        this.#attempt = 0;
        this.#setStatus(Status.CONNECTING);
        this.#open();
    }

    close() {
        this.#stopped = true;
        this.#asking = null;
        clearTimeout(this.#timer);
        clearTimeout(this.#retryTimer);
        this.#retryTimer = null;
        this.#drop(1000, 'closed by the user');
        this.#setStatus(Status.CLOSED);
    }

    // ---- ops (each returns its op id)

    /** Edit a cell. `options.base` overrides the compare-and-set base (undefined: last writer wins). */
    edit(row, col, value, options) {
        const base = options && 'base' in options ? options.base : this.baseFor(row, col);
        return this.#submit({ type: 'edit', row, col, value, ...(base === undefined ? {} : { base }) });
    }

    /** Insert a row after row `after` (null/undefined: at the start), with optional {colId: value} cells. */
    insertRow(after, cells) {
        return this.#submit({ type: 'insertRow', ...(after == null ? {} : { after }), ...(cells ? { cells } : {}) });
    }

    /** Delete a row; `options.base`: only if none of its cells was written after that version (else `conflict`). */
    deleteRow(row, options) {
        return this.#submit({ type: 'deleteRow', row, ...baseOf(options) });
    }

    /** Add a column after column `after` (null/undefined: at the start). */
    addColumn(name, after) {
        return this.#submit({ type: 'addColumn', name, ...(after == null ? {} : { after }) });
    }

    renameColumn(col, name) {
        return this.#submit({ type: 'renameColumn', col, name });
    }

    /** Delete a column; `options.base` as for deleteRow, over the column's cells. */
    deleteColumn(col, options) {
        return this.#submit({ type: 'deleteColumn', col, ...baseOf(options) });
    }

    /**
     * Several ops (without ids) as one change at one version, or none of them (PROTOCOL §7.3): `$k` in a
     * row or column field names what op k of the batch creates. Sent, resent and held like any op.
     */
    batch(ops) {
        if (!Array.isArray(ops) || ops.length === 0) {
            throw new RangeError('a batch needs at least one op');
        }
        return this.#submit({ type: 'batch', ops });
    }

    /** Any op as the protocol spells it, without id (e.g. what undo.js computes): a single op or a batch. */
    submit(op) {
        if (!OP_TYPES.has(op?.type)) {
            throw new RangeError('not an op: ' + op?.type);
        }
        return op.type === 'batch' ? this.batch(op.ops) : this.#submit({ ...op });
    }

    // ---- presence (not ops: no id, no ack; the last one is repeated after a reconnect)

    focus(row, col) {
        this.#focus = { row, col };
        this.#sendIfJoined({ type: 'focus', row, col });
    }

    blur() {
        this.#focus = null;
        this.#sendIfJoined({ type: 'blur' });
    }

    // ---- credentials

    /**
     * Hands over a fresh token for the same user. On an open connection it is sent as an `auth` message,
     * so the connection is kept (no reconnect, no missed op) and outlives the old token's expiry: the
     * server answers `authenticated` (then `token` is the fresh one) or a `bad-token` error (the old one
     * stays). Otherwise the next handshake sends it. It is never shown, logged or put in an event.
     */
    authenticate(token) {
        if (!token) {
            return;
        }
        if (this.#joined) {
            this.#offeredTokens.push(token);
            this.#socket.send(JSON.stringify({ type: 'auth', token }));
        } else {
            this.#token = token;
        }
    }

    // ---- internals: the socket

    #open() {
        const since = this.#state.version;
        // A fresh token sent on the last connection and never answered is newer than the current one.
        this.#token = this.#offeredTokens.pop() ?? this.#token;
        this.#offeredTokens = [];
        this.#socketToken = this.#token;
        const url = sheetUrl(this.#location, this.#sheet, { name: this.#name, client: this.#clientKey,
            token: this.#token, since, incarnation: this.#state.incarnation });
        const socket = new this.#WebSocket(url);
        let opened = false;
        this.#socket = socket;
        this.#joined = false;
        this.#asking = null;
        // Events of a socket this client has let go of (after a gap or close()) are ignored.
        socket.onopen = () => { opened = true; };
        socket.onmessage = (event) => {
            opened = true;
            return socket === this.#socket && this.#receive(event.data);
        };
        socket.onclose = (event) => {
            if (socket !== this.#socket) {
                return;
            }
            if (!opened && event.code === ABNORMAL) {
                this.#socket = null;
                this.#askWhyRefused(socket.url || url);
            } else {
                this.#closed(event.code, event.reason);
            }
        };
    }

    /**
     * The socket closed before it ever opened: a refused handshake, or no server at all. A browser cannot
     * tell which, so the same URL is asked over plain HTTP (docs/PROTOCOL.md §1): a refusal is reported and
     * ends the reconnecting, since every attempt would be refused alike; anything else is retried.
     */
    #askWhyRefused(url) {
        this.#setStatus(Status.RECONNECTING);
        const question = {};
        this.#asking = question;
        const answer = Promise.resolve()
            .then(() => this.#fetch(diagnosisUrl(url), { cache: 'no-store',
                headers: this.#token ? { Authorization: 'Bearer ' + this.#token } : {} }))
            .then(async (response) => ({ status: response.status, text: (await response.text()).trim() }));
        answer.then((refusal) => {
            if (this.#asking !== question) {
                return;
            }
            this.#asking = null;
            if (!REFUSED_STATUSES.has(refusal.status)) {
                this.#reconnectLater();
                return;
            }
            this.#stopped = true;
            this.#emit('error', { code: 'refused', status: refusal.status,
                message: refusal.text || 'the server refused the connection (HTTP ' + refusal.status + ')' });
            this.#setStatus(Status.CLOSED);
        }, () => {
            if (this.#asking === question) {
                this.#asking = null;
                this.#reconnectLater(); // no answer either: the server is down or unreachable
            }
        });
    }

    /** Let go of the current socket; its late events are ignored. */
    #drop(code, reason) {
        const socket = this.#socket;
        this.#socket = null;
        this.#joined = false;
        if (socket && socket.readyState <= 1) { // CONNECTING or OPEN
            socket.close(code, reason);
        }
    }

    #closed(code, reason) {
        this.#socket = null;
        this.#joined = false;
        if (FINAL_CLOSE_CODES.has(code)) {
            this.#stopped = true;
            this.#emit('error', { code: 'closed', closeCode: code, message: reason || 'connection closed' });
            this.#setStatus(Status.CLOSED);
            return;
        }
        if (code === TOO_BIG) {
            this.#refuseLargestPending();
        }
        // 1013 (too slow) names a resume version in its reason; the client resumes from its own last
        // applied version instead, which is never later than what it really has.
        this.#reconnectLater();
    }

    /**
     * After close 1009 the culprit is, most likely, the largest pending op. Resending it would be closed
     * again forever, so it is given up and reported like a `too-large` rejection.
     */
    #refuseLargestPending() {
        const size = (op) => JSON.stringify(op).length;
        const largest = this.pending.reduce((big, op) => (!big || size(op) > size(big) ? op : big), null);
        if (largest) {
            this.#onRejected({ type: 'rejected', id: largest.id, code: 'too-large',
                message: 'the message was larger than the server accepts (close 1009)' });
        }
    }

    #reconnectLater() {
        if (this.#stopped) {
            return;
        }
        this.#setStatus(Status.RECONNECTING);
        clearTimeout(this.#timer);
        this.#timer = setTimeout(() => this.#open(), this.#delay(this.#attempt++));
    }

    /** Versions are missing: resume over a new connection from the last version applied. */
    #resync() {
        this.#drop(4000, 'out of sync');
        this.#reconnectLater();
    }

    #sendIfJoined(message) {
        if (this.#joined) {
            this.#socket.send(JSON.stringify(message));
        }
    }

    #submit(op) {
        const message = { type: op.type, id: this.#idPrefix + '-' + this.#nextId++, ...op };
        if (!isValidId(message.id)) {
            throw new Error('invalid op id ' + message.id);
        }
        this.#pending.set(message.id, message);
        for (const key of cellsWritten(message)) {
            this.#newestEdit.set(key, message.id);
        }
        if (this.#held.size > 0) {
            this.#held.add(message.id); // behind ops the server asked to wait: keeps the order they were made in
        } else {
            this.#sendIfJoined(message); // otherwise it goes out after the next welcome
        }
        this.#emit('pending', { pending: this.pending });
        return message.id;
    }

    // ---- internals: messages from the server

    #receive(data) {
        let message;
        try {
            message = JSON.parse(data);
        } catch (e) {
            this.#emit('error', { code: 'bad-server-message', message: String(data).slice(0, 200) });
            return;
        }
        const handler = {
            welcome: this.#onWelcome, applied: this.#onApplied, rejected: this.#onRejected,
            presence: this.#onPresence, error: this.#onError, role: this.#onRole,
            authenticated: this.#onAuthenticated,
        }[message.type];
        if (handler) {
            handler.call(this, message);
        }
    }

    #onWelcome(welcome) {
        const roleBefore = this.#state.role;
        if (isResumeWelcome(welcome)) {
            if (welcome.since !== this.#state.version) {
                // Not what was asked for: start over with a fresh join rather than guess.
                this.#state = emptyState();
                this.#resync();
                return;
            }
            this.#state = { ...this.#state, you: welcome.you, role: welcome.role ?? null, users: usersFrom(welcome.users) };
        } else {
            const before = this.#state;
            this.#state = stateFromWelcome(welcome);
            if (before.version !== null && before.incarnation !== this.#state.incarnation) {
                this.#dropPendingOfAnotherSheet();
            }
        }
        this.#joined = true;
        this.#welcomeVersion = welcome.version;
        this.#attempt = 0;
        if (this.#token !== this.#socketToken) {
            // Handed over while this socket's handshake was under way: this connection still runs on the old one.
            const fresh = this.#token;
            this.#token = this.#socketToken;
            this.authenticate(fresh);
        }
        this.#resend();
        this.#setStatus(Status.OPEN);
        this.#emit('state', { state: this.#state, cause: 'welcome', resumed: isResumeWelcome(welcome) });
        this.#emit('presence', { users: this.#state.users });
        if (roleBefore !== null && this.#state.role !== roleBefore) {
            this.#emit('role', { role: this.#state.role }); // changed while this client was away
        }
    }

    /**
     * The sheet was deleted and created again while this client was away: its unacknowledged ops were
     * meant for a table that no longer exists (their rows and columns may even share ids with the new
     * one's), so they are dropped, not resent, and the page is told.
     */
    #dropPendingOfAnotherSheet() {
        const dropped = [...this.#pending.values()];
        this.#pending.clear();
        this.#held.clear();
        this.#newestEdit.clear();
        if (dropped.length > 0) {
            this.#emit('pending', { pending: [] });
        }
        this.#emit('error', {
            code: 'sheet-replaced', dropped,
            message: 'the sheet was deleted and created again while this page was away'
                + (dropped.length ? '; ' + dropped.length + ' unsaved change(s) were dropped' : ''),
        });
    }

    /** After a welcome: every unacknowledged op again, same id and content, then the focus. */
    #resend() {
        this.#held.clear();
        clearTimeout(this.#retryTimer);
        this.#retryTimer = null;
        for (const message of this.#pending.values()) {
            this.#socket.send(JSON.stringify(message));
        }
        // A focus on a cell deleted meanwhile would only earn a bad-message error.
        if (this.#focus && this.#hasCell(this.#focus.row, this.#focus.col)) {
            this.#socket.send(JSON.stringify({ type: 'focus', ...this.#focus }));
        }
    }

    #onApplied(applied) {
        if (!this.#joined) {
            return;
        }
        const sequence = sequenceOf(this.#state.version, applied);
        if (sequence === 'gap') {
            this.#resync();
            return;
        }
        const stateBefore = this.#state;
        if (sequence === 'apply') {
            this.#state = applyOp(this.#state, applied.op, applied.version);
        }
        const mine = this.#pending.has(applied.id); // a stale re-ack still acknowledges the resent op
        if (mine) {
            this.#acknowledge(applied.id, applied.version > this.#welcomeVersion);
        }
        if (sequence === 'apply') {
            this.#emit('state', { state: this.#state, cause: 'applied' });
            this.#emit('applied', { ...applied, mine, stateBefore });
        }
        if (mine) {
            this.#emit('pending', { pending: this.pending });
        }
    }

    /**
     * Drops the acknowledged op. When the ack is live (newer than the welcome, so the op went through the
     * server on this connection), also drops every edit sent before it that is still unanswered: the
     * server handles and answers one connection's ops in the order sent, so such an edit was applied
     * and its ack coalesced away for this slow reader (a later message listed it in `skipped`).
     * Pending ops are sent and resent in Map order, so "sent before" is "earlier in the Map".
     */
    #acknowledge(id, live) {
        for (const [earlier, op] of this.#pending) {
            if (earlier === id || !live) {
                break;
            }
            if (op.type === 'edit' && !this.#held.has(earlier)) {
                this.#pending.delete(earlier);
            }
        }
        this.#pending.delete(id);
        if (live) {
            this.#retryAttempt = 0; // the server is taking this connection's ops again
        }
        this.#forgetEditsIfNonePending();
    }

    /**
     * Which edit is a cell's newest matters only against an op still pending (made before it): once none
     * is, the record can go, so it never grows with the session.
     */
    #forgetEditsIfNonePending() {
        if (this.#pending.size === 0) {
            this.#newestEdit.clear();
        }
    }

    /**
     * `rate-limited`: the server is busy or this client sent too much at once, and nothing of the op was
     * applied. It stays pending and is sent again after a pause (growing while refusals go on), with every
     * op made after it, in order; meanwhile new ops wait behind it.
     */
    #holdForRetry(id) {
        this.#held.add(id);
        if (this.#retryTimer === null) {
            this.#retryTimer = setTimeout(() => this.#retryHeld(), this.#delay(this.#retryAttempt++));
        }
    }

    /**
     * Sends held ops again, oldest first, at most RETRY_BATCH at a time. An edit of a cell that a newer
     * edit of this client has since been sent to is dropped instead: sent now, it would overwrite the
     * newer value with the older one.
     */
    #retryHeld() {
        this.#retryTimer = null;
        if (!this.#joined) {
            return; // the next welcome resends every pending op
        }
        let sent = 0;
        let superseded = false;
        for (const [id, message] of [...this.#pending]) {
            if (!this.#held.has(id)) {
                continue;
            }
            if (sent === RETRY_BATCH) {
                this.#retryTimer = setTimeout(() => this.#retryHeld(), this.#delay(this.#retryAttempt));
                break;
            }
            this.#held.delete(id);
            this.#pending.delete(id);
            const current = this.#withoutSupersededEdits(id, message);
            if (current !== message) {
                superseded = true;
            }
            if (current === null) {
                continue;
            }
            // To the end of the Map: ops sent while this one waited went out before it (see #acknowledge).
            this.#pending.set(id, current);
            this.#socket.send(JSON.stringify(current));
            sent++;
        }
        if (superseded) {
            this.#forgetEditsIfNonePending();
            this.#emit('pending', { pending: this.pending });
        }
    }

    /**
     * The held op without the cell edits a newer op of this client has been sent to since: sent now, they
     * would put the older value back (or, with a base, refuse the whole batch over the client's own
     * write). An edit is then null; a batch loses those sub-ops (null if none is left). Being a
     * `rate-limited` op, it was never applied, so its content may change under the same id.
     */
    #withoutSupersededEdits(id, message) {
        const newer = (sub) => sub.type === 'edit' && !isReference(sub.row) && !isReference(sub.col)
            && this.#newestEdit.get(cellKey(sub.row, sub.col)) !== id;
        if (message.type !== 'batch') {
            return newer(message) ? null : message;
        }
        const dropped = new Set();
        message.ops.forEach((sub, index) => newer(sub) && dropped.add(index));
        return dropped.size === 0 ? message : withoutSubOps(message, dropped);
    }

    #onRejected(rejected) {
        if (rejected.code === 'rate-limited' && this.#pending.has(rejected.id) && this.#joined) {
            this.#holdForRetry(rejected.id);
            return;
        }
        const op = this.#pending.get(rejected.id) || null;
        this.#pending.delete(rejected.id);
        this.#forgetEditsIfNonePending();
        this.#emit('rejected', { ...rejected, op });
        if (op) {
            this.#emit('pending', { pending: this.pending });
        }
    }

    #onPresence(presence) {
        this.#state = { ...this.#state, users: applyPresence(this.#state.users, presence) };
        this.#emit('presence', { users: this.#state.users });
    }

    #onError(error) {
        if (error.code === 'bad-token') {
            this.#offeredTokens.shift(); // answers are in the order the tokens were sent
        }
        this.#emit('error', { code: error.code, message: error.message });
    }

    #onRole(change) {
        this.#state = { ...this.#state, role: change.role ?? null };
        this.#emit('role', { role: this.#state.role });
    }

    #onAuthenticated(authenticated) {
        this.#token = this.#offeredTokens.shift() ?? this.#token;
        this.#emit('authenticated', { expires: authenticated.expires ?? null });
    }

    #setStatus(status) {
        if (status !== this.#status) {
            this.#status = status;
            this.#emit('status', { status });
        }
    }

    #emit(type, detail) {
        this.dispatchEvent(new CustomEvent(type, { detail }));
    }
}
