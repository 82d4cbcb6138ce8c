// Package notify sends e-mails (SMTP through go-mail, or a log-and-file
// mailer in the embedded default) and renders the French templates.
package notify

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is one e-mail, with a text part and an optional HTML alternative.
type Message struct {
	To      []string
	Subject string
	Text    string
	HTML    string
	// ID is a stable identifier (the sent-log key) used as Message-ID, so a
	// message sent twice by accident is recognisable in any mailbox.
	ID string
}

// Mailer delivers messages.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// Delivers reports whether messages m accepts reach a mail server. The file
// mailer only writes them down: the sent-log must not call them sent, or an
// e-mail nobody received would never be retried.
func Delivers(m Mailer) bool {
	if d, ok := m.(interface{ Delivers() bool }); ok {
		return d.Delivers()
	}
	return true
}

// SMTP sends through an SMTP server with go-mail (a maintained client that
// handles STARTTLS, auth mechanisms and MIME encoding correctly).
type SMTP struct {
	host string
	opts []gomail.Option
	from string
}

// NewSMTP parses smtp://user:pass@host:port (STARTTLS when offered) or
// smtps://… (implicit TLS).
func NewSMTP(rawURL, from string) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("SMTP_URL: %w", err)
	}
	opts := []gomail.Option{gomail.WithTimeout(15 * time.Second)}
	port := 25
	if u.Scheme == "smtps" {
		port = 465
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("SMTP_URL port: %w", err)
		}
	}
	opts = append(opts, gomail.WithPort(port))
	if u.User != nil {
		pw, _ := u.User.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(u.User.Username()), gomail.WithPassword(pw))
	}
	return &SMTP{host: u.Hostname(), opts: opts, from: from}, nil
}

// Send delivers m; the error is returned so the job is retried with backoff.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg, err := build(m, s.from)
	if err != nil {
		return err
	}
	c, err := gomail.NewClient(s.host, s.opts...)
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, msg)
}

func build(m Message, from string) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if err := msg.From(from); err != nil {
		return nil, fmt.Errorf("MAIL_FROM: %w", err)
	}
	if err := msg.To(m.To...); err != nil {
		return nil, fmt.Errorf("recipient: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	if m.ID != "" {
		msg.SetMessageIDWithValue(sanitizeID(m.ID) + "@tremplin")
	} else {
		msg.SetMessageID()
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

func sanitizeID(id string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' {
			return r
		}
		return '.'
	}, id)
}

// FileMailer is the embedded default: it logs each message and writes it as
// an .eml file under dir, so a developer (or a browser test without Mailpit)
// can open the verification link.
type FileMailer struct {
	dir  string
	from string
	seq  atomic.Int64
}

// NewFileMailer writes messages under dir.
func NewFileMailer(dir, from string) (*FileMailer, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	return &FileMailer{dir: dir, from: from}, nil
}

// Delivers is false: a written message is not a delivered one.
func (f *FileMailer) Delivers() bool { return false }

// Send logs the message and writes it to disk.
func (f *FileMailer) Send(_ context.Context, m Message) error {
	msg, err := build(m, f.from)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("%s-%03d-%s.eml", time.Now().UTC().Format("20060102T150405.000000"), f.seq.Add(1), sanitizeID(m.ID))
	path := filepath.Join(f.dir, name)
	if err := msg.WriteToFile(path); err != nil {
		return err
	}
	slog.Info("e-mail (not sent: SMTP_URL is empty)", "to", strings.Join(m.To, ","), "subject", m.Subject, "file", path)
	return nil
}

// TaskSendMail is the queue task that delivers one Message (see jobs).
const TaskSendMail = "mail:send"
