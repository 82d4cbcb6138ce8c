package config_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/config"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestDefaultsAreEmbedded(t *testing.T) {
	t.Parallel()
	c, err := config.Load(env(nil))
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:8080", c.Addr)
	require.Equal(t, "http://127.0.0.1:8080", c.BaseURL)
	require.Equal(t, []string{"SQLite", "Redis", "S3", "mail-to-log"}, c.Embedded())
	require.True(t, c.Demo)
	require.False(t, c.Secure())
	require.Empty(t, c.TrustedProxies, "no proxy is trusted unless named")
	require.Equal(t, "http://127.0.0.1:8080", c.Origin())
}

func TestTrustedProxiesAreCanonical(t *testing.T) {
	t.Parallel()
	c, err := config.Load(env(map[string]string{"TREMPLIN_TRUSTED_PROXIES": " 127.0.0.1/32, 10.1.2.3/8 ,::1,, ::ffff:192.0.2.7"}))
	require.NoError(t, err)
	require.Equal(t, []string{"127.0.0.1/32", "10.0.0.0/8", "::1", "192.0.2.7"}, c.TrustedProxies)
	for _, bad := range []string{"10.0.0.0/33", "localhost", "10.0.0.1-10.0.0.9", "fe80::1%eth0"} {
		_, err := config.Load(env(map[string]string{"TREMPLIN_TRUSTED_PROXIES": bad}))
		require.ErrorContains(t, err, "TREMPLIN_TRUSTED_PROXIES", bad)
	}
}

func TestOriginOfTheBaseURL(t *testing.T) {
	t.Parallel()
	for base, origin := range map[string]string{
		"https://AAP.seinesaintdenis.fr:443/tremplin/": "https://aap.seinesaintdenis.fr",
		"http://localhost:5173":                        "http://localhost:5173",
		"http://[::1]:80":                              "http://[::1]",
	} {
		c, err := config.Load(env(map[string]string{"TREMPLIN_BASE_URL": base}))
		require.NoError(t, err)
		require.Equal(t, origin, c.Origin(), base)
	}
}

func TestInvalidValuesNameTheVariable(t *testing.T) {
	t.Parallel()
	cases := map[string]map[string]string{
		"DATABASE_URL":             {"DATABASE_URL": "mysql://x"},
		"REDIS_URL":                {"REDIS_URL": "localhost:6379"},
		"S3_USE_TLS":               {"S3_USE_TLS": "maybe"},
		"S3_ENDPOINT":              {"S3_ENDPOINT": "http://minio:9000", "S3_ACCESS_KEY": "a", "S3_SECRET_KEY": "b"},
		"TREMPLIN_ADDR":            {"TREMPLIN_ADDR": "nope"},
		"SMTP_URL":                 {"SMTP_URL": "http://mail"},
		"MAIL_FROM":                {"MAIL_FROM": "not an address"},
		"TREMPLIN_BASE_URL":        {"TREMPLIN_BASE_URL": "ftp://x"},
		"TREMPLIN_TRUSTED_PROXIES": {"TREMPLIN_TRUSTED_PROXIES": "10.0.0.1, proxy.local"},
		"S3_ACCESS_KEY":            {"S3_ENDPOINT": "127.0.0.1:9000"},
	}
	for name, vars := range cases {
		_, err := config.Load(env(vars))
		require.Error(t, err, name)
		require.Contains(t, err.Error(), name)
	}
}

func TestPasswordNotEchoed(t *testing.T) {
	t.Parallel()
	_, err := config.Load(env(map[string]string{"DATABASE_URL": "mysql://u:secret@h/db"}))
	require.Error(t, err)
	require.NotContains(t, err.Error(), "secret")
}

func TestRealBackends(t *testing.T) {
	t.Parallel()
	c, err := config.Load(env(map[string]string{
		"DATABASE_URL": "postgres://localhost/x", "REDIS_URL": "redis://127.0.0.1:6379/1",
		"S3_ENDPOINT": "127.0.0.1:9000", "S3_ACCESS_KEY": "a", "S3_SECRET_KEY": "b",
		"SMTP_URL": "smtp://127.0.0.1:1025", "TREMPLIN_BASE_URL": "https://aap.seinesaintdenis.fr/",
	}))
	require.NoError(t, err)
	require.Empty(t, c.Embedded())
	require.False(t, c.Demo)
	require.True(t, c.Secure())
	require.Equal(t, "https://aap.seinesaintdenis.fr", c.BaseURL)
}

// A PostgreSQL install never starts its own queue, document store or mail
// folder by omission: the missing variable is named, with the opt-in.
func TestPostgresRequiresSharedBackends(t *testing.T) {
	t.Parallel()
	full := map[string]string{
		"DATABASE_URL": "postgres://localhost/x", "REDIS_URL": "redis://127.0.0.1:6379/1",
		"S3_ENDPOINT": "127.0.0.1:9000", "S3_ACCESS_KEY": "a", "S3_SECRET_KEY": "b", "SMTP_URL": "smtp://127.0.0.1:1025",
	}
	for name, word := range map[string]string{"REDIS_URL": "redis", "S3_ENDPOINT": "s3", "SMTP_URL": "mail"} {
		vars := map[string]string{}
		for k, v := range full {
			vars[k] = v
		}
		delete(vars, name)
		_, err := config.Load(env(vars))
		require.Error(t, err, name)
		require.Contains(t, err.Error(), name+" is required when DATABASE_URL is set")
		require.Contains(t, err.Error(), "TREMPLIN_EMBEDDED="+word)
		require.NotContains(t, err.Error(), "\n")

		vars["TREMPLIN_EMBEDDED"] = word
		c, err := config.Load(env(vars))
		require.NoError(t, err, name)
		require.Equal(t, []string{word}, c.EmbeddedOptIn)
	}
	c, err := config.Load(env(map[string]string{"DATABASE_URL": "postgres://localhost/x", "TREMPLIN_EMBEDDED": " mail, S3 ,redis,mail"}))
	require.NoError(t, err)
	require.Equal(t, []string{"mail", "s3", "redis"}, c.EmbeddedOptIn)
	require.Equal(t, []string{"Redis", "S3", "mail-to-log"}, c.Embedded())
}

func TestEmbeddedRefusesUnknownWords(t *testing.T) {
	t.Parallel()
	_, err := config.Load(env(map[string]string{"TREMPLIN_EMBEDDED": "redis,postgres"}))
	require.Error(t, err)
	require.Contains(t, err.Error(), "TREMPLIN_EMBEDDED")
	require.Contains(t, err.Error(), `"postgres"`)
}

func TestMetricsAndStreamSettings(t *testing.T) {
	t.Parallel()
	c, err := config.Load(env(nil))
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:9090", c.MetricsAddr, "metrics stay on loopback by default")
	require.Equal(t, 30*time.Minute, c.StreamTimeout)
	for _, off := range []string{"", "off", "OFF"} {
		c, err := config.Load(env(map[string]string{"TREMPLIN_METRICS_ADDR": off}))
		require.NoError(t, err)
		require.Empty(t, c.MetricsAddr, off)
	}
	for name, vars := range map[string]map[string]string{
		"TREMPLIN_METRICS_ADDR":   {"TREMPLIN_METRICS_ADDR": "metrics"},
		"TREMPLIN_STREAM_TIMEOUT": {"TREMPLIN_STREAM_TIMEOUT": "0s"},
	} {
		_, err := config.Load(env(vars))
		require.Error(t, err, name)
		require.Contains(t, err.Error(), name)
	}
}
