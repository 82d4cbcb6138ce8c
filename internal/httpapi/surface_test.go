package httpapi_test

// A property test over the whole HTTP surface: every route of the table, as
// anonymous and as each role, receives generated and mutated requests (NUL,
// invalid UTF-8, huge and negative numbers, wrong types, deep nesting,
// oversize bodies, missing and extra fields, odd path IDs and parameters).
// Whatever the request: never a 5xx; every 4xx is problem+json; no 2xx for
// anonymous on a route that is not public.
//
// `make test` runs one pass (every route × every role, seed 1). Longer:
// FUZZTIME=5m go test -run TestHTTPSurfaceProperties ./internal/httpapi
// (random seed, printed; SURFACE_SEED=n replays one).

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/httpapi"
	"github.com/tremplin/tremplin/internal/server/servertest"
)

func TestHTTPSurfaceProperties(t *testing.T) {
	t.Parallel()
	f := newMatrixFixture(t)
	seed, budget := uint64(1), time.Duration(0)
	if v := os.Getenv("FUZZTIME"); v != "" {
		d, err := time.ParseDuration(v)
		require.NoError(t, err, "FUZZTIME")
		budget, seed = d, uint64(time.Now().UnixNano())
	}
	if v := os.Getenv("SURFACE_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		require.NoError(t, err, "SURFACE_SEED")
		seed = n
	}
	t.Logf("seed %d (replay with SURFACE_SEED=%d)", seed, seed)
	g := &surfaceGen{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}

	var routes []httpapi.Route
	for _, r := range f.s.HTTP.Routes() {
		if strings.HasPrefix(r.Path, "/api/v1") {
			routes = append(routes, r)
		}
	}
	clients := map[who]*servertest.Client{}
	clientOf := func(w who) *servertest.Client {
		if w == anonymous {
			return f.s.Anonymous(t)
		}
		if clients[w] == nil {
			// A clone of the role: a request that ends its sessions or
			// changes its password leaves the shared accounts alone.
			clients[w] = f.client(t, w, true)
		}
		return clients[w]
	}
	sent, statuses := 0, map[string]int{}
	count := func(resp *servertest.Response) {
		var p struct{ Code string }
		_ = json.Unmarshal(resp.Body, &p)
		statuses[fmt.Sprintf("%d %s", resp.Status, p.Code)]++
	}
	try := func(r httpapi.Route, w who) {
		req, desc := g.request(t, f.s, r)
		c := clientOf(w)
		resp := c.Send(req)
		sent++
		count(resp)
		checkSurfaceAnswer(t, r, w, desc, resp)
		if w != anonymous && resp.Status == http.StatusUnauthorized {
			clients[w] = nil // its session ended (logout, password, TOTP): a fresh clone next time
		}
	}
	for _, r := range routes {
		for _, w := range everyone {
			try(r, w)
		}
	}
	// Mutations of requests known to succeed (the authorisation matrix's
	// rows): one hostile value each, so the request goes deep.
	mutate := func(row matrixRow, w who) {
		call := row.Call(t, f, w)
		c := clientOf(w)
		if call.AsClone {
			c = f.client(t, w, true)
		}
		if call.Header != nil {
			cc := *c
			cc.Header = call.Header
			c = &cc
		}
		req, desc := g.mutated(t, f.s, row.Method, call.Path, call.Body)
		resp := c.Send(req)
		sent++
		count(resp)
		checkSurfaceAnswer(t, routeOf(routes, row), w, desc, resp)
	}
	var succeeding []matrixRow
	for _, row := range matrix {
		for _, w := range everyone {
			if row.Want[w] >= 200 && row.Want[w] < 300 {
				succeeding = append(succeeding, row)
				for range 3 {
					mutate(row, w)
				}
				break
			}
		}
	}
	for deadline := time.Now().Add(budget); time.Now().Before(deadline); {
		if g.chance(0.5) {
			try(routes[g.rng.IntN(len(routes))], everyone[g.rng.IntN(len(everyone))])
			continue
		}
		row := succeeding[g.rng.IntN(len(succeeding))]
		for _, w := range everyone {
			if row.Want[w] >= 200 && row.Want[w] < 300 {
				mutate(row, w)
				break
			}
		}
	}
	t.Logf("%d requests over %d routes; answers: %v", sent, len(routes), statuses)
}

func routeOf(routes []httpapi.Route, row matrixRow) httpapi.Route {
	for _, r := range routes {
		if r.Method == row.Method && r.Path == row.Route {
			return r
		}
	}
	panic("matrix row of an unknown route " + row.Route)
}

// mutated is a request known to succeed with one hostile change: a value of
// its JSON body, a path segment, or a query parameter.
func (g *surfaceGen) mutated(t *testing.T, s *servertest.Server, method, path string, body any) (*http.Request, string) {
	t.Helper()
	var raw []byte
	what := "no body"
	if body != nil && g.chance(0.8) {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var v any
		require.NoError(t, dec.Decode(&v))
		leaves := countLeaves(v)
		var out strings.Builder
		target := g.rng.IntN(max(leaves, 1))
		hostile := g.pick(`"a\u0000b"`, "\"caf\xe9\"", `"\u0001"`, `"\udfff"`, `-1`, `99999999999999999999`, `9223372036854775807`,
			`1e400`, `"`+strings.Repeat("x", 100000)+`"`, `[]`, `{}`, `null`, `true`, `"1900-01-01"`, `"=cmd|' /C calc'!A0"`)
		n := 0
		writeMutated(&out, v, target, &n, hostile)
		raw, what = []byte(out.String()), "mutated body "+truncateBody([]byte(out.String()))
	} else if body != nil {
		raw, _ = json.Marshal(body)
		what = "original body"
	}
	if raw == nil || g.chance(0.3) {
		if strings.Contains(path, "?") {
			path += "&"
		} else {
			path += "?"
		}
		path += g.pick("limit=abc", "cursor=%00", "q=%FF", "year=99999999999999999999", "inconnu=1", "state=%00")
		if g.chance(0.3) {
			segs := strings.Split(path, "/")
			for i := len(segs) - 1; i > 0; i-- {
				if _, err := strconv.Atoi(segs[i]); err == nil {
					segs[i] = g.pick(hostileSegments...)
					break
				}
			}
			path = strings.Join(segs, "/")
		}
		what += " " + path
	}
	var rd io.Reader
	if raw != nil {
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, s.Path(path), rd)
	require.NoError(t, err)
	if raw != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, method + " " + path + " [" + what + "]"
}

func countLeaves(v any) int {
	switch x := v.(type) {
	case map[string]any:
		n := 0
		for _, e := range x {
			n += countLeaves(e)
		}
		return n
	case []any:
		n := 0
		for _, e := range x {
			n += countLeaves(e)
		}
		return n
	}
	return 1
}

// writeMutated writes v as JSON, the target-th leaf replaced by hostile.
func writeMutated(b *strings.Builder, v any, target int, n *int, hostile string) {
	switch x := v.(type) {
	case map[string]any:
		b.WriteByte('{')
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Quote(k) + ":")
			writeMutated(b, x[k], target, n, hostile)
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writeMutated(b, e, target, n, hostile)
		}
		b.WriteByte(']')
	default:
		if *n == target {
			b.WriteString(hostile)
		} else {
			j, _ := json.Marshal(x)
			b.Write(j)
		}
		*n++
	}
}

func checkSurfaceAnswer(t *testing.T, r httpapi.Route, w who, desc string, resp *servertest.Response) {
	t.Helper()
	where := fmt.Sprintf("%s %s as %s: %s → %d %s", r.Method, r.Path, w, desc, resp.Status, truncateBody(resp.Body))
	if resp.Status >= 500 {
		t.Errorf("server error: %s", where)
		return
	}
	if resp.Status >= 400 {
		if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("4xx not problem+json (%q): %s", ct, where)
			return
		}
		var p struct {
			Status int    `json:"status"`
			Code   string `json:"code"`
			Detail string `json:"detail"`
		}
		if err := json.Unmarshal(resp.Body, &p); err != nil || p.Status != resp.Status || p.Code == "" || p.Detail == "" {
			t.Errorf("malformed problem: %s", where)
		}
		return
	}
	if w == anonymous && r.Permission != httpapi.Public && resp.Status < 300 {
		t.Errorf("anonymous got a success on a route that is not public: %s", where)
	}
}

// surfaceGen makes requests, valid-looking and hostile mixed. Half the
// generated bodies are well-formed but for one hostile value (so it reaches
// the use case and the database); the others are chaos.
type surfaceGen struct {
	rng *rand.Rand
	// oneHostile: the body being generated should carry exactly one
	// hostile value; spent once it is written.
	oneHostile, spent bool
}

// hostileNow says whether the next leaf value is to be hostile.
func (g *surfaceGen) hostileNow() bool {
	if !g.oneHostile {
		return g.chance(0.3)
	}
	if !g.spent && g.chance(0.3) {
		g.spent = true
		return true
	}
	return false
}

func (g *surfaceGen) pick(options ...string) string { return options[g.rng.IntN(len(options))] }
func (g *surfaceGen) chance(p float64) bool         { return g.rng.Float64() < p }

// Raw URL fragments, already escaped where they must be.
var (
	hostileSegments = []string{"0", "-1", "abc", "1.5", "%00", "1%00", "9223372036854775808", "%FF", "%EF%BC%91", "1e3",
		strings.Repeat("9", 40), "%2e%2e", "%0a"}
	hostileValues = []string{"", "%00", "a%00b", "%FF%FE", "%07", "-1", "0", "99999999999999999999", "abc", "1.5", "true",
		strings.Repeat("x", 1200), "a,b,,c", "%3Cscript%3E", "%E2%80%AE"}
	transitionNames = []string{"submit", "request_correction", "withdraw", "start_instruction", "publish", "close", "accept", "refuse"}
)

func (g *surfaceGen) request(t *testing.T, s *servertest.Server, r httpapi.Route) (*http.Request, string) {
	t.Helper()
	path := g.path(r.Path)
	if q := g.query(r); q != "" {
		path += "?" + q
	}
	ct, body, what := g.body(r)
	req, err := http.NewRequest(r.Method, s.Path(path), bytes.NewReader(body))
	require.NoError(t, err, path)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if g.chance(0.5) {
		req.Header.Set("If-Match", g.pick(`"1"`, `"0"`, `"-1"`, `"abc"`, `W/"2"`, `"99999999999999999999"`))
	}
	return req, fmt.Sprintf("%s %s [%s]", r.Method, path, what)
}

func (g *surfaceGen) path(route string) string {
	parts := strings.Split(route, "/")
	for i, p := range parts {
		if !strings.HasPrefix(p, ":") {
			continue
		}
		switch p {
		case ":name":
			parts[i] = g.pick(append(transitionNames, hostileSegments...)...)
		case ":queue", ":task", ":kind":
			parts[i] = g.pick("default", "critical", "interim", "final", "x", "%00", "%FF", strings.Repeat("q", 300))
		default:
			if g.chance(0.7) {
				parts[i] = strconv.Itoa(1 + g.rng.IntN(12))
			} else {
				parts[i] = g.pick(hostileSegments...)
			}
		}
	}
	return strings.Join(parts, "/")
}

func (g *surfaceGen) query(r httpapi.Route) string {
	var parts []string
	if r.Query != nil {
		t := reflect.TypeOf(r.Query)
		for i := range t.NumField() {
			if !g.chance(0.4) {
				continue
			}
			name := t.Field(i).Tag.Get("query")
			v := g.pick(hostileValues...)
			if g.chance(0.5) {
				v = g.pick("1", "10", "100", "2030", "true", "submitted", "velo", "93066", "relevance", "archived")
			}
			parts = append(parts, name+"="+v)
			if g.chance(0.1) {
				parts = append(parts, name+"="+v) // repeated
			}
		}
	}
	if g.chance(0.15) {
		parts = append(parts, g.pick("inconnu=1", "%00=1", "limit=5", "q=%00"))
	}
	return strings.Join(parts, "&")
}

// body returns the content type, the bytes and a short description.
func (g *surfaceGen) body(r httpapi.Route) (string, []byte, string) {
	switch x := g.rng.Float64(); {
	case x < 0.1:
		return "", nil, "no body"
	case x < 0.18:
		ct := g.pick("text/plain", "application/xml", "application/x-www-form-urlencoded", "application/json; charset=latin1")
		return ct, []byte(`{"a":1}`), ct
	case x < 0.3:
		b := g.pick(`{"a":1,"a":2}`, "{\"x\":\"\xff\"}", `{"x":"\u0000"}`, `[]`, `null`, `"texte"`, `{} {}`, `{"x":1e400}`,
			`{`, strings.Repeat("[", 5000)+strings.Repeat("]", 5000), `{"body":"`+strings.Repeat("é", 600000)+`"}`)
		return "application/json", []byte(b), "raw JSON"
	case x < 0.4 && r.Upload > 0:
		return g.multipart()
	}
	if r.Request == nil {
		return "application/json", []byte(`{}`), "empty object"
	}
	var b strings.Builder
	g.oneHostile, g.spent = g.chance(0.6), false
	g.value(&b, reflect.TypeOf(r.Request), 0)
	return "application/json", []byte(b.String()), "generated " + truncateBody([]byte(b.String()))
}

func (g *surfaceGen) multipart() (string, []byte, string) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField(g.pick("slot", "field", "purpose", "body", "inconnu"), g.pick("statuts", "rib", "interim", "a\x00b", "\xff", "bonjour"))
	h := make(map[string][]string)
	h["Content-Disposition"] = []string{fmt.Sprintf(`form-data; name="file"; filename="%s"`,
		g.pick("statuts.pdf", "../x.pdf", "a\x01.pdf", "caf\xe9.pdf", "\u202efdp.exe", strings.Repeat("n", 400)))}
	part, _ := w.CreatePart(h)
	_, _ = io.WriteString(part, g.pick("%PDF-1.4\n%%EOF\n", "MZ\x90\x00", "", "\x89PNG\r\n\x1a\n"))
	_ = w.Close()
	return w.FormDataContentType(), buf.Bytes(), "multipart"
}

var timeType = reflect.TypeOf(time.Time{})

// value writes a JSON value for t: usually of the right shape, sometimes
// hostile (wrong type, bad text, extreme numbers, deep nesting).
func (g *surfaceGen) value(b *strings.Builder, t reflect.Type, depth int) {
	if depth > 6 || !g.oneHostile && g.chance(0.04) {
		b.WriteString(g.pick("null", `"\u0000"`, "-9223372036854775809", "[[[[[[[[[[]]]]]]]]]]", `{"z":1}`, "true"))
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == timeType {
		b.WriteString(g.pick(`"2030-01-01T09:00:00Z"`, `"1900-01-01T00:00:00Z"`, `"pas une date"`, `"9999-12-31T23:59:59Z"`))
		return
	}
	switch t.Kind() {
	case reflect.String:
		if g.hostileNow() {
			b.WriteString(g.pick(`"a\u0000b"`, "\"caf\xe9\"", `"\u0007"`, `"\ud800"`, `"`+strings.Repeat("x", 20000)+`"`,
				`"=HYPERLINK(\"http://x\")"`, `"1900-01-01"`, `"<script>alert(1)</script>"`, `""`, `12`))
			return
		}
		b.WriteString(g.pick(`"Projet"`, `"2030-06-30"`, `"submitted"`, `"93066"`, `"contact@example.org"`, `"73282932000074"`,
			`"W931004512"`, `"DIESS"`, `"personnes_agees"`, `"Un texte\nsur deux lignes"`))
	case reflect.Bool:
		if g.hostileNow() {
			b.WriteString(g.pick(`"true"`, "1", "null"))
			return
		}
		b.WriteString(g.pick("true", "false"))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64:
		if g.hostileNow() {
			b.WriteString(g.pick("-1", "9223372036854775807", "-9223372036854775808", "99999999999999999999", "1.5", "1e400", `"12"`,
				"1000000000000001", "4611686018427387904"))
			return
		}
		b.WriteString(g.pick("0", "1", "2", "100", "1800000", "500000"))
	case reflect.Float32, reflect.Float64:
		b.WriteString(g.pick("0", "1.5", "-1", "1e308", "5"))
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 { // json.RawMessage and []byte
			b.WriteString(g.pick(`{}`, `{"a":[1,2]}`, `"x"`, `null`))
			return
		}
		n := g.rng.IntN(4)
		b.WriteByte('[')
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			g.value(b, t.Elem(), depth+1)
		}
		b.WriteByte(']')
	case reflect.Map:
		b.WriteString(`{"`)
		b.WriteString(g.pick("k", "lieu_principal", "amount_cents", "a\\u0000"))
		b.WriteString(`":`)
		g.value(b, t.Elem(), depth+1)
		b.WriteByte('}')
	case reflect.Struct:
		g.object(b, t, depth)
	default: // interface{}
		b.WriteString(g.pick(`"x"`, `1`, `{"a":"b"}`, `[1,"\u0000"]`, `null`))
	}
}

func (g *surfaceGen) object(b *strings.Builder, t reflect.Type, depth int) {
	b.WriteByte('{')
	first := true
	member := func(name string, ft reflect.Type) {
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.WriteString(strconv.Quote(name) + ":")
		g.value(b, ft, depth+1)
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			continue
		}
		if !g.chance(0.8) {
			continue // missing field
		}
		member(name, f.Type)
		if g.chance(0.03) {
			member(name, f.Type) // duplicate
		}
	}
	if g.chance(0.05) {
		member("champ_inconnu", reflect.TypeOf(""))
	}
	b.WriteByte('}')
}
