package app

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/kernel"
	"github.com/tremplin/tremplin/internal/store"
)

// MaxTokenDays caps a personal access token's life: a forgotten token in a
// script should not work forever.
const MaxTokenDays = 365

// CreateTokenInput is the "new access token" form.
type CreateTokenInput struct {
	Name          string   `json:"name"`
	Scopes        []string `json:"scopes"`
	ExpiresInDays int      `json:"expires_in_days"`
}

// CreatedToken is a new token: Token is shown this once and never stored.
type CreatedToken struct {
	Token string         `json:"token"`
	Info  store.APIToken `json:"info"`
}

// CreateToken issues a personal access token limited to scopes, which must
// be permissions the user holds now (a token never widens its owner's rights;
// when a role is revoked, the owner's grants shrink and so does the token).
func (a *App) CreateToken(ctx context.Context, actor *Actor, in CreateTokenInput) (*CreatedToken, error) {
	if actor.TokenID != 0 {
		return nil, &domain.Error{Code: domain.CodeForbidden, Reason: "token_scope", Message: "Un jeton d'accès ne peut pas créer d'autres jetons."}
	}
	name := strings.TrimSpace(in.Name)
	var f domain.Fields
	if fe := checkName("name", name); fe != nil {
		f = append(f, *fe)
	}
	scopes := map[string]bool{}
	for i, s := range in.Scopes {
		switch {
		case !a.Policy.Known(s):
			f.Add(fmt.Sprintf("scopes[%d]", i), "unknown", fmt.Sprintf("Permission inconnue : « %s ».", s))
		case !a.Policy.CanAnywhere(&actor.Subject, s):
			f.Add(fmt.Sprintf("scopes[%d]", i), "not_held", fmt.Sprintf("Vous n'avez pas la permission « %s » : un jeton ne peut pas en avoir plus que vous.", s))
		default:
			scopes[s] = true
		}
	}
	if len(in.Scopes) == 0 {
		f.Add("scopes", "required", "Choisissez au moins une permission.")
	}
	if in.ExpiresInDays < 1 || in.ExpiresInDays > MaxTokenDays {
		f.Add("expires_in_days", "range", fmt.Sprintf("La durée de validité va de 1 à %d jours.", MaxTokenDays))
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	list := make([]string, 0, len(scopes))
	for s := range scopes {
		list = append(list, s)
	}
	sort.Strings(list)
	token, hash := kernel.NewSecret(tokenPrefix)
	now := a.Now()
	exp := now.Add(time.Duration(in.ExpiresInDays) * 24 * time.Hour)
	t := store.APIToken{UserID: actor.ID(), Name: name, TokenHash: hash, Prefix: token[:len(tokenPrefix)+6],
		Scopes: list, ExpiresAt: &exp, CreatedAt: now}
	err := a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := a.DB.InsertAPIToken(ctx, tx, &t); err != nil {
			return err
		}
		return a.DB.Audit(ctx, tx, actor.Audit(), "api_token", fmt.Sprint(t.ID), "token_created",
			map[string]any{"name": name, "scopes": list, "expires_at": exp})
	})
	if err != nil {
		return nil, err
	}
	return &CreatedToken{Token: token, Info: t}, nil
}

// MyTokens lists the signed-in user's tokens (never their values).
func (a *App) MyTokens(ctx context.Context, actor *Actor) ([]store.APIToken, error) {
	out, err := a.DB.APITokensOf(ctx, actor.ID())
	if out == nil {
		out = []store.APIToken{}
	}
	return out, err
}

// RevokeToken revokes one of the user's tokens; someone else's token is not found.
func (a *App) RevokeToken(ctx context.Context, actor *Actor, id int64) error {
	return a.DB.RunInTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		ok, err := a.DB.RevokeAPIToken(ctx, tx, actor.ID(), id, a.Now())
		if err != nil {
			return err
		}
		if !ok {
			return domain.NotFound("Jeton d'accès")
		}
		return a.DB.Audit(ctx, tx, actor.Audit(), "api_token", fmt.Sprint(id), "token_revoked", nil)
	})
}
