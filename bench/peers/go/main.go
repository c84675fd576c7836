// The Go peer of bench/compare.sh: the seed's gorilla/websocket echo server (a read loop and a
// write loop per connection joined by a buffered channel) with its per-connection heartbeat, plus
// a chat hub per room in the manner of gorilla's chat example (one hub goroutine per room, a
// buffered send channel per client, a client whose channel is full is dropped).
//
//	go-peer -addr 127.0.0.1:9102 -heartbeat 5s
//
// /echo echoes every message; /hub/{room} relays every message to every connection of the room,
// the sender included. Built offline with Debian's golang-go and golang-github-gorilla-websocket-dev
// (GO111MODULE=off GOPATH=/usr/share/gocode), see bench/compare.sh.
package main

import (
	"errors"
	"flag"
	"log"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

var wsUpgrader = websocket.Upgrader{
	CheckOrigin: func(r *http.Request) bool { return true },
}

var heartbeat time.Duration

type wsMessage struct {
	messageType int
	data        []byte
}

// ---- /echo: the seed's connection, without its printing ----

type wsConnection struct {
	wsSocket  *websocket.Conn
	inChan    chan *wsMessage
	outChan   chan *wsMessage
	mutex     sync.Mutex
	isClosed  bool
	closeChan chan byte
}

func (wsConn *wsConnection) wsReadLoop() {
	for {
		mesType, data, err := wsConn.wsSocket.ReadMessage()
		if err != nil {
			wsConn.wsClose()
			return
		}
		select {
		case wsConn.inChan <- &wsMessage{messageType: mesType, data: data}:
		case <-wsConn.closeChan:
			return
		}
	}
}

func (wsConn *wsConnection) wsWriteLoop() {
	for {
		select {
		case msg := <-wsConn.outChan:
			if err := wsConn.wsSocket.WriteMessage(msg.messageType, msg.data); err != nil {
				wsConn.wsClose()
				return
			}
		case <-wsConn.closeChan:
			return
		}
	}
}

func (wsConn *wsConnection) procLoop() {
	go pingLoop(wsConn.wsSocket, wsConn.closeChan)
	for {
		mes, err := wsConn.wsRead()
		if err != nil {
			return
		}
		if err := wsConn.wsWrite(mes.messageType, mes.data); err != nil {
			return
		}
	}
}

func (wsConn *wsConnection) wsWrite(messageType int, data []byte) error {
	select {
	case wsConn.outChan <- &wsMessage{messageType, data}:
		return nil
	case <-wsConn.closeChan:
		return errors.New("websocket closed")
	}
}

func (wsConn *wsConnection) wsRead() (*wsMessage, error) {
	select {
	case msg := <-wsConn.inChan:
		return msg, nil
	case <-wsConn.closeChan:
		return nil, errors.New("websocket closed")
	}
}

func (wsConn *wsConnection) wsClose() {
	wsConn.wsSocket.Close()
	wsConn.mutex.Lock()
	defer wsConn.mutex.Unlock()
	if !wsConn.isClosed {
		wsConn.isClosed = true
		close(wsConn.closeChan)
	}
}

func echoHandler(res http.ResponseWriter, req *http.Request) {
	wsSocket, err := wsUpgrader.Upgrade(res, req, nil)
	if err != nil {
		return
	}
	wsConn := &wsConnection{
		wsSocket:  wsSocket,
		inChan:    make(chan *wsMessage, 1000),
		outChan:   make(chan *wsMessage, 1000),
		closeChan: make(chan byte),
	}
	go wsConn.procLoop()
	go wsConn.wsReadLoop()
	go wsConn.wsWriteLoop()
}

// pingLoop is the seed's heartbeat goroutine, sending a ping (which WebSocket clients answer by
// themselves) rather than a text message; WriteControl may run beside the write loop.
func pingLoop(conn *websocket.Conn, done chan byte) {
	if heartbeat <= 0 {
		return
	}
	ticker := time.NewTicker(heartbeat)
	defer ticker.Stop()
	for {
		select {
		case <-ticker.C:
			if err := conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(10*time.Second)); err != nil {
				return
			}
		case <-done:
			return
		}
	}
}

// ---- /hub/{room}: gorilla's chat example, one hub per room ----

type client struct {
	hub  *hub
	conn *websocket.Conn
	send chan []byte
	done chan byte
}

type hub struct {
	clients    map[*client]bool
	broadcast  chan []byte
	register   chan *client
	unregister chan *client
}

var (
	hubsMu sync.Mutex
	hubs   = map[string]*hub{}
)

func hubFor(room string) *hub {
	hubsMu.Lock()
	defer hubsMu.Unlock()
	h := hubs[room]
	if h == nil {
		h = &hub{
			clients:    map[*client]bool{},
			broadcast:  make(chan []byte),
			register:   make(chan *client),
			unregister: make(chan *client),
		}
		hubs[room] = h
		go h.run()
	}
	return h
}

func (h *hub) run() {
	for {
		select {
		case c := <-h.register:
			h.clients[c] = true
		case c := <-h.unregister:
			if h.clients[c] {
				delete(h.clients, c)
				close(c.send)
			}
		case message := <-h.broadcast:
			for c := range h.clients {
				select {
				case c.send <- message:
				default:
					close(c.send)
					delete(h.clients, c)
				}
			}
		}
	}
}

func (c *client) readPump() {
	defer func() {
		c.hub.unregister <- c
		c.conn.Close()
		close(c.done)
	}()
	for {
		_, message, err := c.conn.ReadMessage()
		if err != nil {
			return
		}
		c.hub.broadcast <- message
	}
}

func (c *client) writePump() {
	defer c.conn.Close()
	for message := range c.send {
		if err := c.conn.WriteMessage(websocket.TextMessage, message); err != nil {
			return
		}
	}
	c.conn.WriteMessage(websocket.CloseMessage, []byte{})
}

func hubHandler(res http.ResponseWriter, req *http.Request) {
	room := strings.TrimPrefix(req.URL.Path, "/hub/")
	if room == "" {
		http.NotFound(res, req)
		return
	}
	conn, err := wsUpgrader.Upgrade(res, req, nil)
	if err != nil {
		return
	}
	c := &client{hub: hubFor(room), conn: conn, send: make(chan []byte, 256), done: make(chan byte)}
	c.hub.register <- c
	go c.writePump()
	go c.readPump()
	go pingLoop(conn, c.done)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:9102", "listen address")
	flag.DurationVar(&heartbeat, "heartbeat", 0, "ping every connection this often (0: never)")
	flag.Parse()
	http.HandleFunc("/echo", echoHandler)
	http.HandleFunc("/hub/", hubHandler)
	log.Printf("go peer on %s (heartbeat %v)", *addr, heartbeat)
	log.Fatal(http.ListenAndServe(*addr, nil))
}
