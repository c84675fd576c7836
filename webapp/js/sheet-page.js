// The table editor: renders one sheet from LiveGridClient's state and turns clicks and keys into ops.
// Every piece of data (values, names, ids) reaches the DOM as text: textContent, setAttribute, dataset.
//
// Signed in (a server with auth=token): the page is opened with `#token=…`; the token moves to
// sessionStorage (this tab only) and out of the address bar at once, so copying the address or a
// Referer never carries it. It goes to the server as the socket's access_token and nowhere else:
// never into the DOM, a log or a message.
//
// Test hooks: td[data-row][data-col] (value in .cell-value; .conflict, .pending, .selected, .editing),
// th[data-col], #status, #users li[data-user], .presence-marker (a user's name) inside a td,
// input.cell-editor inside the td being edited, buttons #add-row #delete-row #add-column
// #rename-column #delete-column, #you, #role[data-role], #grid.read-only, #view-only,
// #notice[data-reason] (sign-in, expired, token-refused, forbidden, revoked).
import { ACCESS_REVOKED, canEdit, isValidId, LiveGridClient, nameProblem, TOKEN_EXPIRED } from './livegrid.js';
import { hasExpired, signInAddress, tokenClaims } from './access.js';
import { store, storedToken, takeTokenFromAddress } from './page-token.js';

const MAX_MESSAGES = 30;

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

const head = document.getElementById('grid-head');
const body = document.getElementById('grid-body');

const view = {
    selected: null,       // {row, col}: the local user's place; either may be null (a whole row or column)
    editing: null,        // {row, col, input, base, original}
    conflicts: new Map(), // cellKey → {mine, theirs}: lost compare-and-set races, until the next local edit
    rowElements: new Map(), // rowId → {tr, cells: Map colId → td}
    sentFocus: null,      // the focus last sent, so selection changes do not repeat it
    stopped: null,        // why the page stopped for good (see stop), or null while it runs
    expires: claims?.exp ? claims.exp * 1000 : null, // when the session's token expires (ms), if known
};

// ---------------------------------------------------------------- rendering

function render() {
    dropVanishedSelection();
    renderHeader();
    renderBody();
    document.getElementById('empty').hidden = client.columns.length > 0;
    renderToolbar();
    renderUsers();
    renderIdentity();
}

function renderHeader() {
    const corner = document.createElement('th');
    corner.className = 'corner';
    const headers = client.columns.map((column) => {
        const th = document.createElement('th');
        th.scope = 'col';
        th.dataset.col = column.id;
        th.textContent = column.name;
        th.classList.toggle('selected', view.selected?.col === column.id && !view.selected.row);
        return th;
    });
    head.replaceChildren(corner, ...headers);
}

function renderBody() {
    const trs = client.rows.map((row, index) => renderRow(row, index));
    for (const rowId of [...view.rowElements.keys()]) {
        if (!client.rows.some((row) => row.id === rowId)) {
            view.rowElements.delete(rowId);
        }
    }
    reconcile(body, trs, 0);
}

function renderRow(row, index) {
    const entry = view.rowElements.get(row.id) || createRow(row.id);
    entry.tr.firstElementChild.textContent = String(index + 1);
    entry.tr.classList.toggle('selected', view.selected?.row === row.id && !view.selected.col);
    const tds = client.columns.map((column) => {
        const td = entry.cells.get(column.id) || createCell(row.id, column.id);
        entry.cells.set(column.id, td);
        renderCell(td, row, column.id);
        return td;
    });
    for (const colId of [...entry.cells.keys()]) {
        if (!client.columns.some((column) => column.id === colId)) {
            entry.cells.delete(colId);
        }
    }
    reconcile(entry.tr, tds, 1);
    return entry.tr;
}

function createRow(rowId) {
    const tr = document.createElement('tr');
    tr.dataset.row = rowId;
    const rowHead = document.createElement('th');
    rowHead.scope = 'row';
    rowHead.className = 'row-head';
    tr.appendChild(rowHead);
    const entry = { tr, cells: new Map() };
    view.rowElements.set(rowId, entry);
    return entry;
}

function createCell(rowId, colId) {
    const td = document.createElement('td');
    td.dataset.row = rowId;
    td.dataset.col = colId;
    td.tabIndex = -1;
    const value = document.createElement('span');
    value.className = 'cell-value';
    const markers = document.createElement('span');
    markers.className = 'markers';
    td.append(value, markers);
    return td;
}

function renderCell(td, row, colId) {
    const key = cellKey(row.id, colId);
    const pending = pendingEdit(row.id, colId);
    const shown = pending ? pending.value : row.cells[colId]?.value;
    td.querySelector('.cell-value').textContent = shown ?? '';
    td.classList.toggle('pending', Boolean(pending));
    td.classList.toggle('selected', view.selected?.row === row.id && view.selected?.col === colId);
    td.classList.toggle('editing', isEditing(row.id, colId));
    renderConflict(td, view.conflicts.get(key));
    renderMarkers(td, row.id, colId);
}

function renderConflict(td, conflict) {
    td.classList.toggle('conflict', Boolean(conflict));
    if (conflict) {
        td.setAttribute('title', 'your value ' + quote(conflict.mine) + ' lost to ' + quote(conflict.theirs));
    } else {
        td.removeAttribute('title');
    }
}

/** Everyone else on this cell: a name tag each, and the cell outlined in the first one's colour. */
function renderMarkers(td, rowId, colId) {
    const here = (view.stopped === null ? client.users : []).filter((user) => user.id !== client.you
        && user.focus && user.focus.row === rowId && user.focus.col === colId);
    const tags = here.map((user) => {
        const tag = document.createElement('span');
        tag.className = 'presence-marker';
        tag.dataset.user = user.id;
        tag.textContent = user.name;
        tag.style.setProperty('--user-color', colorOf(user.id));
        return tag;
    });
    td.querySelector('.markers').replaceChildren(...tags);
    td.classList.toggle('occupied', here.length > 0);
    if (here.length > 0) {
        td.style.setProperty('--user-color', colorOf(here[0].id));
    } else {
        td.style.removeProperty('--user-color');
    }
}

function renderUsers() {
    // Once the page has stopped it hears no more presence: who was here then is not who is here now.
    const users = view.stopped === null ? client.users : [];
    const items = users.map((user) => {
        const li = document.createElement('li');
        li.dataset.user = user.id;
        li.style.setProperty('--user-color', colorOf(user.id));
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

function renderToolbar() {
    const row = view.selected?.row;
    const col = view.selected?.col;
    const editable = canChange();
    document.getElementById('add-row').disabled = !editable;
    document.getElementById('add-column').disabled = !editable;
    document.getElementById('delete-row').disabled = !editable || !row;
    document.getElementById('rename-column').disabled = !editable || !col;
    document.getElementById('delete-column').disabled = !editable || !col;
    document.getElementById('grid').classList.toggle('read-only', !editable);
    document.getElementById('edit-hint').hidden = !editable;
    document.getElementById('view-only').hidden = view.stopped !== null || canEdit(client.role);
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
    const until = view.expires ? '; signed in until ' + new Date(view.expires).toLocaleTimeString() : '';
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

/**
 * Makes `parent`'s children from index `start` exactly `nodes`, in order. Vanished nodes are removed
 * first, so a node that stays is never moved: moving the cell being edited would take its focus away.
 */
function reconcile(parent, nodes, start) {
    const wanted = new Set(nodes);
    for (const child of [...parent.children].slice(start)) {
        if (!wanted.has(child)) {
            child.remove();
        }
    }
    nodes.forEach((node, index) => {
        const current = parent.children[start + index];
        if (current !== node) {
            parent.insertBefore(node, current || null);
        }
    });
}

// ---------------------------------------------------------------- helpers

/** The name without control characters (stray line breaks in a link); a name that is too long is refused, not cut. */
function cleanName(name) {
    return (name || '').replace(/\p{Cc}/gu, '').trim();
}

function cellKey(rowId, colId) {
    return rowId + '\u0000' + colId;
}

function pendingEdit(rowId, colId) {
    return client.pending.filter((op) => op.type === 'edit' && op.row === rowId && op.col === colId).pop();
}

function isEditing(rowId, colId) {
    return view.editing !== null && view.editing.row === rowId && view.editing.col === colId;
}

/** Whether the user may change the sheet now: the page runs and the role allows it. */
function canChange() {
    return client !== null && view.stopped === null && canEdit(client.role);
}

function cellElement(rowId, colId) {
    return view.rowElements.get(rowId)?.cells.get(colId) || null;
}

/**
 * A stable colour per user id, so everyone sees the same person in the same colour. Hues step by the
 * golden angle, so ids that differ by one character (u-1, u-2) still get clearly different colours,
 * and stay out of the reds, which mean "conflict".
 */
function colorOf(userId) {
    let hash = 0;
    for (const char of String(userId)) {
        hash = (hash * 31 + char.codePointAt(0)) >>> 0;
    }
    return 'hsl(' + Math.round(30 + (hash * 137.508) % 290) + ' 65% 40%)';
}

function quote(value) {
    return value === null || value === undefined ? '(empty)' : '“' + value + '”';
}

function describeCell(rowId, colId) {
    const index = client.rows.findIndex((row) => row.id === rowId);
    const column = client.columns.find((candidate) => candidate.id === colId);
    return index < 0 || !column ? '' : 'row ' + (index + 1) + ', ' + column.name;
}

function lastId(list) {
    return list.length ? list[list.length - 1].id : undefined;
}

// ---------------------------------------------------------------- selection and presence

function select(selection) {
    view.selected = selection;
    const focus = selection && selection.row && selection.col ? selection : null;
    if (cellKey(focus?.row, focus?.col) !== cellKey(view.sentFocus?.row, view.sentFocus?.col)) {
        view.sentFocus = focus;
        if (focus) {
            client.focus(focus.row, focus.col);
        } else {
            client.blur();
        }
    }
    render();
}

/** After a row or column vanished under the selection (someone deleted it), keep what is left of it. */
function dropVanishedSelection() {
    const selected = view.selected;
    if (!selected) {
        return;
    }
    if (view.editing && !cellStillExists(view.editing.row, view.editing.col)) {
        log('rejected', 'The cell you were editing was deleted by someone else.');
        endEdit();
    }
    const row = client.rows.some((candidate) => candidate.id === selected.row) ? selected.row : null;
    const col = client.columns.some((candidate) => candidate.id === selected.col) ? selected.col : null;
    if (row !== selected.row || col !== selected.col) {
        select(row || col ? { row, col } : null);
    }
}

function cellStillExists(rowId, colId) {
    return client.rows.some((row) => row.id === rowId) && client.columns.some((column) => column.id === colId);
}

function moveSelection(rowStep, colStep) {
    const rowIndex = client.rows.findIndex((row) => row.id === view.selected?.row);
    const colIndex = client.columns.findIndex((column) => column.id === view.selected?.col);
    const row = client.rows[Math.min(client.rows.length - 1, Math.max(0, rowIndex + rowStep))];
    const column = client.columns[Math.min(client.columns.length - 1, Math.max(0, colIndex + colStep))];
    if (row && column) {
        select({ row: row.id, col: column.id });
        cellElement(row.id, column.id)?.focus();
    }
}

// ---------------------------------------------------------------- editing

/** Opens an editor in the cell; the base is taken now, so a change by someone else while typing is a conflict. */
function startEdit(rowId, colId, initialText) {
    if (isEditing(rowId, colId) || !canChange()) {
        return;
    }
    commitEdit();
    select({ row: rowId, col: colId });
    const td = cellElement(rowId, colId);
    if (!td) {
        return;
    }
    const original = td.querySelector('.cell-value').textContent;
    const input = document.createElement('input');
    input.type = 'text';
    input.className = 'cell-editor';
    input.setAttribute('aria-label', describeCell(rowId, colId));
    input.value = initialText ?? original;
    input.addEventListener('keydown', onEditorKey);
    input.addEventListener('blur', () => view.editing?.input === input && commitEdit());
    view.editing = { row: rowId, col: colId, input, original, base: client.baseFor(rowId, colId) };
    td.classList.add('editing');
    td.appendChild(input);
    input.focus();
    if (initialText === undefined) {
        input.select();
    }
}

function onEditorKey(event) {
    if (event.key === 'Enter') {
        event.preventDefault();
        const { row, col } = view.editing;
        commitEdit();
        cellElement(row, col)?.focus();
    } else if (event.key === 'Escape') {
        event.preventDefault();
        const { row, col } = view.editing;
        endEdit();
        cellElement(row, col)?.focus();
    }
}

/** Sends the edit when the text changed (an empty cell is null) and clears the cell's old conflict flag. */
function commitEdit() {
    const editing = endEdit();
    if (!editing || editing.input.value === editing.original) {
        return;
    }
    view.conflicts.delete(cellKey(editing.row, editing.col));
    client.edit(editing.row, editing.col, editing.input.value === '' ? null : editing.input.value,
        { base: editing.base });
}

/** Closes the editor without sending; returns what was being edited. */
function endEdit() {
    const editing = view.editing;
    if (!editing) {
        return null;
    }
    view.editing = null; // first, so the blur caused by removing the input does not commit again
    editing.input.remove();
    cellElement(editing.row, editing.col)?.classList.remove('editing');
    render();
    return editing;
}

// ---------------------------------------------------------------- user input

function onGridClick(event) {
    const td = event.target.closest('td[data-row]');
    if (td && canChange()) {
        startEdit(td.dataset.row, td.dataset.col);
        return;
    }
    if (td) {
        select({ row: td.dataset.row, col: td.dataset.col }); // view only: a place to be, not to edit
        cellElement(td.dataset.row, td.dataset.col)?.focus();
        return;
    }
    const th = event.target.closest('th');
    if (th?.dataset.col) {
        commitEdit();
        select({ row: null, col: th.dataset.col });
    } else if (th?.classList.contains('row-head')) {
        commitEdit();
        select({ row: th.parentElement.dataset.row, col: null });
    }
}

const KEY_MOVES = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };

/** Keys on a selected cell that is not being edited. */
function onGridKey(event) {
    const td = event.target.closest?.('td[data-row]');
    if (!td || view.editing) {
        return;
    }
    const { row, col } = td.dataset;
    if (KEY_MOVES[event.key]) {
        event.preventDefault();
        moveSelection(...KEY_MOVES[event.key]);
    } else if (!canChange()) {
        if (event.key === 'Escape') {
            select(null);
            td.blur();
        }
    } else if (event.key === 'Enter' || event.key === 'F2') {
        event.preventDefault();
        startEdit(row, col);
    } else if (event.key === 'Delete' || event.key === 'Backspace') {
        event.preventDefault();
        clearCell(row, col);
    } else if (event.key === 'Escape') {
        select(null);
        td.blur();
    } else if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        startEdit(row, col, event.key);
    }
}

/** A press outside the table and the toolbar leaves the table: others stop seeing us on a cell. */
function onDocumentPointer(event) {
    if (!event.target.closest('#grid, #toolbar')) {
        commitEdit();
        if (view.selected) {
            select(null);
        }
    }
}

function clearCell(rowId, colId) {
    if (!canChange()) {
        return;
    }
    const pending = pendingEdit(rowId, colId);
    const shown = pending ? pending.value : client.cell(rowId, colId)?.value;
    if (shown !== null && shown !== undefined) {
        view.conflicts.delete(cellKey(rowId, colId));
        client.edit(rowId, colId, null);
    }
}

function addRow() {
    if (!canChange()) {
        return;
    }
    commitEdit();
    client.insertRow(view.selected?.row || lastId(client.rows));
}

function deleteRow() {
    const row = view.selected?.row;
    if (row && canChange() && window.confirm('Delete ' + describeRow(row) + ' for everyone?')) {
        client.deleteRow(row);
    }
}

function addColumn() {
    if (!canChange()) {
        return;
    }
    commitEdit();
    const name = window.prompt('Name of the new column:', '');
    if (name) {
        client.addColumn(name, view.selected?.col || lastId(client.columns));
    }
}

function renameColumn() {
    const column = client.columns.find((candidate) => candidate.id === view.selected?.col);
    const name = column && canChange() && window.prompt('New name of column ' + quote(column.name) + ':', column.name);
    if (name && name !== column.name) {
        client.renameColumn(column.id, name);
    }
}

function deleteColumn() {
    const column = client.columns.find((candidate) => candidate.id === view.selected?.col);
    if (column && canChange() && window.confirm('Delete column ' + quote(column.name) + ' for everyone?')) {
        client.deleteColumn(column.id);
    }
}

function describeRow(rowId) {
    return 'row ' + (client.rows.findIndex((row) => row.id === rowId) + 1);
}

// ---------------------------------------------------------------- events from the server

/** My new row or column becomes the selection, so repeated "Add row" keeps appending below it. */
function onApplied(event) {
    const { op, mine } = event.detail;
    if (!mine || view.editing) {
        return;
    }
    if (op.type === 'insertRow' && client.columns.length > 0) {
        select({ row: op.row, col: view.selected?.col || client.columns[0].id });
    } else if (op.type === 'addColumn') {
        select({ row: view.selected?.row || null, col: op.col });
    }
}

function onRejected(event) {
    const { code, message, current, op } = event.detail;
    if (code === 'conflict' && current) {
        view.conflicts.set(cellKey(current.row, current.col), { mine: op?.value, theirs: current.value });
        log('conflict', 'Your value ' + quote(op?.value) + ' at ' + describeCell(current.row, current.col)
            + ' lost to ' + quote(current.value) + '.');
    } else {
        log('rejected', (op ? op.type + ' ' : '') + 'refused (' + code + '): ' + message);
    }
    render();
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
    view.stopped = why;
    if (client) {
        endEdit();
        render();
    }
    renderStatus('closed');
    for (const button of document.querySelectorAll('#toolbar button')) {
        button.disabled = true;
    }
    log('error', reason);
}

/** After a stop for an expired session, with a fresh token handed to the client: reconnect and resume. */
function resume() {
    view.stopped = null;
    hideNotice();
    showSheet(true);
    render();
    client.connect();
}

/** The owner changed the user's access, or a fresh token brought another role. */
function onRole(event) {
    const { role } = event.detail;
    if (!canEdit(role)) {
        endEdit(); // what was being typed cannot be saved any more
    }
    log('role', 'Your role on this sheet is now ' + role + (canEdit(role)
        ? ': you can change it.' : ': you can read it but not change it.'));
    render();
}

function onAuthenticated(event) {
    const expires = Date.parse(event.detail.expires);
    view.expires = Number.isNaN(expires) ? null : expires;
    store(client.token);
    log('info', 'Signed in again with the new token'
        + (view.expires ? '; the session now lasts until ' + new Date(view.expires).toLocaleTimeString() : '') + '.');
    render();
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
    if (!client || anotherUser || (view.stopped !== null && view.stopped !== 'expired')) {
        window.location.reload();
        return;
    }
    client.authenticate(fresh);
    if (view.stopped === 'expired') {
        log('info', 'Signing in again with the new token.');
        resume();
    }
}

// ---------------------------------------------------------------- start

function start() {
    body.addEventListener('click', onGridClick);
    head.addEventListener('click', onGridClick);
    body.addEventListener('keydown', onGridKey);
    document.addEventListener('mousedown', onDocumentPointer);
    document.getElementById('add-row').addEventListener('click', addRow);
    document.getElementById('delete-row').addEventListener('click', deleteRow);
    document.getElementById('add-column').addEventListener('click', addColumn);
    document.getElementById('rename-column').addEventListener('click', renameColumn);
    document.getElementById('delete-column').addEventListener('click', deleteColumn);

    client.addEventListener('status', (event) => renderStatus(event.detail.status));
    client.addEventListener('state', render);
    client.addEventListener('pending', render);
    client.addEventListener('presence', render);
    client.addEventListener('applied', onApplied);
    client.addEventListener('rejected', onRejected);
    client.addEventListener('error', onError);
    client.addEventListener('role', onRole);
    client.addEventListener('authenticated', onAuthenticated);
    window.addEventListener('hashchange', onAddressChange);

    renderStatus('connecting');
    render();
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
