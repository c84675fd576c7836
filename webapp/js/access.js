// Access tokens on the page: the token a link carries in its fragment (`#token=…`), and what its
// claims say. No DOM and no dependencies, so it runs in browsers and under `node --test` alike.
//
// A token is only read here, never checked: the server checks every token it is given. The claims
// are used to show a name before the welcome arrives and to tell "your session expired" from "your
// token was refused". A token must never reach the DOM, a log or an error message.

/** Fragment keys a token may come under: `token`, or OAuth's `access_token`. */
const FRAGMENT_KEYS = new Set(['token', 'access_token']);

/** What a sign-in hint shows where the token goes. */
export const TOKEN_PLACEHOLDER = 'YOUR-TOKEN';

/**
 * The token a location's fragment carries, and the fragment without it.
 *
 * @param hash `location.hash`: '' or '#…', e.g. '#token=eyJ…' or '#row=3&token=eyJ…'
 * @return {{token: string|null, found: boolean, fragment: string}} `token` null when there is none
 *         or it is empty; `found` whether a token key was there at all (then the address is rewritten);
 *         `fragment` the rest, without '#'
 */
export function tokenFromFragment(hash) {
    const text = (hash || '').replace(/^#/, '');
    let token = null;
    let found = false;
    const rest = [];
    for (const part of text ? text.split('&') : []) {
        const equals = part.indexOf('=');
        const key = equals < 0 ? part : part.slice(0, equals);
        if (!FRAGMENT_KEYS.has(key)) {
            rest.push(part);
            continue;
        }
        found = true;
        const value = decoded(equals < 0 ? '' : part.slice(equals + 1)).trim();
        token = value || token;
    }
    return { token, found, fragment: rest.join('&') };
}

function decoded(text) {
    try {
        return decodeURIComponent(text);
    } catch (e) {
        return text; // a stray '%': JWTs never contain one, so this is not a JWT either way
    }
}

/**
 * The page's address without the token: path, query, and what else the fragment held. For
 * `history.replaceState`, so the token is neither shared by copying the address nor kept in history.
 */
export function addressWithoutToken(location) {
    const { fragment } = tokenFromFragment(location.hash);
    return location.pathname + location.search + (fragment ? '#' + fragment : '');
}

/** How to open this page with a token: its address with `#token=YOUR-TOKEN` (for a sign-in hint). */
export function signInAddress(location) {
    return location.protocol + '//' + location.host + location.pathname + location.search
        + '#token=' + TOKEN_PLACEHOLDER;
}

/**
 * The claims of a JWT that matter to the page, read without checking the signature: `sub`, `name`
 * and `exp` (seconds since the epoch), each null when absent or of the wrong type. Null when the
 * text is not a JWT whose payload is a JSON object.
 */
export function tokenClaims(token) {
    const parts = typeof token === 'string' ? token.split('.') : [];
    if (parts.length !== 3) {
        return null;
    }
    let payload;
    try {
        payload = JSON.parse(base64UrlText(parts[1]));
    } catch (e) {
        return null;
    }
    if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
        return null;
    }
    return {
        sub: typeof payload.sub === 'string' ? payload.sub : null,
        name: typeof payload.name === 'string' ? payload.name : null,
        exp: typeof payload.exp === 'number' && Number.isFinite(payload.exp) ? payload.exp : null,
    };
}

/** Whether claims with an `exp` say the token has expired at `nowMillis` (the server allows some clock skew). */
export function hasExpired(claims, nowMillis = Date.now()) {
    return claims?.exp != null && claims.exp * 1000 <= nowMillis;
}

/** UTF-8 text of base64url (no padding needed); throws on characters outside the alphabet. */
function base64UrlText(text) {
    if (!/^[A-Za-z0-9_-]*$/.test(text)) {
        throw new Error('not base64url');
    }
    const base64 = text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=');
    const binary = atob(base64);
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}
