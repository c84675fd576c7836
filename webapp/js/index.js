// The page at `/`: the table editor for `?sheet=ID`, otherwise the home page listing the sheets.
const sheet = new URLSearchParams(window.location.search).has('sheet');
document.getElementById(sheet ? 'sheet-ui' : 'home').hidden = false;
await import(sheet ? './sheet-page.js' : './home-page.js');
