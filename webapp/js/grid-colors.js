// A colour per user, the same on every page that shows them (derived from the user id), for their
// name tag on the cell they are on and their swatch in the list of who is here. Each user gets two
// shades of one hue: a dark one for the light scheme (under white text) and a light one for the dark
// scheme (under near-black text), each at least 4.5:1 against its text (WCAG AA), whatever the hue: a
// yellow needs to be much darker than a blue to carry white text. No DOM and no dependencies.

const WHITE = [255, 255, 255];
/** The dark scheme's text on a name tag (sheet.css --user-text). */
const INK = [13, 17, 23];
const MIN_CONTRAST = 4.6;

/**
 * The user's colours: `hue` (degrees), `light` (a dark shade, for the light scheme) and `dark` (a light
 * shade, for the dark scheme), as #rrggbb. Hues step by the golden angle, so ids that differ by one
 * character (u-1, u-2) still get clearly different colours, and stay out of the reds, which mean "conflict".
 */
export function userColors(userId) {
    let hash = 0;
    for (const char of String(userId)) {
        hash = (hash * 31 + char.codePointAt(0)) >>> 0;
    }
    const hue = Math.round(30 + (hash * 137.508) % 290);
    let light = 42;
    while (contrast(hsl(hue, 70, light), WHITE) < MIN_CONTRAST) {
        light -= 2;
    }
    let dark = 62;
    while (contrast(hsl(hue, 70, dark), INK) < MIN_CONTRAST) {
        dark += 2;
    }
    return { hue, light: hex(hsl(hue, 70, light)), dark: hex(hsl(hue, 70, dark)) };
}

/** The contrast ratio of two sRGB colours ([r, g, b], 0-255), as WCAG defines it. */
export function contrast(a, b) {
    const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (high + 0.05) / (low + 0.05);
}

function luminance(rgb) {
    const [r, g, b] = rgb.map((channel) => {
        const c = channel / 255;
        return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** hsl(h s% l%) as [r, g, b], 0-255. */
function hsl(h, s, l) {
    const a = (s / 100) * Math.min(l / 100, 1 - l / 100);
    const f = (n) => {
        const k = (n + h / 30) % 12;
        return Math.round(255 * (l / 100 - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
    };
    return [f(0), f(8), f(4)];
}

function hex(rgb) {
    return '#' + rgb.map((channel) => channel.toString(16).padStart(2, '0')).join('');
}
