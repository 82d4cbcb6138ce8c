package notify

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	"sync"
	texttemplate "text/template"
	"time"

	"github.com/tremplin/tremplin/internal/domain"
)

// Templates are French e-mails, one file per kind under templates/, each
// defining three blocks: "subject", "text" and "html". The HTML body is
// wrapped in templates/_layout.html.tmpl. Data is any struct or map; BaseURL
// and OrgName are always available.
//
//go:embed templates/*.tmpl
var templateFS embed.FS

var paris = domain.Paris

var funcs = map[string]any{
	// date and datetime show times in Europe/Paris, the French way.
	"date": func(t time.Time) string { return t.In(paris).Format("02/01/2006") },
	"datetime": func(t time.Time) string {
		return t.In(paris).Format("02/01/2006") + " à " + t.In(paris).Format("15:04")
	},
}

// Rendered is a message's subject and bodies.
type Rendered struct {
	Subject, Text, HTML string
}

type compiled struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

// cache keeps parsed templates: parsing on every e-mail would dominate the
// cost of a transition that notifies.
var cache sync.Map // name → *compiled

func compile(name string) (*compiled, error) {
	if c, ok := cache.Load(name); ok {
		return c.(*compiled), nil
	}
	src, err := templateFS.ReadFile("templates/" + name + ".tmpl")
	if err != nil {
		return nil, fmt.Errorf("unknown e-mail template %q", name)
	}
	layout, err := templateFS.ReadFile("templates/_layout.html.tmpl")
	if err != nil {
		return nil, err
	}
	tt, err := texttemplate.New(name).Funcs(funcs).Option("missingkey=error").Parse(string(src))
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	ht, err := htmltemplate.New(name).Funcs(funcs).Option("missingkey=error").Parse(string(src))
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	if _, err := ht.Parse(string(layout)); err != nil {
		return nil, err
	}
	c, _ := cache.LoadOrStore(name, &compiled{text: tt, html: ht})
	return c.(*compiled), nil
}

// Render fills template name with data.
func Render(name string, data map[string]any) (Rendered, error) {
	c, err := compile(name)
	if err != nil {
		return Rendered{}, err
	}
	tt, ht := c.text, c.html
	var subj, text, html bytes.Buffer
	if err := tt.ExecuteTemplate(&subj, "subject", data); err != nil {
		return Rendered{}, fmt.Errorf("template %s subject: %w", name, err)
	}
	if err := tt.ExecuteTemplate(&text, "text", data); err != nil {
		return Rendered{}, fmt.Errorf("template %s text: %w", name, err)
	}
	if err := ht.ExecuteTemplate(&html, "layout", data); err != nil {
		return Rendered{}, fmt.Errorf("template %s html: %w", name, err)
	}
	return Rendered{Subject: strings.TrimSpace(subj.String()), Text: strings.TrimSpace(text.String()) + "\n", HTML: html.String()}, nil
}

// Exists reports whether a template is defined (checked at start for every
// template a workflow names, so a typo fails before the first e-mail).
func Exists(name string) bool {
	_, err := templateFS.ReadFile("templates/" + name + ".tmpl")
	return err == nil
}
