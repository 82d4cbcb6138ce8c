package httpapi

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/domain"
)

type decodeProbe struct {
	Name  string            `json:"name"`
	Tags  []string          `json:"tags"`
	Sub   *decodeProbe      `json:"sub"`
	Extra map[string]string `json:"extra"`
	N     int64             `json:"n"`
}

func TestDecodeJSONIsStrict(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body, reason, field string
	}{
		{"NUL escaped in a value", `{"name":"a\u0000b"}`, "validation_failed", "name"},
		{"NUL in a nested list", `{"sub":{"tags":["ok","\u0000"]}}`, "validation_failed", "sub.tags[1]"},
		{"bell control character", `{"name":"\u0007"}`, "validation_failed", "name"},
		{"control character in a map key", `{"extra":{"a\u0001":"x"}}`, "validation_failed", "extra.a\x01"},
		{"raw invalid UTF-8", "{\"name\":\"\xff\xfe\"}", "validation_failed", "name"},
		{"lone surrogate escape", `{"name":"\ud800"}`, "validation_failed", "name"},
		{"duplicate key", `{"name":"a","name":"b"}`, "validation_failed", "name"},
		{"duplicate nested key", `{"sub":{"n":1,"n":2}}`, "validation_failed", "sub.n"},
		{"two documents", `{"name":"a"} {"name":"b"}`, "invalid_json", ""},
		{"trailing garbage", `{"name":"a"} x`, "invalid_json", ""},
		{"empty", ` `, "invalid_json", ""},
		{"unknown field", `{"nom":"a"}`, "validation_failed", "nom"},
		{"wrong type", `{"n":"12"}`, "validation_failed", "n"},
		{"integer overflow", `{"n":99999999999999999999}`, "validation_failed", "n"},
		{"deep nesting", strings.Repeat("[", 20000) + strings.Repeat("]", 20000), "invalid_json", ""},
	}
	for _, c := range cases {
		var v decodeProbe
		err := decodeJSON(strings.NewReader(c.body), &v, false)
		require.Error(t, err, c.name)
		e := domain.AsError(err)
		require.Equal(t, domain.CodeInvalid, e.Code, c.name)
		require.Equal(t, c.reason, e.Reason, "%s: %v", c.name, err)
		if c.field != "" {
			require.Len(t, e.Fields, 1, c.name)
			require.Equal(t, c.field, e.Fields[0].Field, c.name)
		}
	}
	var v decodeProbe
	require.NoError(t, decodeJSON(strings.NewReader("{\"name\":\"ligne 1\\n\\tligne 2\\r\",\"tags\":[\"é\"]}\n"), &v, false))
	require.Equal(t, "ligne 1\n\tligne 2\r", v.Name, "tab, newline and carriage return are free text")
}

func TestQueryParametersAreTyped(t *testing.T) {
	t.Parallel()
	type params struct {
		Limit  int      `query:"limit" validate:"omitempty,min=1,max=100"`
		Call   int64    `query:"call"`
		States []string `query:"state"`
		Unread bool     `query:"unread"`
		Min    *int64   `query:"min"`
		Q      string   `query:"q"`
	}
	spec := newQuerySpec(Route{Method: "GET", Path: "/x", Query: params{}})
	decode := func(raw string) (*params, *domain.Error) {
		v, err := url.ParseQuery(raw)
		require.NoError(t, err)
		out, err := spec.decode(v)
		if err != nil {
			return nil, domain.AsError(err)
		}
		return out.(*params), nil
	}
	p, e := decode("limit=20&call=3&state=submitted,in_review&state=accepted&unread=true&min=-5&q=v%C3%A9lo")
	require.Nil(t, e)
	require.Equal(t, params{Limit: 20, Call: 3, States: []string{"submitted", "in_review", "accepted"}, Unread: true, Min: p.Min, Q: "vélo"}, *p)
	require.Equal(t, int64(-5), *p.Min)

	for raw, field := range map[string]string{
		"limit=abc": "limit", "limit=-1": "limit", "limit=101": "limit", "call=1.5": "call", "unread=oui": "unread",
		"q=%00": "q", "q=%FF": "q", "q=a&q=b": "q", "inconnu=1": "inconnu", "state=%01": "state",
		"q=" + strings.Repeat("x", maxParamLen+1): "q", "min=99999999999999999999": "min",
	} {
		_, e := decode(raw)
		require.NotNil(t, e, raw)
		require.Equal(t, "validation_failed", e.Reason, raw)
		require.Equal(t, field, e.Fields[0].Field, raw)
	}
	p, e = decode("limit=&min=&unread=&state=")
	require.Nil(t, e, "empty filters are absent ones")
	require.Equal(t, params{}, *p)

	none := newQuerySpec(Route{Method: "GET", Path: "/y"})
	_, err := none.decode(url.Values{"limit": {"10"}})
	require.Error(t, err, "a route that declares no query parameter takes none")
	out, err := none.decode(url.Values{})
	require.NoError(t, err)
	require.Nil(t, out)
}

func TestCleanTextKeepsHeadersStorable(t *testing.T) {
	t.Parallel()
	require.Equal(t, "Mozilla/5.0 (X11)", cleanText("Mozilla/5.0 (X11)"))
	require.Empty(t, textFault(cleanText("a\xffb\x01c")))
}
