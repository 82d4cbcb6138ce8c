package domain

import "fmt"

// SimLine is one application on the committee board: what was requested and
// the provisional amount typed in.
type SimLine struct {
	ApplicationID int64 `json:"application_id"`
	Requested     Money `json:"requested"`
	Proposed      Money `json:"proposed"`
}

// SimLineError is a problem on one line of the simulation; Index is the
// line's position in the input so the board can highlight it.
type SimLineError struct {
	Index         int    `json:"index"`
	ApplicationID int64  `json:"application_id"`
	Field         string `json:"field"`
	Code          string `json:"code"`
	Message       string `json:"detail"`
}

// SimResult is the state of the envelope for the proposed amounts. Remaining
// is negative on overrun. An overrun is not an error: the committee may
// exceed the envelope with a stated reason, which the decision step checks.
type SimResult struct {
	Envelope       Money          `json:"envelope"`
	TotalRequested Money          `json:"total_requested"`
	Total          Money          `json:"total"`
	Remaining      Money          `json:"remaining"`
	Overrun        bool           `json:"overrun"`
	Errors         []SimLineError `json:"errors"`
	// overflow says a total did not fit in an int64 (absurd stored amounts).
	overflow bool
}

// SimulateEnvelope totals the proposed amounts against the envelope. The
// committee board calls it as amounts are typed in and the server calls it
// again at decision time, so the same rules apply in both places. A negative
// proposal counts as zero in the total (it is reported, and must not make
// room in the envelope); a proposal above the request still counts in full,
// since that is what the committee would spend. A proposal beyond MaxAmount
// is reported and left out; every total is overflow-checked (Err reports it).
func SimulateEnvelope(envelope Money, lines []SimLine) SimResult {
	res := SimResult{Envelope: envelope, Errors: []SimLineError{}}
	var sums Totals
	seen := make(map[int64]int, len(lines))
	for i, l := range lines {
		add := func(field, code, msg string) {
			res.Errors = append(res.Errors, SimLineError{Index: i, ApplicationID: l.ApplicationID, Field: field, Code: code, Message: msg})
		}
		if j, dup := seen[l.ApplicationID]; dup {
			add("application_id", "duplicate", fmt.Sprintf("Ce dossier figure déjà à la ligne %d de la simulation.", j+1))
			continue
		}
		seen[l.ApplicationID] = i
		if l.Requested < 0 {
			add("requested", "negative", "Le montant demandé ne peut pas être négatif.")
		} else {
			sums.Add(&res.TotalRequested, l.Requested)
		}
		switch {
		case l.Proposed < 0:
			add("proposed", "negative", "Le montant proposé ne peut pas être négatif.")
			continue
		case l.Proposed.TooLarge():
			add("proposed", "amount_too_large", TooLargeMessage())
			continue
		case l.Requested >= 0 && l.Proposed > l.Requested:
			add("proposed", "above_requested", fmt.Sprintf("Le montant proposé (%s) dépasse le montant demandé (%s).", l.Proposed, l.Requested))
		}
		sums.Add(&res.Total, l.Proposed)
	}
	res.Remaining = envelope
	sums.Sub(&res.Remaining, res.Total)
	res.Overrun = res.Total > envelope
	res.overflow = sums.Overflow()
	return res
}

// Overflow reports whether a total did not fit in an int64.
func (r SimResult) Overflow() bool { return r.overflow }

// Err turns the line errors into a validation error (fields "lines[i].proposed"…),
// nil when every line is acceptable. The overrun is deliberately not included;
// a total that overflowed is (OverflowError), once the lines are right.
func (r SimResult) Err() error {
	var f Fields
	for _, e := range r.Errors {
		f.Add(fmt.Sprintf("lines[%d].%s", e.Index, e.Field), e.Code, e.Message)
	}
	if err := f.Err(); err != nil {
		return err
	}
	if r.overflow {
		return OverflowError()
	}
	return nil
}
