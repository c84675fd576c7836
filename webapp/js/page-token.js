// The signed-in page's token in this tab: taken from the address's fragment (`#token=…`) into
// sessionStorage, and out of the address bar at once, so copying the address or a Referer never
// carries it. Shared by the sheet page and the home page; the token goes to the server and nowhere
// else (never into the DOM, a log or a message).
import { addressWithoutToken, tokenFromFragment } from './access.js';

/** Where the page keeps its token: sessionStorage, so it lasts for this tab and is gone when the tab is. */
const TOKEN_KEY = 'livegrid.token';

/** Moves a token from the address's fragment to sessionStorage and takes it out of the address bar; null if none. */
export function takeTokenFromAddress() {
    const { token: taken, found } = tokenFromFragment(window.location.hash);
    if (!found) {
        return null;
    }
    window.history.replaceState(window.history.state, '', addressWithoutToken(window.location));
    store(taken);
    return taken;
}

/** The token kept for this tab, or null. */
export function storedToken() {
    try {
        return window.sessionStorage.getItem(TOKEN_KEY);
    } catch (e) {
        return null; // storage is off: the page works with a token from its address only
    }
}

/** Keeps `value` as this tab's token (nothing when it is empty). */
export function store(value) {
    try {
        if (value) {
            window.sessionStorage.setItem(TOKEN_KEY, value);
        }
    } catch (e) {
        // storage is off or full: the token lasts as long as the page
    }
}
