// Undo and redo of the user's own changes: Ctrl/Cmd+Z, Ctrl/Cmd+Shift+Z or Ctrl+Y, and the toolbar's
// Undo and Redo buttons. undo.js does the thinking: every op of this user that the server applied is
// recorded with the state it was applied to (the client's `stateBefore`), and an undo is an op like any
// other, whose bases make the server refuse it rather than overwrite what someone else did since. A
// refusal is explained in the messages and read out; a paste is undone whole, as it was made.
import { UndoHistory } from './undo.js';

export class UndoControl {
    #page;
    #history = new UndoHistory();
    #sent = new Map(); // op id → 'undo' | 'redo', for the undo or redo on its way
    #undoButton = document.getElementById('undo');
    #redoButton = document.getElementById('redo');

    constructor(page) {
        this.#page = page;
        this.#undoButton.addEventListener('click', () => this.run('undo'));
        this.#redoButton.addEventListener('click', () => this.run('redo'));
        document.addEventListener('keydown', (event) => this.#onKey(event));
    }

    /** The sheet was replaced (a full welcome): nothing recorded refers to it any more. */
    reset() {
        this.#history.clear();
        this.#sent.clear();
        this.render();
    }

    /** Every applied op: the user's own are recorded, and an undo or redo on its way is settled. */
    applied(detail) {
        if (!detail.mine) {
            return;
        }
        const kind = this.#sent.get(detail.id);
        if (kind) {
            this.#sent.delete(detail.id);
            this.#history.applied(kind, detail.stateBefore, detail.op, detail.version);
            this.#page.announce(kind === 'undo' ? 'Undone.' : 'Redone.');
        } else {
            this.#history.record({ stateBefore: detail.stateBefore, op: detail.op, version: detail.version });
        }
        this.render();
    }

    /** A refusal of an undo or redo is explained; returns false for other ops. */
    rejected(detail) {
        const kind = this.#sent.get(detail.id);
        if (!kind) {
            return false;
        }
        this.#sent.delete(detail.id);
        const page = this.#page;
        const why = this.#history.refused(kind, detail, {
            cellName: (row, col) => page.cellName(row, col),
            whoChanged: (cell) => page.authorOf(cell.version),
        });
        if (why) {
            page.log(detail.code === 'conflict' ? 'conflict' : 'rejected', why);
            page.announce(why);
        }
        this.render();
        return true;
    }

    run(kind) {
        const page = this.#page;
        if (!page.canChange()) {
            page.explainReadOnly();
            return;
        }
        page.editor.commit();
        const op = kind === 'undo' ? this.#history.nextUndo(page.client.state) : this.#history.nextRedo(page.client.state);
        if (!op) {
            page.announce(this.#history.waiting ? 'Wait: the last ' + this.#history.waiting + ' is on its way.'
                : 'Nothing to ' + kind + '.');
            return;
        }
        this.#sent.set(page.client.submit(op), kind);
        this.render();
    }

    render() {
        const page = this.#page;
        this.#undoButton.disabled = !page.canChange() || !this.#history.canUndo;
        this.#redoButton.disabled = !page.canChange() || !this.#history.canRedo;
        this.#undoButton.title = 'Undo your last change (Ctrl+Z)' + depth(this.#history.undoDepth);
        this.#redoButton.title = 'Redo what you undid (Ctrl+Shift+Z or Ctrl+Y)' + depth(this.#history.redoDepth);
    }

    /** The shortcuts everywhere on the page but in a text field, whose own undo they are. */
    #onKey(event) {
        const mod = event.ctrlKey || event.metaKey;
        const key = event.key.toLowerCase();
        if (!mod || event.altKey || (key !== 'z' && key !== 'y') || isTextField(event.target)) {
            return;
        }
        event.preventDefault();
        this.run(key === 'y' || event.shiftKey ? 'redo' : 'undo');
    }
}

function depth(n) {
    return n > 0 ? ' — ' + n + ' step' + (n === 1 ? '' : 's') : '';
}

function isTextField(element) {
    return element instanceof HTMLElement && (element.isContentEditable
        || element.matches('input:not([type=button]):not([type=checkbox]):not([type=radio]):not([type=file]), textarea, select'));
}
