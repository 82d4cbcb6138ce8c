package app_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/app"
	"github.com/tremplin/tremplin/internal/password"
	"github.com/tremplin/tremplin/internal/store"
	"github.com/tremplin/tremplin/internal/store/storetest"
)

// BenchmarkLogin measures sign-in latency with the argon2id parameters in
// password.Default (reported as metrics): the hash check alone, then the
// whole use case on SQLite (throttle check, user lookup, hash, new session,
// audit row). Run: go test -run '^$' -bench Login ./internal/app
func BenchmarkLogin(b *testing.B) {
	p := password.Default
	report := func(b *testing.B) {
		b.ReportMetric(float64(p.Memory)/1024, "argon2-MiB")
		b.ReportMetric(float64(p.Time), "argon2-t")
		b.ReportMetric(float64(p.Threads), "argon2-p")
	}
	hash, err := password.Hash("Une phrase de passe solide", p)
	require.NoError(b, err)

	b.Run("password.Verify", func(b *testing.B) {
		for b.Loop() {
			if _, err := password.Verify(hash, "Une phrase de passe solide", p); err != nil {
				b.Fatal(err)
			}
		}
		report(b)
	})
	b.Run("App.Login", func(b *testing.B) {
		db := storetest.New(b, store.SQLite)
		bundle := newIDApp(b, db)
		ctx := context.Background()
		require.NoError(b, bundle.app.SignUp(ctx, anon(), app.SignUpInput{Email: "bench@asso.fr", Password: "Une phrase de passe solide", Name: "Banc"}))
		_, err := bundle.app.VerifyEmail(ctx, anon(), tokenIn(b, bundle.mails(b, "bench@asso.fr"), "/verifier-email"))
		require.NoError(b, err)
		for b.Loop() {
			if _, err := bundle.app.Login(ctx, anon(), "bench@asso.fr", "Une phrase de passe solide", ""); err != nil {
				b.Fatal(err)
			}
		}
		report(b)
	})
}
