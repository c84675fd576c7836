// The echo test page: opens a WebSocket to the "echo" endpoint beside this page and logs what happens.
// Everything logged is set as text (textContent), never parsed as HTML.
(function () {
    'use strict';

    const openButton = document.getElementById('open');
    const closeButton = document.getElementById('close');
    const sendButton = document.getElementById('send');
    const message = document.getElementById('message');
    const log = document.getElementById('log');

    const url = echoUrl(window.location);
    let socket = null;

    /** ws: or wss: like the page, same host, the page's directory + "echo" (/livegrid/echo.html → /livegrid/echo). */
    function echoUrl(location) {
        const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
        const directory = location.pathname.substring(0, location.pathname.lastIndexOf('/') + 1);
        return scheme + '//' + location.host + directory + 'echo';
    }

    function append(kind, text) {
        const line = document.createElement('li');
        line.className = kind;
        line.textContent = text;
        log.appendChild(line);
        log.scrollTop = log.scrollHeight;
    }

    function updateButtons() {
        const state = socket ? socket.readyState : WebSocket.CLOSED;
        openButton.disabled = socket !== null;
        closeButton.disabled = state !== WebSocket.CONNECTING && state !== WebSocket.OPEN;
        sendButton.disabled = state !== WebSocket.OPEN;
    }

    function open() {
        if (socket) {
            return;
        }
        socket = new WebSocket(url);
        socket.binaryType = 'arraybuffer';
        socket.onopen = () => {
            append('open', 'OPEN');
            updateButtons();
        };
        socket.onmessage = (event) => {
            const data = typeof event.data === 'string' ? event.data : '(' + event.data.byteLength + ' bytes of binary)';
            append('response', 'RESPONSE: ' + data);
        };
        socket.onerror = () => append('error', 'ERROR');
        socket.onclose = (event) => {
            append('close', 'CLOSE: ' + event.code + (event.reason ? ' ' + event.reason : ''));
            socket = null;
            updateButtons();
        };
        updateButtons();
    }

    function close() {
        if (socket) {
            socket.close(1000, 'Closed by the user');
            updateButtons();
        }
    }

    function send(event) {
        event.preventDefault();
        if (!socket || socket.readyState !== WebSocket.OPEN) {
            return;
        }
        socket.send(message.value);
        append('send', 'SEND: ' + message.value);
    }

    document.getElementById('url').textContent = url;
    openButton.addEventListener('click', open);
    closeButton.addEventListener('click', close);
    document.getElementById('controls').addEventListener('submit', send);
    updateButtons();
}());
