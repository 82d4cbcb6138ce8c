package app

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/kernel"
)

func TestGrantShareStaysInTheSCDLRange(t *testing.T) {
	t.Parallel()
	require.Equal(t, 0.5455, grantShare(domain.Euros(12_000), domain.Euros(22_000)))
	require.Equal(t, 1.0, grantShare(domain.Euros(5_000), 0), "no budget: fully funded")
	require.Equal(t, 1.0, grantShare(domain.Euros(5_000), domain.Euros(4_000)))
	require.Equal(t, 0.01, grantShare(1, domain.Euros(1_000_000)), "never below the schema's minimum")
	require.Equal(t, "abc", kernel.TruncateRunes("abcdef", 3))
	require.Equal(t, "été", kernel.TruncateRunes("été", 3))
}
