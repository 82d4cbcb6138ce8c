package servertest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/demo"
)

// Client is a browser-like API client: it keeps the session cookie and sends
// the CSRF token with every write, as the front end does.
type Client struct {
	t      testing.TB
	s      *Server
	HTTP   *http.Client
	CSRF   string
	Bearer string
	Header http.Header // extra headers for every request ("Origin": nil sends none)
}

// Response is a decoded answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.Body, v), string(r.Body))
}

// Map decodes the body as a JSON object.
func (r *Response) Map(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// Anonymous returns a client with no session.
func (s *Server) Anonymous(t testing.TB) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{t: t, s: s, HTTP: &http.Client{Jar: jar}, Header: http.Header{}}
}

// Login signs in with email and the given password (demo.Password when empty).
func (s *Server) Login(t testing.TB, email string, password ...string) *Client {
	t.Helper()
	c := s.Anonymous(t)
	pw := demo.Password
	if len(password) > 0 {
		pw = password[0]
	}
	r := c.Do("POST", "/api/v1/auth/login", map[string]string{"email": email, "password": pw})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var me struct {
		CSRF string `json:"csrf_token"`
	}
	r.JSON(t, &me)
	c.CSRF = me.CSRF
	return c
}

// Do sends a request with a JSON body (nil for none).
func (c *Client) Do(method, path string, body any) *Response {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(c.t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.s.Path(path), rd)
	require.NoError(c.t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return c.Send(req)
}

// Send sends a prepared request with the client's credentials.
func (c *Client) Send(req *http.Request) *Response {
	c.t.Helper()
	for k, v := range c.Header {
		req.Header[k] = v
	}
	if _, set := req.Header["Origin"]; !set && req.Method != http.MethodGet && req.Method != http.MethodHead {
		req.Header.Set("Origin", c.s.URL()) // as a browser does on every write from the page
	}
	if c.CSRF != "" && req.Method != http.MethodGet && req.Header.Get("X-CSRF-Token") == "" {
		req.Header.Set("X-CSRF-Token", c.CSRF)
	}
	if c.Bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.Bearer)
	}
	resp, err := c.HTTP.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// Get is Do(GET).
func (c *Client) Get(path string) *Response { return c.Do(http.MethodGet, path, nil) }

// Post is Do(POST).
func (c *Client) Post(path string, body any) *Response { return c.Do(http.MethodPost, path, body) }

// SlowUpload opens a connection of its own and sends, with the client's
// credentials, the headers of a POST declaring size bytes and the first bytes
// of its body, then nothing more: a client on a line that stalled. The
// caller closes the connection.
func (c *Client) SlowUpload(path, contentType, requestID string, size int, first string) net.Conn {
	c.t.Helper()
	base, err := url.Parse(c.s.URL())
	require.NoError(c.t, err)
	var cookies []string
	for _, k := range c.HTTP.Jar.Cookies(base) {
		cookies = append(cookies, k.Name+"="+k.Value)
	}
	conn, err := net.Dial("tcp", base.Host)
	require.NoError(c.t, err)
	// Written by hand, so it sends the Origin a browser would itself.
	_, err = fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nOrigin: %s\r\nCookie: %s\r\nX-CSRF-Token: %s\r\nX-Request-ID: %s\r\n"+
		"Content-Type: %s\r\nContent-Length: %d\r\n\r\n%s",
		path, base.Host, c.s.URL(), strings.Join(cookies, "; "), c.CSRF, requestID, contentType, size, first)
	require.NoError(c.t, err)
	return conn
}
