// Editing one cell, without ever losing what the user typed to someone else's change.
//
// The editor is a one-line <textarea class="cell-editor"> inside the cell's td (a textarea, not an input:
// an input drops line breaks, so editing a multi-line value would lose them; Alt+Enter adds one). Its `base` is the cell's version
// when editing started, and saving is compare-and-set: if anyone changed the cell meanwhile, the server
// refuses the save instead of overwriting them. A remote change of the cell while the user types leaves
// the draft alone and shows the incoming value beside the editor; a refused save offers a choice in the
// conflict bar (#conflict-bar): "Keep mine" sends the draft again on top of theirs (base: their version),
// "Take theirs" drops it. Both are buttons, in the tab order just before the grid.
//
// Modes, as in spreadsheets: opened by a click or by typing a character, the editor is in "enter" mode
// (the arrows save and move); opened with Enter or F2, or clicked inside, in "edit" mode (the arrows
// move the caret). Enter saves and moves down, Tab right (Shift: back), Alt+Enter adds a line break,
// Escape cancels, leaving the cell saves. Pasting a block of cells into an untouched editor pastes it into the grid instead.
import { parseTable } from './table-text.js';

export class CellEditor {
    /** {row, col, input, base, original, mode, incoming}, or null when no cell is being edited. */
    editing = null;
    #page;
    #conflicts = new Map(); // "row col" → {row, col, mine, theirs, version, by}: lost saves, newest last
    #bar = document.getElementById('conflict-bar');

    constructor(page) {
        this.#page = page;
        document.getElementById('keep-mine').addEventListener('click', () => this.#resolve(true));
        document.getElementById('take-theirs').addEventListener('click', () => this.#resolve(false));
        this.#bar.addEventListener('keydown', (event) => {
            if (event.key === 'Escape') {
                event.preventDefault();
                this.#page.view.focusActive();
            }
        });
    }

    isEditing(row, col) {
        return this.editing !== null && this.editing.row === row && this.editing.col === col;
    }

    /** The lost save of a cell ("row col"), if the user has not decided about it yet. */
    conflictOf(key) {
        return this.#conflicts.get(key);
    }

    /**
     * Opens the editor on a cell. options: text (replaces the value: typing started the edit), mode
     * ('enter' or 'edit', see the top of the file), selectAll (the value is selected, so typing replaces it).
     */
    start(row, col, { text, mode = 'edit', selectAll = false } = {}) {
        const page = this.#page;
        if (!page.canChange()) {
            page.explainReadOnly();
            return;
        }
        if (this.isEditing(row, col)) {
            return;
        }
        this.commit();
        if (page.selection.active?.row !== row || page.selection.active?.col !== col || !page.selection.range) {
            page.selection.selectCell(row, col);
        }
        page.view.scrollToCell(page.view.rowIndexOf(row), page.view.colIndexOf(col));
        page.view.renderNow();
        const td = page.view.cellElement(row, col);
        if (!td) {
            return;
        }
        const input = document.createElement('textarea');
        input.rows = 1;
        input.wrap = 'off';
        input.className = 'cell-editor';
        input.setAttribute('aria-label', 'Edit ' + page.cellLabel(row, col));
        input.value = page.view.shownValue(row, col) ?? '';
        const original = input.value;
        if (text !== undefined) {
            input.value = text;
        }
        input.addEventListener('keydown', (event) => this.#onKey(event));
        input.addEventListener('blur', () => this.editing?.input === input && this.commit());
        input.addEventListener('mousedown', () => { this.editing.mode = 'edit'; });
        input.addEventListener('paste', (event) => this.#onPaste(event));
        this.editing = { row, col, input, original, mode, incoming: null, base: page.client.baseFor(row, col) };
        td.classList.add('editing');
        td.append(input);
        input.focus();
        if (selectAll) {
            input.select();
        } else {
            input.setSelectionRange(input.value.length, input.value.length);
        }
        page.view.cellsChanged([row + ' ' + col]);
    }

    /** Saves the draft if it differs from what the cell showed (an empty text empties the cell), and closes the editor. */
    commit() {
        const editing = this.#end();
        if (!editing || editing.input.value === editing.original) {
            return;
        }
        const { row, col, input, base } = editing;
        this.#drop(row + ' ' + col);
        this.#page.client.edit(row, col, input.value === '' ? null : input.value, { base });
    }

    /** Closes the editor without saving. */
    cancel() {
        this.#end();
    }

    /** Someone else's op was applied: if it wrote the cell being edited, the draft stays and the change is shown. */
    remoteChange(applied) {
        const editing = this.editing;
        if (!editing || applied.mine || !writes(applied.op, editing.row, editing.col)) {
            return;
        }
        const page = this.#page;
        const value = page.client.cell(editing.row, editing.col)?.value ?? null;
        const who = page.userName(applied.by);
        editing.incoming = { value, who };
        const td = page.view.cellElement(editing.row, editing.col);
        let note = td?.querySelector(':scope > .incoming');
        if (td && !note) {
            note = document.createElement('div');
            note.className = 'incoming';
            td.append(note);
        }
        if (note) {
            note.textContent = capitalised(who) + ' changed this to ' + quote(value) + '. Yours is kept; saving asks which stays.';
        }
        page.announce(capitalised(who) + ' changed ' + page.cellName(editing.row, editing.col) + ' to ' + quote(value)
            + ' while you were typing; your text is kept.');
    }

    /** After rows or columns were deleted: an editor whose cell is gone is closed, and the user told what was lost. */
    checkVanished() {
        const editing = this.editing;
        if (editing && (this.#page.view.rowIndexOf(editing.row) < 0 || this.#page.view.colIndexOf(editing.col) < 0)) {
            this.#end();
            this.#page.log('rejected', 'The cell you were editing was deleted by someone else'
                + (editing.input.value !== editing.original ? '; your text ' + quote(editing.input.value) + ' was not saved.' : '.'));
        }
        for (const [key, conflict] of this.#conflicts) {
            if (this.#page.view.rowIndexOf(conflict.row) < 0 || this.#page.view.colIndexOf(conflict.col) < 0) {
                this.#drop(key);
            }
        }
    }

    /** A save of a cell was refused with `conflict`: its cell is flagged and the user asked to choose. */
    lost(rejected) {
        const { op, current } = rejected;
        const page = this.#page;
        const key = current.row + ' ' + current.col;
        const by = page.authorOf(current.version);
        this.#conflicts.delete(key); // to the end: the newest is the one asked about
        this.#conflicts.set(key, { row: current.row, col: current.col, mine: op?.value ?? null, theirs: current.value,
            version: current.version, by });
        page.log('conflict', 'Your value ' + quote(op?.value) + ' at ' + page.cellName(current.row, current.col)
            + ' lost to ' + quote(current.value) + (by ? ' by ' + by : '') + '.');
        page.announce('Your change to ' + page.cellName(current.row, current.col) + ' was not saved: '
            + (by ?? 'someone') + ' changed it to ' + quote(current.value) + '. Choose Keep mine or Take theirs, above the table.');
        page.view.cellsChanged([key]);
        this.#renderBar();
    }

    // ---- internals

    #end() {
        const editing = this.editing;
        if (!editing) {
            return null;
        }
        this.editing = null; // first, so the blur caused by removing the input does not save again
        const td = editing.input.parentElement;
        editing.input.remove();
        td?.querySelector(':scope > .incoming')?.remove();
        td?.classList.remove('editing');
        this.#page.view.cellsChanged([editing.row + ' ' + editing.col]);
        return editing;
    }

    #onKey(event) {
        const editing = this.editing;
        if (!editing) {
            return;
        }
        const page = this.#page;
        const step = {
            Enter: [event.shiftKey ? -1 : 1, 0], Tab: [0, event.shiftKey ? -1 : 1],
            ...(editing.mode === 'enter' ? { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] } : {}),
        }[event.key];
        if (event.key === 'Enter' && event.altKey) { // a line break inside the value, as spreadsheets do
            event.preventDefault();
            editing.input.setRangeText('\n', editing.input.selectionStart, editing.input.selectionEnd, 'end');
            editing.mode = 'edit';
        } else if (step && !event.altKey && !event.ctrlKey && !event.metaKey) {
            event.preventDefault();
            this.commit();
            page.selection.moveBy(step[0], step[1], event.shiftKey && event.key.startsWith('Arrow'));
            page.view.focusActive();
        } else if (event.key === 'Escape') {
            event.preventDefault();
            this.cancel();
            page.view.focusActive();
        } else if (event.key === 'F2') {
            event.preventDefault();
            editing.mode = editing.mode === 'edit' ? 'enter' : 'edit';
            editing.input.setSelectionRange(editing.input.value.length, editing.input.value.length);
        }
    }

    /** A block of cells pasted into an untouched editor goes into the grid, as the user meant. */
    #onPaste(event) {
        const editing = this.editing;
        const text = event.clipboardData?.getData('text/plain') ?? '';
        const block = parseTable(text);
        if (editing && editing.input.value === editing.original && (block.length > 1 || block[0]?.length > 1)) {
            event.preventDefault();
            this.cancel();
            this.#page.view.focusActive();
            this.#page.clipboard.pasteText(text);
        }
    }

    #resolve(keepMine) {
        const entry = [...this.#conflicts.entries()].at(-1);
        if (!entry) {
            return;
        }
        const [key, conflict] = entry;
        const page = this.#page;
        this.#drop(key);
        const name = page.cellName(conflict.row, conflict.col);
        if (keepMine) {
            page.client.edit(conflict.row, conflict.col, conflict.mine, { base: conflict.version });
            page.announce('Saving your ' + quote(conflict.mine) + ' in ' + name + '.');
        } else {
            page.announce('Kept ' + quote(conflict.theirs) + ' in ' + name + '.');
        }
        page.selection.selectCell(conflict.row, conflict.col);
        page.view.focusActive();
    }

    #drop(key) {
        if (this.#conflicts.delete(key)) {
            this.#page.view.cellsChanged([key]);
            this.#renderBar();
        }
    }

    #renderBar() {
        const newest = [...this.#conflicts.values()].at(-1);
        this.#bar.hidden = !newest;
        if (!newest) {
            return;
        }
        const page = this.#page;
        const more = this.#conflicts.size > 1 ? ' (' + this.#conflicts.size + ' cells are waiting for a choice; this is the newest.)' : '';
        document.getElementById('conflict-text').textContent = capitalised(newest.by ?? 'someone') + ' changed '
            + page.cellName(newest.row, newest.col) + ' to ' + quote(newest.theirs) + ' before your ' + quote(newest.mine)
            + ' was saved.' + more;
    }
}

/** Whether an applied op wrote the cell (an edit, or a batch with an edit of it). */
function writes(op, row, col) {
    const ops = op.type === 'batch' ? op.ops || [] : [op];
    return ops.some((sub) => sub.type === 'edit' && sub.row === row && sub.col === col);
}

function quote(value) {
    return value === null || value === undefined ? '(empty)' : '“' + value + '”';
}

function capitalised(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
}
