package domain_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/domain"
)

func TestSimulateEnvelope(t *testing.T) {
	t.Parallel()
	lines := []domain.SimLine{
		{ApplicationID: 1, Requested: domain.Euros(30000), Proposed: domain.Euros(25000)},
		{ApplicationID: 2, Requested: domain.Euros(15000), Proposed: domain.Euros(15000)},
		{ApplicationID: 3, Requested: domain.Euros(8000), Proposed: 0},
	}
	r := domain.SimulateEnvelope(domain.Euros(50000), lines)
	require.Equal(t, domain.Euros(40000), r.Total)
	require.Equal(t, domain.Euros(53000), r.TotalRequested)
	require.Equal(t, domain.Euros(10000), r.Remaining)
	require.False(t, r.Overrun)
	require.Empty(t, r.Errors)
	require.NoError(t, r.Err())

	// Exactly at the envelope is not an overrun; one cent more is.
	lines[2].Proposed = domain.Euros(8000)
	lines[0].Proposed = domain.Euros(27000)
	r = domain.SimulateEnvelope(domain.Euros(50000), lines)
	require.Zero(t, r.Remaining)
	require.False(t, r.Overrun)
	lines[0].Proposed++
	r = domain.SimulateEnvelope(domain.Euros(50000), lines)
	require.Equal(t, domain.Money(-1), r.Remaining)
	require.True(t, r.Overrun)
	require.NoError(t, r.Err(), "an overrun alone is not a line error")
}

func TestSimulateEnvelopeLineErrors(t *testing.T) {
	t.Parallel()
	r := domain.SimulateEnvelope(domain.Euros(10000), []domain.SimLine{
		{ApplicationID: 7, Requested: domain.Euros(5000), Proposed: domain.Euros(6000)},
		{ApplicationID: 8, Requested: domain.Euros(5000), Proposed: -100},
		{ApplicationID: 7, Requested: domain.Euros(5000), Proposed: domain.Euros(1000)},
		{ApplicationID: 9, Requested: -1, Proposed: 0},
	})
	require.Len(t, r.Errors, 4)
	require.Equal(t, domain.SimLineError{Index: 0, ApplicationID: 7, Field: "proposed", Code: "above_requested",
		Message: "Le montant proposé (6\u00a0000,00\u00a0€) dépasse le montant demandé (5\u00a0000,00\u00a0€)."}, envelopeFixSpaces(r.Errors[0]))
	require.Equal(t, "negative", r.Errors[1].Code)
	require.Equal(t, "duplicate", r.Errors[2].Code)
	require.Equal(t, 2, r.Errors[2].Index)
	require.Equal(t, "requested", r.Errors[3].Field)
	// The above-request line still counts (that is what would be spent); the
	// negative and duplicate lines do not.
	require.Equal(t, domain.Euros(6000), r.Total)
	require.Equal(t, domain.Euros(4000), r.Remaining)

	var de *domain.Error
	require.True(t, errors.As(r.Err(), &de))
	require.Equal(t, "lines[0].proposed", de.Fields[0].Field)
	require.Equal(t, "lines[2].application_id", de.Fields[2].Field)
}

// envelopeFixSpaces turns Money's narrow no-break spaces into no-break spaces so the
// expected message stays readable in the test source.
func envelopeFixSpaces(e domain.SimLineError) domain.SimLineError {
	out := []rune{}
	for _, r := range e.Message {
		if r == '\u202f' {
			r = '\u00a0'
		}
		out = append(out, r)
	}
	e.Message = string(out)
	return e
}

func TestSimulateEnvelopeBoundsAndOverflow(t *testing.T) {
	t.Parallel()
	r := domain.SimulateEnvelope(domain.Euros(10000), []domain.SimLine{
		{ApplicationID: 1, Requested: domain.Euros(5000), Proposed: domain.MaxAmount + 1},
		{ApplicationID: 2, Requested: domain.Euros(5000), Proposed: domain.Euros(1000)},
	})
	require.Len(t, r.Errors, 1)
	require.Equal(t, "amount_too_large", r.Errors[0].Code)
	require.Equal(t, domain.Euros(1000), r.Total, "the absurd proposal does not count")

	// Requests stored before amounts were bounded: the totals cannot wrap round.
	r = domain.SimulateEnvelope(domain.Euros(10000), []domain.SimLine{
		{ApplicationID: 1, Requested: 1 << 62, Proposed: 0},
		{ApplicationID: 2, Requested: 1 << 62, Proposed: 0},
		{ApplicationID: 3, Requested: 1 << 62, Proposed: 0},
	})
	require.Empty(t, r.Errors)
	require.Positive(t, r.TotalRequested)
	require.Equal(t, "amount_overflow", domain.AsError(r.Err()).Reason)
}
