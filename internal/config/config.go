// Package config reads Tremplin's settings from environment variables and
// validates them at start, so a bad value stops the process with one line
// naming the variable instead of failing later in a request.
package config

import (
	"fmt"
	"net/mail"
	"net/netip"
	"net/url"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tremplin/tremplin/internal/domain"
)

// Config is the validated configuration. Empty backend URLs select the embedded default.
type Config struct {
	Addr        string
	DataDir     string
	BaseURL     string
	DatabaseURL string
	RedisURL    string
	S3Endpoint  string
	S3AccessKey string
	S3SecretKey string
	S3Bucket    string
	S3UseTLS    bool
	SMTPURL     string
	MailFrom    string
	LogLevel    string

	// TrustedProxies are the addresses (IPs or CIDRs) whose X-Forwarded-For
	// is believed; empty means the socket address is the client.
	TrustedProxies []string
	// Demo seeds the demo data at start when the database is empty (embedded default: on).
	Demo bool
	// ShutdownTimeout bounds the drain of requests and jobs at stop.
	ShutdownTimeout time.Duration
	// MaxUploadBytes caps every uploaded document (a call's slot may set less).
	MaxUploadBytes int64
	// OrgName and OrgSIRET identify the département (letters, open data).
	OrgName  string
	OrgSIRET string
	// OrgAddress, OrgCity and OrgSignatory make the letterhead and the
	// signature of decision letters.
	OrgAddress   string
	OrgCity      string
	OrgSignatory string
	// EmbeddedOptIn lists the in-process stand-ins a PostgreSQL install asked
	// for explicitly (TREMPLIN_EMBEDDED: redis, s3, mail).
	EmbeddedOptIn []string
	// MetricsAddr is where /metrics listens, apart from the public server; empty disables it.
	MetricsAddr string
	// StreamTimeout bounds how long an upload or a download may take.
	StreamTimeout time.Duration
}

// option describes one variable: its default and how it is parsed into Config.
type option struct {
	name  string
	def   string
	help  string
	parse func(c *Config, v string) error
}

var options = []option{
	{"TREMPLIN_ADDR", "127.0.0.1:8080", "address the HTTP server listens on (host:port)", func(c *Config, v string) error {
		if _, _, err := splitHostPort(v); err != nil {
			return err
		}
		c.Addr = v
		return nil
	}},
	{"TREMPLIN_DATA_DIR", "./data", "directory for the embedded SQLite database, S3 files and mail copies", func(c *Config, v string) error {
		abs, err := filepath.Abs(v)
		if err != nil {
			return err
		}
		c.DataDir = abs
		return nil
	}},
	{"TREMPLIN_BASE_URL", "", "public URL of the site, used in e-mail links (default: http://TREMPLIN_ADDR)", func(c *Config, v string) error {
		if v == "" {
			return nil
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("must be an absolute http(s) URL, got %q", v)
		}
		c.BaseURL = strings.TrimRight(v, "/")
		return nil
	}},
	{"TREMPLIN_TRUSTED_PROXIES", "", "comma-separated IPs or CIDRs of the reverse proxies whose X-Forwarded-For gives the client address (default: none, the socket address is the client)", func(c *Config, v string) error {
		proxies, err := parseProxies(v)
		c.TrustedProxies = proxies
		return err
	}},
	{"DATABASE_URL", "", "PostgreSQL URL (postgres://user:pass@host:5432/db); empty = embedded SQLite", func(c *Config, v string) error {
		if v == "" {
			return nil
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
			return fmt.Errorf("must be a postgres:// URL, got %q", redact(v))
		}
		c.DatabaseURL = v
		return nil
	}},
	{"REDIS_URL", "", "Redis URL (redis://host:6379/0); empty = in-process Redis", func(c *Config, v string) error {
		if v == "" {
			return nil
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" {
			return fmt.Errorf("must be a redis:// URL, got %q", redact(v))
		}
		c.RedisURL = v
		return nil
	}},
	{"S3_ENDPOINT", "", "S3 endpoint host:port (e.g. 127.0.0.1:9000); empty = in-process S3", func(c *Config, v string) error {
		if v == "" {
			return nil
		}
		if strings.Contains(v, "://") {
			return fmt.Errorf("must be host:port without scheme (use S3_USE_TLS), got %q", v)
		}
		if _, _, err := splitHostPort(v); err != nil {
			return err
		}
		c.S3Endpoint = v
		return nil
	}},
	{"S3_ACCESS_KEY", "", "S3 access key", func(c *Config, v string) error { c.S3AccessKey = v; return nil }},
	{"S3_SECRET_KEY", "", "S3 secret key", func(c *Config, v string) error { c.S3SecretKey = v; return nil }},
	{"S3_BUCKET", "tremplin", "S3 bucket for documents (created if missing)", func(c *Config, v string) error {
		if len(v) < 3 || len(v) > 63 || strings.ToLower(v) != v || strings.ContainsAny(v, " _/") {
			return fmt.Errorf("must be a valid S3 bucket name (3-63 lowercase characters), got %q", v)
		}
		c.S3Bucket = v
		return nil
	}},
	{"S3_USE_TLS", "false", "true to reach S3 over HTTPS", func(c *Config, v string) (err error) {
		c.S3UseTLS, err = parseBool(v)
		return err
	}},
	{"SMTP_URL", "", "SMTP URL (smtp://user:pass@host:25, smtps://… for TLS); empty = e-mails written to the log and data dir", func(c *Config, v string) error {
		if v == "" {
			return nil
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
			return fmt.Errorf("must be an smtp:// or smtps:// URL, got %q", redact(v))
		}
		c.SMTPURL = v
		return nil
	}},
	{"MAIL_FROM", "Tremplin <ne-pas-repondre@tremplin.local>", "sender address of e-mails", func(c *Config, v string) error {
		if _, err := mail.ParseAddress(v); err != nil {
			return fmt.Errorf("must be an e-mail address, got %q", v)
		}
		c.MailFrom = v
		return nil
	}},
	{"TREMPLIN_LOG_LEVEL", "info", "debug, info, warn or error", func(c *Config, v string) error {
		switch v {
		case "debug", "info", "warn", "error":
			c.LogLevel = v
			return nil
		}
		return fmt.Errorf("must be debug, info, warn or error, got %q", v)
	}},
	{"TREMPLIN_DEMO", "", "true/false: seed demo data into an empty database at start (default: true on the embedded database)", func(c *Config, v string) error {
		if v == "" {
			c.Demo = c.DatabaseURL == ""
			return nil
		}
		b, err := parseBool(v)
		c.Demo = b
		return err
	}},
	{"TREMPLIN_SHUTDOWN_TIMEOUT", "20s", "how long a stop waits for requests and jobs to finish", func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("must be a positive duration like 20s, got %q", v)
		}
		c.ShutdownTimeout = d
		return nil
	}},
	{"TREMPLIN_MAX_UPLOAD_MB", "100", "largest document accepted, in MiB (a call's document slot may set less)", func(c *Config, v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 || n > 1<<20 {
			return fmt.Errorf("must be a whole number of MiB between 1 and 1048576, got %q", v)
		}
		c.MaxUploadBytes = n << 20
		return nil
	}},
	{"TREMPLIN_ORG_NAME", "Département de la Seine-Saint-Denis", "name of the granting body (letters, open data)", func(c *Config, v string) error {
		c.OrgName = v
		return nil
	}},
	{"TREMPLIN_ORG_SIRET", "22930008200018", "SIRET of the granting body (open data idAttribuant)", func(c *Config, v string) error {
		if code, _ := domain.ValidateSIRET(v); code != "" {
			return fmt.Errorf("must be a valid 14-digit SIRET, got %q", v)
		}
		c.OrgSIRET = v
		return nil
	}},
	{"TREMPLIN_ORG_ADDRESS", "Hôtel du Département, 93006 Bobigny Cedex", "postal address of the granting body (letterhead of decision letters)", func(c *Config, v string) error {
		if v == "" {
			return fmt.Errorf("must not be empty")
		}
		c.OrgAddress = v
		return nil
	}},
	{"TREMPLIN_ORG_CITY", "Bobigny", "city where decision letters are signed (\"Bobigny, le …\")", func(c *Config, v string) error {
		if v == "" {
			return fmt.Errorf("must not be empty")
		}
		c.OrgCity = v
		return nil
	}},
	{"TREMPLIN_ORG_SIGNATORY", "La directrice des territoires, de la coopération et des mobilités", "signatory of decision letters, by delegation of the Président", func(c *Config, v string) error {
		if v == "" {
			return fmt.Errorf("must not be empty")
		}
		c.OrgSignatory = v
		return nil
	}},
	{"TREMPLIN_EMBEDDED", "", "with DATABASE_URL: in-process stand-ins this single node may run instead of REDIS_URL, S3_ENDPOINT, SMTP_URL (comma list of redis, s3, mail)", func(c *Config, v string) error {
		seen := map[string]bool{}
		for _, w := range strings.Split(v, ",") {
			w = strings.ToLower(strings.TrimSpace(w))
			switch {
			case w == "":
				continue
			case !slices.Contains(embeddable, w):
				return fmt.Errorf("must list some of %s, got %q", strings.Join(embeddable, ", "), w)
			case !seen[w]:
				seen[w] = true
				c.EmbeddedOptIn = append(c.EmbeddedOptIn, w)
			}
		}
		return nil
	}},
	{"TREMPLIN_METRICS_ADDR", "127.0.0.1:9090", "address of the Prometheus /metrics listener, apart from the public one (empty or off: none)", func(c *Config, v string) error {
		if v == "" || strings.EqualFold(v, "off") {
			return nil
		}
		if _, _, err := splitHostPort(v); err != nil {
			return err
		}
		c.MetricsAddr = v
		return nil
	}},
	// 30 minutes let a 100 MiB document through a 0.5 Mbit/s uplink (a poor
	// ADSL line sends 0.8 to 1): long enough for any real upload, yet a client
	// that stops reading or sending cannot hold a connection for ever.
	{"TREMPLIN_STREAM_TIMEOUT", "30m", "longest upload or download of a document or export", func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("must be a positive duration like 30m, got %q", v)
		}
		c.StreamTimeout = d
		return nil
	}},
}

// embeddable are the backends TREMPLIN_EMBEDDED may name.
var embeddable = []string{"redis", "s3", "mail"}

// Load reads the configuration through lookup (os.LookupEnv in production,
// a map in tests) and validates it. The error names the faulty variable.
func Load(lookup func(string) (string, bool)) (*Config, error) {
	c := &Config{}
	for _, o := range options {
		v, ok := lookup(o.name)
		if !ok {
			v = o.def
		}
		v = strings.TrimSpace(v)
		if err := o.parse(c, v); err != nil {
			return nil, fmt.Errorf("configuration: %s %v", o.name, err)
		}
	}
	if c.S3Endpoint != "" && (c.S3AccessKey == "" || c.S3SecretKey == "") {
		return nil, fmt.Errorf("configuration: S3_ACCESS_KEY and S3_SECRET_KEY are required when S3_ENDPOINT is set")
	}
	if err := c.failClosed(); err != nil {
		return nil, err
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	return c, nil
}

// parseProxies validates a comma list of IPs and CIDRs and returns them in
// canonical form. A typo must stop the start: a list that silently trusted
// nobody would throttle every user behind the proxy as one client.
func parseProxies(v string) ([]string, error) {
	var out []string
	for _, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if strings.Contains(item, "/") {
			p, err := netip.ParsePrefix(item)
			if err != nil {
				return nil, fmt.Errorf("must list IP addresses or CIDR blocks, got %q", item)
			}
			out = append(out, p.Masked().String())
			continue
		}
		a, err := netip.ParseAddr(item)
		if err != nil || a.Zone() != "" {
			return nil, fmt.Errorf("must list IP addresses or CIDR blocks, got %q", item)
		}
		out = append(out, a.Unmap().String())
	}
	return out, nil
}

// Origin is the scheme, host and port of BaseURL (the default port left
// out), as a browser writes it in the Origin header.
func (c *Config) Origin() string { return OriginOf(c.BaseURL) }

// OriginOf returns the origin of an absolute URL ("" when it has none).
func OriginOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	scheme, host, port := strings.ToLower(u.Scheme), strings.ToLower(u.Hostname()), u.Port()
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	return scheme + "://" + host
}

// failClosed refuses a PostgreSQL install that would silently start its own
// queue, document store or mail folder: with two replicas, messages would be
// queued where no worker reads them, a document stored on one node would be
// missing on the others, and e-mails would sit in a folder. One node may still
// run them, when TREMPLIN_EMBEDDED says so.
func (c *Config) failClosed() error {
	if c.DatabaseURL == "" {
		return nil
	}
	for _, b := range []struct{ name, word, value string }{
		{"REDIS_URL", "redis", c.RedisURL}, {"S3_ENDPOINT", "s3", c.S3Endpoint}, {"SMTP_URL", "mail", c.SMTPURL},
	} {
		if b.value == "" && !slices.Contains(c.EmbeddedOptIn, b.word) {
			return fmt.Errorf("configuration: %s is required when DATABASE_URL is set "+
				"(a single-node install may opt in to the in-process one with TREMPLIN_EMBEDDED=%s)", b.name, b.word)
		}
	}
	return nil
}

// Secure reports whether the site is served over HTTPS (Secure cookies, HSTS).
func (c *Config) Secure() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// Embedded lists the backends running in-process, for the start banner.
func (c *Config) Embedded() []string {
	var out []string
	if c.DatabaseURL == "" {
		out = append(out, "SQLite")
	}
	if c.RedisURL == "" {
		out = append(out, "Redis")
	}
	if c.S3Endpoint == "" {
		out = append(out, "S3")
	}
	if c.SMTPURL == "" {
		out = append(out, "mail-to-log")
	}
	return out
}

// Help renders the variables table for --help and the README.
func Help() string {
	var b strings.Builder
	names := make([]string, 0, len(options))
	byName := map[string]option{}
	for _, o := range options {
		names = append(names, o.name)
		byName[o.name] = o
	}
	sort.Strings(names)
	for _, n := range names {
		o := byName[n]
		def := o.def
		if def == "" {
			def = "(empty)"
		}
		fmt.Fprintf(&b, "  %-26s %s [default: %s]\n", n, o.help, def)
	}
	return b.String()
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "1", "true", "yes", "on":
		return true, nil
	case "0", "false", "no", "off", "":
		return false, nil
	}
	return false, fmt.Errorf("must be true or false, got %q", v)
}

func splitHostPort(v string) (string, int, error) {
	i := strings.LastIndex(v, ":")
	if i < 0 {
		return "", 0, fmt.Errorf("must be host:port, got %q", v)
	}
	port, err := strconv.Atoi(v[i+1:])
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("has an invalid port in %q", v)
	}
	return v[:i], port, nil
}

// redact hides a password in a URL so it never reaches a log line.
func redact(v string) string {
	u, err := url.Parse(v)
	if err != nil || u.User == nil {
		return v
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
