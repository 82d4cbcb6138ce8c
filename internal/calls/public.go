package calls

import (
	"context"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/store"
)

// PublicCalls lists the calls open to the public (published), soonest deadline first.
func (s *Service) PublicCalls(ctx context.Context, f store.CallFilter) (store.Page[domain.Call], error) {
	f.States = []string{"published"}
	return s.DB.ListCalls(ctx, f)
}

// PublicCall returns a published or closed call; drafts are invisible to the public.
func (s *Service) PublicCall(ctx context.Context, id int64) (*domain.Call, error) {
	c, err := s.DB.GetCall(ctx, s.DB.DB, id)
	if err != nil {
		return nil, err
	}
	if c.State != "published" && c.State != "closed" {
		return nil, domain.NotFound("Appel à projets")
	}
	return c, nil
}
