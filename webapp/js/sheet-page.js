// The table editor: connects to one sheet (LiveGridClient), and ties together the grid (grid-view.js),
// the selection and keys (grid-selection.js), the clipboard (grid-clipboard.js), the cell editor
// (editor-cell.js), undo (editor-undo.js), a cell's history (editor-history.js) and the CSV files
// (editor-files.js). This file keeps what is the page's as a whole: who the user is and what they may
// do, the connection's status, notices for what stops the page, the toolbar, messages and announcements.
// Every piece of data (values, names, ids) reaches the DOM as text: textContent, setAttribute, dataset.
//
// Signed in (a server with auth=token): the page is opened with `#token=…`; the token moves to
// sessionStorage (this tab only) and out of the address bar at once, so copying the address or a
// Referer never carries it. It goes to the server as the socket's access_token (and as the
// Authorization of the page's HTTP requests) and nowhere else: never into the DOM, a log or a message.
//
// Test hooks: #grid-scroll (the scroll container), #grid[role=grid][aria-rowcount][aria-colcount],
// #grid-head th[data-col] (a column's name as its text; .col-resize its resize handle), #grid-body
// tr[data-row][aria-rowindex] (only rows in view are in the DOM; tr.spacer stand for the rest),
// th.row-head, td[data-row][data-col] (value in .cell-value; .selected, .active, .pending, .editing,
// .conflict, .occupied; aria-selected; tabindex 0 on the active cell), .presence-marker (a user's
// name) inside a td, textarea.cell-editor inside the td being edited and .incoming beside it (a remote
// change while typing), #conflict-bar with #keep-mine and #take-theirs, buttons #undo #redo #add-row
// #delete-row #add-column #rename-column #delete-column #history, #history-panel (#history-list tr),
// a#export-csv, #loading (before the first welcome), #empty with #import-csv and input#import-file,
// #status, #users li[data-user], #you, #role[data-role], #grid.read-only, #view-only, #messages li
// (.conflict, .rejected, .error, .info),
// #live (the polite live region), #notice[data-reason] (sign-in, expired, token-refused, forbidden,
// revoked); performance marks livegrid:welcome and livegrid:first-screen after each full welcome.
import { ACCESS_REVOKED, canEdit, isValidId, LiveGridClient, nameProblem, TOKEN_EXPIRED } from './livegrid.js';
import { hasExpired, signInAddress, tokenClaims } from './access.js';
import { store, storedToken, takeTokenFromAddress } from './page-token.js';
import { cellName, columnLetter, deleteColumnsOp, deleteRowsOp, insertRowsOp } from './grid-ops.js';
import { GridView } from './grid-view.js';
import { userColors } from './grid-colors.js';
import { Selection } from './grid-selection.js';
import { Clipboard } from './grid-clipboard.js';
import { CellEditor } from './editor-cell.js';
import { UndoControl } from './editor-undo.js';
import { HistoryPanel } from './editor-history.js';
import { SheetFiles } from './editor-files.js';

const MAX_MESSAGES = 30;
/** Who wrote which version, for "Bob changed B3": the newest this many applied ops are remembered. */
const MAX_AUTHORS = 20000;
const STRUCTURE_OPS = new Set(['insertRow', 'deleteRow', 'addColumn', 'renameColumn', 'deleteColumn']);

const token = takeTokenFromAddress() ?? storedToken();
const claims = tokenClaims(token);
const params = new URLSearchParams(window.location.search);
const sheetId = params.get('sheet') || 'demo';
// With a token the server names the user (the token's name claim, else its sub) and ignores name=.
const displayName = token ? claims?.name || claims?.sub || ''
    : cleanName(params.get('name')) || 'Guest-' + (100 + Math.floor(Math.random() * 900));
// What the server would refuse at the handshake is explained here instead of connecting.
const refusal = !isValidId(sheetId) ? 'A sheet id is 1-64 characters A-Z a-z 0-9 _ -, not ' + quote(sheetId) + '.'
    : token ? null : nameProblem(displayName);
const client = refusal ? null : new LiveGridClient(sheetId, token ? { token } : { name: displayName });

const state = {
    stopped: null,       // why the page stopped for good (see stop), or null while it runs
    expires: claims?.exp ? claims.exp * 1000 : null, // when the session's token expires (ms), if known
    authors: new Map(),  // version → user id of its author (applied messages' `by`)
    names: new Map(),    // user id → the name they were last seen under (they may have left since)
    tracked: new Map(),  // op id → {applied, rejected}: ops whose outcome a part of the page reports
    lastExplained: 0,    // when "view only" was last explained, so it is not repeated on every key
};

/** What the parts of the page share (see the top of each module for what it uses). */
const page = {
    client, sheetId,
    // Not before the first welcome: until then there is no sheet to change, and the role is not known.
    canChange: () => client !== null && state.stopped === null && client.version !== null && canEdit(client.role),
    canSend: () => client !== null && state.stopped === null,
    showsPresence: () => state.stopped === null,
    selectionChanged,
    log,
    announce,
    explainReadOnly,
    explainRefusal,
    track: (id, handlers) => state.tracked.set(id, handlers),
    cellName: (row, col) => {
        const r = page.view.rowIndexOf(row);
        const c = page.view.colIndexOf(col);
        return r < 0 || c < 0 ? 'a deleted cell' : cellName(c, r);
    },
    /** "B3 (Age)": the cell's name and its column's, for labels. */
    cellLabel: (row, col) => page.cellName(row, col) + ' (' + (client.columns.find((column) => column.id === col)?.name ?? '') + ')',
    columnLabel: (col) => columnLetter(page.view.colIndexOf(col)) + ' (' + (client.columns.find((c) => c.id === col)?.name ?? '') + ')',
    /** A user as people know them: their name, "you", or `fallback` (default "someone") for one never seen. */
    userName: (id, fallback = 'someone') => id === client.you ? 'you'
        : state.names.get(id) ?? (id === 'http' ? 'someone (over HTTP)' : fallback),
    /** Who wrote `version` (a name), or null if the page did not see it happen. */
    authorOf: (version) => state.authors.has(version) ? page.userName(state.authors.get(version)) : null,
    paintUser,
    /** fetch() of the HTTP API beside the page, signed in like the socket. */
    api: (path, init = {}) => fetch(path, { cache: 'no-store', ...init,
        headers: { ...init.headers, ...(client.token ? { Authorization: 'Bearer ' + client.token } : {}) } }),
};

// ---------------------------------------------------------------- the page around the grid

function renderChrome() {
    if (!client) {
        return;
    }
    const editable = page.canChange();
    const rows = page.selection.rowIds();
    const cols = page.selection.colIds();
    const buttons = {
        'add-row': [editable, rows.length > 1 ? 'Insert ' + rows.length + ' rows' : 'Add row'],
        'delete-row': [editable && rows.length > 0, rows.length > 1 ? 'Delete ' + rows.length + ' rows' : 'Delete row'],
        'add-column': [editable, 'Add column'],
        'rename-column': [editable && cols.length > 0, 'Rename column'],
        'delete-column': [editable && cols.length > 0, cols.length > 1 ? 'Delete ' + cols.length + ' columns' : 'Delete column'],
        history: [state.stopped === null && Boolean(page.selection.active?.row), 'History'],
    };
    for (const [id, [enabled, label]] of Object.entries(buttons)) {
        const button = document.getElementById(id);
        button.disabled = !enabled;
        if (button.textContent !== label) {
            button.textContent = label;
        }
    }
    page.undo.render();
    page.files.render();
    const grid = document.getElementById('grid');
    grid.classList.toggle('read-only', !editable);
    grid.setAttribute('aria-readonly', String(!editable));
    const joined = client.version !== null;
    document.getElementById('loading').hidden = joined || state.stopped !== null;
    document.getElementById('empty').hidden = !joined || client.columns.length > 0;
    document.getElementById('import-offer').hidden = document.getElementById('import-csv').hidden;
    document.getElementById('edit-hint').hidden = !editable || client.columns.length === 0;
    document.getElementById('view-only').hidden = state.stopped !== null || canEdit(client.role);
    renderIdentity();
}

function selectionChanged() {
    renderChrome();
    page.history?.follow();
}

function renderUsers() {
    // Once the page has stopped it hears no more presence: who was here then is not who is here now.
    const users = state.stopped === null ? client.users : [];
    const items = users.map((user) => {
        const li = document.createElement('li');
        li.dataset.user = user.id;
        paintUser(li, user.id);
        const swatch = document.createElement('span');
        swatch.className = 'swatch';
        const name = document.createElement('span');
        name.className = 'name';
        name.textContent = user.name + (user.id === client.you ? ' (you)' : '');
        const where = document.createElement('span');
        where.className = 'where';
        where.textContent = user.focus ? describeCell(user.focus.row, user.focus.col) : '';
        li.append(swatch, name, where);
        return li;
    });
    document.getElementById('users').replaceChildren(...items);
}

function renderStatus(status) {
    const element = document.getElementById('status');
    element.textContent = status;
    element.dataset.status = status;
    element.className = 'status ' + status;
}

/** Who the user is, as the server names them (presence), and their role on the sheet. */
function renderIdentity() {
    const me = client.users.find((user) => user.id === client.you);
    document.getElementById('you').textContent = me?.name ?? displayName;
    const badge = document.getElementById('role');
    const role = client.role;
    badge.hidden = !role;
    badge.textContent = role ?? '';
    badge.dataset.role = role ?? '';
    const until = state.expires ? '; signed in until ' + new Date(state.expires).toLocaleTimeString() : '';
    badge.setAttribute('title', 'your role on this sheet' + until);
}

/**
 * A notice above the table, for what stops the page or needs the user: `reason` is its data-reason,
 * `hint` a list of strings and {code} parts. Every part is text.
 */
function showNotice(reason, title, text, hint = []) {
    const notice = document.getElementById('notice');
    notice.dataset.reason = reason;
    document.getElementById('notice-title').textContent = title;
    document.getElementById('notice-text').textContent = text;
    const hintElement = document.getElementById('notice-hint');
    hintElement.replaceChildren(...hint.map((part) => {
        if (typeof part === 'string') {
            return document.createTextNode(part);
        }
        const code = document.createElement('code');
        code.textContent = part.code;
        return code;
    }));
    hintElement.hidden = hint.length === 0;
    notice.hidden = false;
}

function hideNotice() {
    const notice = document.getElementById('notice');
    notice.hidden = true;
    delete notice.dataset.reason;
}

/** The table and its toolbar are shown only while there is a sheet to show. */
function showSheet(shown) {
    document.getElementById('toolbar').hidden = !shown;
    document.getElementById('sheet').hidden = !shown;
}

function log(kind, text) {
    const list = document.getElementById('messages');
    const item = document.createElement('li');
    item.className = kind;
    item.textContent = new Date().toLocaleTimeString() + ' ' + text;
    list.prepend(item);
    while (list.children.length > MAX_MESSAGES) {
        list.lastElementChild.remove();
    }
}

/** Says `text` through the polite live region (screen readers read it when they are done speaking). */
function announce(text) {
    const live = document.getElementById('live');
    live.textContent = '';
    // A new text node a moment later: the same words twice in a row are read twice.
    setTimeout(() => { live.textContent = text; }, 30);
}

/** A viewer tried to change the sheet: said once in a while, never sent. */
function explainReadOnly(text = 'View only: your role on this sheet lets you read it, not change it.') {
    if (Date.now() - state.lastExplained > 3000) {
        state.lastExplained = Date.now();
        log('rejected', text);
    }
    announce(text);
}

/** A refused op of the user's, in words: who changed which cells since, or the server's reason. */
function explainRefusal(what, rejected, consequence) {
    let text;
    if (rejected.code === 'conflict') {
        const cells = rejected.conflicts?.length ? rejected.conflicts : rejected.current ? [rejected.current] : [];
        const byWho = new Map();
        for (const cell of cells) {
            const who = page.authorOf(cell.version) ?? 'someone';
            byWho.set(who, [...byWho.get(who) || [], page.cellName(cell.row, cell.col)]);
        }
        const changed = [...byWho].map(([who, names]) => who + ' changed ' + listed(names)).join(' and ') || 'someone changed it';
        text = what + ' refused: ' + changed + ' since; ' + consequence + ', so their work stays.';
    } else {
        text = what + ' refused (' + rejected.code + '): ' + rejected.message + '; ' + consequence + '.';
    }
    log(rejected.code === 'conflict' ? 'conflict' : 'rejected', text);
    announce(text);
}

// ---------------------------------------------------------------- helpers

/** The name without control characters (stray line breaks in a link); a name that is too long is refused, not cut. */
function cleanName(name) {
    return (name || '').replace(/\p{Cc}/gu, '').trim();
}

/** Gives an element (a name tag, a cell, a list entry) the user's colours, for sheet.css's --user-color. */
function paintUser(element, userId) {
    const colors = userColors(userId);
    element.style.setProperty('--user-light', colors.light);
    element.style.setProperty('--user-dark', colors.dark);
}

function quote(value) {
    return value === null || value === undefined ? '(empty)' : '“' + value + '”';
}

function listed(names) {
    const shown = names.length > 4 ? names.slice(0, 3) : names;
    const rest = names.length - shown.length;
    return rest > 0 ? shown.join(', ') + ' and ' + rest + ' more'
        : shown.length > 1 ? shown.slice(0, -1).join(', ') + ' and ' + shown.at(-1) : shown[0];
}

function describeCell(rowId, colId) {
    const index = page.view.rowIndexOf(rowId);
    const column = client.columns.find((candidate) => candidate.id === colId);
    return index < 0 || !column ? '' : page.cellName(rowId, colId) + ' (' + column.name + ')';
}

/** The cells ("row col") an applied op writes, and whether it changes the sheet's rows or columns. */
function effectOf(op) {
    const ops = op.type === 'batch' ? op.ops || [] : [op];
    return {
        structure: ops.some((sub) => STRUCTURE_OPS.has(sub.type)),
        cells: ops.filter((sub) => sub.type === 'edit').map((sub) => sub.row + ' ' + sub.col),
    };
}

// ---------------------------------------------------------------- the toolbar

function addRows() {
    if (!page.canChange()) {
        return;
    }
    page.editor.commit();
    const rows = page.selection.range ? page.selection.rowIds() : [];
    const after = rows.at(-1) ?? client.rows.at(-1)?.id;
    const id = rows.length > 1 ? client.batch(insertRowsOp(after, rows.length).ops) : client.insertRow(after);
    page.track(id, { applied: selectNewRows, rejected: (rejected) => explainRefusal('Adding rows', rejected, 'no row was added') });
}

/** My new rows become the selection, so repeated "Add row" keeps adding below them. */
function selectNewRows(applied) {
    const rows = (applied.op.type === 'batch' ? applied.op.ops : [applied.op]).map((sub) => sub.row);
    const col = page.selection.active?.col ?? client.columns[0]?.id;
    if (col && rows.length > 0 && page.editor.editing === null) {
        page.selection.select({ row: rows[0], col }, { anchor: { row: rows[0], col }, focus: { row: rows.at(-1), col } });
    }
}

function deleteRows() {
    const rows = page.selection.rowIds();
    if (rows.length === 0 || !page.canChange()) {
        return;
    }
    const first = page.view.rowIndexOf(rows[0]) + 1;
    const what = rows.length === 1 ? 'row ' + first : rows.length + ' rows (' + first + '–' + (first + rows.length - 1) + ')';
    if (!window.confirm('Delete ' + what + ' for everyone?')) {
        return;
    }
    page.editor.commit();
    // Each with a base: a row someone has written in since it was on screen is not deleted unseen.
    const op = deleteRowsOp(client.state, rows);
    const id = op.ops.length === 1 ? client.deleteRow(op.ops[0].row, { base: op.ops[0].base }) : client.batch(op.ops);
    page.track(id, { rejected: (rejected) => explainRefusal('Deleting ' + what, rejected, 'nothing was deleted') });
}

function addColumn() {
    if (!page.canChange()) {
        return;
    }
    page.editor.commit();
    const name = window.prompt('Name of the new column:', '');
    if (name) {
        const id = client.addColumn(name, page.selection.active?.col || client.columns.at(-1)?.id);
        page.track(id, {
            applied: (applied) => page.selection.select({ row: page.selection.active?.row ?? null, col: applied.op.col },
                page.selection.active?.row ? { anchor: { row: page.selection.active.row, col: applied.op.col },
                    focus: { row: page.selection.active.row, col: applied.op.col } } : null),
            rejected: (rejected) => explainRefusal('Adding the column', rejected, 'no column was added'),
        });
    }
}

function renameColumn() {
    const column = client.columns.find((candidate) => candidate.id === page.selection.active?.col);
    const name = column && page.canChange() && window.prompt('New name of column ' + quote(column.name) + ':', column.name);
    if (name && name !== column.name) {
        client.renameColumn(column.id, name);
    }
}

function deleteColumns() {
    const cols = page.selection.colIds();
    if (cols.length === 0 || !page.canChange()) {
        return;
    }
    const names = cols.map((col) => quote(client.columns.find((column) => column.id === col)?.name));
    const what = cols.length === 1 ? 'column ' + names[0] : cols.length + ' columns (' + listed(names) + ')';
    if (!window.confirm('Delete ' + what + ' for everyone?')) {
        return;
    }
    page.editor.commit();
    const op = deleteColumnsOp(client.state, cols);
    const id = op.ops.length === 1 ? client.deleteColumn(op.ops[0].col, { base: op.ops[0].base }) : client.batch(op.ops);
    page.track(id, { rejected: (rejected) => explainRefusal('Deleting ' + what, rejected, 'nothing was deleted') });
}

/** A press outside the grid and what acts on it leaves the grid: others stop seeing us on a cell. */
function onDocumentPointer(event) {
    if (!event.target.closest('#grid, #toolbar, #conflict-bar, #history-panel')) {
        page.editor.commit();
        page.selection.clear();
    }
}

// ---------------------------------------------------------------- events from the server

/** The connection's status; its loss and its return are said once each, not on every retry. */
function onStatus(event) {
    const before = document.getElementById('status').dataset.status;
    const status = event.detail.status;
    renderStatus(status);
    if (before === 'open' && status === 'reconnecting') {
        log('error', 'The connection was lost; the page reconnects on its own, and what you change meanwhile is sent then.');
        announce('Connection lost; reconnecting.');
    } else if (before === 'reconnecting' && status === 'open') {
        log('info', 'Connected again.');
        announce('Connected again.');
    }
}

function onState(event) {
    if (event.detail.cause !== 'welcome') {
        return; // applied ops are rendered from their `applied` event, which says what changed
    }
    const before = { rowIds: page.view.rowIds, colIds: page.view.colIds };
    page.view.structureChanged();
    page.selection.repair(before);
    page.selection.ensureActive();
    page.editor.checkVanished();
    if (!event.detail.resumed) {
        page.undo.reset(); // the sheet was replaced: nothing recorded refers to it
        page.view.welcomed();
    }
    renderChrome();
}

function onApplied(event) {
    const applied = event.detail;
    state.authors.set(applied.version, applied.by);
    if (state.authors.size > MAX_AUTHORS) {
        state.authors.delete(state.authors.keys().next().value);
    }
    const { structure, cells } = effectOf(applied.op);
    if (structure) {
        const before = { rowIds: page.view.rowIds, colIds: page.view.colIds };
        const focused = page.editor.editing === null && document.activeElement?.closest('#grid td, #grid th') ? page.selection.active : null;
        page.view.structureChanged();
        page.selection.repair(before);
        page.selection.ensureActive();
        page.editor.checkVanished();
        renderChrome();
        const active = page.selection.active;
        if (focused && (active?.row !== focused.row || active?.col !== focused.col)) {
            page.view.focusActive(); // the focused cell was deleted: the focus moves with the selection, not to the page
        }
    } else {
        page.view.cellsChanged(cells);
    }
    page.editor.remoteChange(applied);
    page.undo.applied(applied);
    const tracked = applied.mine ? state.tracked.get(applied.id) : null;
    if (tracked) {
        state.tracked.delete(applied.id);
        tracked.applied?.(applied);
    }
    announceRemoteChange(applied, cells);
    for (const key of cells) {
        const [row, col] = key.split(' ');
        page.history.refreshIfShowing(row, col);
    }
}

/** Someone else changed the cell the user is on (and not typing in: the editor says so itself). */
function announceRemoteChange(applied, cells) {
    const active = page.selection.active;
    if (applied.mine || !active?.row || page.editor.editing || !document.activeElement?.closest('#grid')) {
        return;
    }
    if (cells.includes(active.row + ' ' + active.col)) {
        const value = client.cell(active.row, active.col)?.value;
        announce(page.userName(applied.by).replace(/^./, (c) => c.toUpperCase()) + ' changed '
            + page.cellName(active.row, active.col) + ' to ' + quote(value) + '.');
    }
}

function onPresence() {
    for (const user of client.users) {
        state.names.set(user.id, user.name);
    }
    page.view.presenceChanged(client.users, client.you);
    renderUsers();
    renderIdentity();
}

function onRejected(event) {
    const rejected = event.detail;
    const tracked = state.tracked.get(rejected.id);
    state.tracked.delete(rejected.id);
    if (page.undo.rejected(rejected)) {
        // explained by the undo
    } else if (tracked?.rejected) {
        tracked.rejected(rejected);
    } else if (rejected.code === 'conflict' && rejected.current && rejected.op?.type === 'edit') {
        page.editor.lost(rejected);
    } else if (rejected.code === 'conflict') {
        explainRefusal('Your change', rejected, 'nothing of it was applied');
    } else {
        log('rejected', (rejected.op ? rejected.op.type + ' ' : '') + 'refused (' + rejected.code + '): ' + rejected.message);
    }
    renderChrome();
}

function onError(event) {
    const { code, message, closeCode, status } = event.detail;
    if (code === 'refused' && status === 401) {
        notSignedIn(message);
    } else if (code === 'refused' && status === 403) {
        stop('forbidden', 'The server refused to connect: ' + message);
        showSheet(false);
        showNotice('forbidden', 'No access to this sheet', message, client.token
            ? ['Ask an owner of the sheet for access, or open this page with another token (', { code: '#token=…' }, ').']
            : []);
    } else if (code === 'refused') {
        stop('refused', 'The server refused to connect: ' + message);
    } else if (closeCode === TOKEN_EXPIRED) {
        stop('expired', 'Connection closed (' + closeCode + '): ' + message);
        showNotice('expired', 'Your session has expired',
            'The access token this page was opened with has expired, so the server closed the connection. '
            + 'The table shows the sheet as it was then; nothing can be changed until you sign in again.',
            freshTokenHint(true));
    } else if (closeCode === ACCESS_REVOKED) {
        stop('revoked', 'Connection closed (' + closeCode + '): ' + message);
        showSheet(false);
        showNotice('revoked', 'Your access to this sheet was revoked',
            'An owner of the sheet took your access away, so the server closed the connection.');
    } else if (code === 'bad-token') {
        store(client.token); // the connection keeps the token it had
        log('error', 'The new token was refused: ' + message + ' This page keeps its current session.');
    } else if (code === 'sheet-replaced') {
        page.undo.reset();
        log('error', 'The sheet was deleted and created again while this page was away'
            + (event.detail.dropped?.length ? '; ' + event.detail.dropped.length + ' unsaved change(s) were dropped.' : '.'));
    } else {
        log('error', closeCode ? 'Connection closed (' + closeCode + '): ' + message : code + ': ' + message);
    }
}

/** A handshake answered 401: no token, an expired one, or one the server refused. */
function notSignedIn(message) {
    const current = client.token;
    showSheet(false);
    if (!current) {
        stop('sign-in', 'The server refused to connect: ' + message);
        document.getElementById('identity').hidden = true; // nobody: the name shown was made up for none mode
        showNotice('sign-in', 'Sign-in required',
            'This LiveGrid server shows sheets only to signed-in users, and this page was opened without an access token.',
            ['Open the page with your access token after ', { code: '#token=' }, ' in its address: ',
                { code: signInAddress(window.location) }, '. Whoever runs this LiveGrid server issues tokens. '
                + 'The page keeps the token for this tab only and takes it out of the address bar.']);
    } else if (hasExpired(tokenClaims(current))) {
        stop('expired', 'The server refused to connect: ' + message);
        showNotice('expired', 'Your session has expired',
            'The access token this page has is no longer valid.', freshTokenHint(false));
    } else {
        stop('token-refused', 'The server refused to connect: ' + message);
        showNotice('token-refused', 'Your access token was refused', message, freshTokenHint(false));
    }
}

function freshTokenHint(resumes) {
    return ['Get a fresh token and add it to this page\'s address as ', { code: '#token=…' },
        resumes ? ' — the page carries on where it stopped — or open ' : ', or open ',
        { code: signInAddress(window.location) }, '.'];
}

/** For good: nothing can be sent, and the reason is the newest message. `why` is a notice reason. */
function stop(why, reason) {
    state.stopped = why;
    if (client) {
        page.editor.cancel();
        page.view.presenceChanged([], client.you);
        page.view.decorationChanged();
        renderUsers();
        renderChrome();
    }
    renderStatus('closed');
    for (const button of document.querySelectorAll('#toolbar button')) {
        button.disabled = true;
    }
    log('error', reason);
    announce(reason);
}

/** After a stop for an expired session, with a fresh token handed to the client: reconnect and resume. */
function resume() {
    state.stopped = null;
    hideNotice();
    showSheet(true);
    page.view.decorationChanged();
    renderChrome();
    client.connect();
}

/** The owner changed the user's access, or a fresh token brought another role. */
function onRole(event) {
    const { role } = event.detail;
    if (!canEdit(role)) {
        page.editor.cancel(); // what was being typed cannot be saved any more
    }
    log('role', 'Your role on this sheet is now ' + role + (canEdit(role)
        ? ': you can change it.' : ': you can read it but not change it.'));
    page.view.decorationChanged();
    renderChrome();
}

function onAuthenticated(event) {
    const expires = Date.parse(event.detail.expires);
    state.expires = Number.isNaN(expires) ? null : expires;
    store(client.token);
    log('info', 'Signed in again with the new token'
        + (state.expires ? '; the session now lasts until ' + new Date(state.expires).toLocaleTimeString() : '') + '.');
    renderChrome();
}

// ---------------------------------------------------------------- the token

/**
 * A token added to the address while the page is open (`#token=…` pasted into the address bar): the
 * same user's session is renewed on the open connection, or resumed after it expired; a page that
 * never got in, or another user's token, starts over with it.
 */
function onAddressChange() {
    const fresh = takeTokenFromAddress();
    if (!fresh) {
        return;
    }
    const sub = tokenClaims(fresh)?.sub;
    const anotherUser = client?.you && sub && sub !== client.you;
    if (!client || anotherUser || (state.stopped !== null && state.stopped !== 'expired')) {
        window.location.reload();
        return;
    }
    client.authenticate(fresh);
    if (state.stopped === 'expired') {
        log('info', 'Signing in again with the new token.');
        resume();
    }
}

// ---------------------------------------------------------------- start

function start() {
    page.view = new GridView(page);
    page.selection = new Selection(page);
    page.editor = new CellEditor(page);
    page.clipboard = new Clipboard(page);
    page.undo = new UndoControl(page);
    page.history = new HistoryPanel(page);
    page.files = new SheetFiles(page);

    document.addEventListener('mousedown', onDocumentPointer);
    document.getElementById('add-row').addEventListener('click', addRows);
    document.getElementById('delete-row').addEventListener('click', deleteRows);
    document.getElementById('add-column').addEventListener('click', addColumn);
    document.getElementById('rename-column').addEventListener('click', renameColumn);
    document.getElementById('delete-column').addEventListener('click', deleteColumns);

    client.addEventListener('status', onStatus);
    client.addEventListener('state', onState);
    client.addEventListener('pending', (event) => page.view.pendingChanged(event.detail.pending));
    client.addEventListener('presence', onPresence);
    client.addEventListener('applied', onApplied);
    client.addEventListener('rejected', onRejected);
    client.addEventListener('error', onError);
    client.addEventListener('role', onRole);
    client.addEventListener('authenticated', onAuthenticated);
    window.addEventListener('hashchange', onAddressChange);

    renderStatus('connecting');
    page.view.structureChanged();
    renderChrome();
    client.connect();
}

document.getElementById('sheet-name').textContent = sheetId;
document.getElementById('you').textContent = displayName;
document.title = sheetId + ' · LiveGrid';
if (client) {
    start();
} else {
    stop('refused', 'Cannot join: ' + refusal);
}
