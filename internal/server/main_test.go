package server_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/server/servertest"
	"github.com/tremplin/tremplin/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// A stop drains: a request already being received when shutdown starts still
// gets its answer, and new connections are refused.
func TestShutdownDrainsInFlightRequests(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.Options{NoDemo: true})
	addr := strings.TrimPrefix(s.URL(), "http://")
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	body := `{"email":"personne@exemple.fr","password":"mot de passe"}`
	// Send the headers and half of the body: the request is in flight.
	_, err = fmt.Fprintf(conn, "POST /api/v1/auth/login HTTP/1.1\r\nHost: %s\r\nOrigin: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		addr, s.URL(), len(body), body[:10])
	require.NoError(t, err)
	// The server must have read the headers (the connection is then "active"
	// and Shutdown waits for it); nothing observable says so, hence the pause.
	time.Sleep(300 * time.Millisecond)

	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		done <- s.Shutdown(ctx)
	}()
	// New connections are refused once the listener is closed.
	require.Eventually(t, func() bool {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			return true
		}
		c.Close()
		return false
	}, 5*time.Second, 20*time.Millisecond)

	// The in-flight request completes and is answered.
	_, err = io.WriteString(conn, body[10:])
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(10*time.Second)))
	resp, err := http.ReadResponse(bufioReader(conn), nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	resp.Body.Close()
	require.NoError(t, <-done)
}

func bufioReader(c net.Conn) *bufio.Reader { return bufio.NewReader(c) }
