package app

import (
	"bytes"
	"context"
	"math"
	"time"

	"github.com/tremplin/tremplin/internal/domain"
	"github.com/tremplin/tremplin/internal/kernel"
	"github.com/tremplin/tremplin/internal/opendata"
	"github.com/tremplin/tremplin/internal/store"
)

// PublicGrant is a granted subsidy as the public page lists it.
type PublicGrant struct {
	Beneficiary     string       `json:"beneficiary"`
	SIRET           string       `json:"siret"`
	RNA             string       `json:"rna"`
	Object          string       `json:"object"`
	Amount          domain.Money `json:"amount_cents"`
	Call            string       `json:"call"`
	DeliberationRef string       `json:"deliberation_ref"`
	DeliberationOn  string       `json:"deliberation_on"`
	PaymentMode     string       `json:"payment_mode"`
	Share           float64      `json:"share"`
}

// PublicGrants lists the published granted subsidies (open data).
func (a *App) PublicGrants(ctx context.Context) ([]PublicGrant, error) {
	rows, err := a.DB.PublishedGrants(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]PublicGrant, 0, len(rows))
	for _, r := range rows {
		g := a.scdlGrant(r)
		out = append(out, PublicGrant{Beneficiary: g.NomBeneficiaire, SIRET: g.IDBeneficiaire, RNA: g.RNABeneficiaire,
			Object: g.Objet, Amount: g.Montant, Call: r.CallTitle, DeliberationRef: r.DeliberationRef,
			DeliberationOn: r.DeliberationOn, PaymentMode: r.PaymentMode, Share: g.PourcentageSubvention})
	}
	return out, nil
}

// SubsidiesSCDL is the SCDL "Subventions" 2.1.1 file of the published
// granted subsidies: one row per current published accept decision.
// opendata.WriteSCDL validates every cell first and writes nothing on error.
func (a *App) SubsidiesSCDL(ctx context.Context) ([]byte, error) {
	rows, err := a.DB.PublishedGrants(ctx)
	if err != nil {
		return nil, err
	}
	grants := make([]opendata.Grant, 0, len(rows))
	for _, r := range rows {
		grants = append(grants, a.scdlGrant(r))
	}
	var buf bytes.Buffer
	if err := opendata.WriteSCDL(&buf, grants); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (a *App) scdlGrant(r store.PublishedGrant) opendata.Grant {
	day, err := time.ParseInLocation(time.DateOnly, r.DeliberationOn, domain.Paris)
	if err != nil {
		day = r.PublishedAt.In(domain.Paris)
	}
	period := day.Format(time.DateOnly)
	mode := opendata.VersementUnique
	if r.PaymentMode != "unique" {
		// Tranches are paid over the year of the agreement.
		mode = opendata.VersementEchelonne
		period += "/" + day.AddDate(1, 0, -1).Format(time.DateOnly)
	}
	g := opendata.Grant{
		NomAttribuant: a.Config.OrgName, IDAttribuant: a.Config.OrgSIRET, DateConvention: day,
		ReferenceDecision: r.DeliberationRef, NomBeneficiaire: r.BeneficiaryName, Objet: kernel.TruncateRunes(r.Title, 256),
		Montant: r.Amount, Nature: opendata.NatureNumeraire, ConditionsVersement: mode, DatesPeriodeVersement: period,
		PourcentageSubvention: grantShare(r.Amount, r.Budget.Totals().Charges), DispositifAide: kernel.TruncateRunes(r.CallTitle, 256),
	}
	if r.BeneficiarySIRET != nil {
		g.IDBeneficiaire = *r.BeneficiarySIRET
	}
	if r.BeneficiaryRNA != nil {
		g.RNABeneficiaire = *r.BeneficiaryRNA
	}
	if g.Objet == "" {
		g.Objet = r.CallTitle
	}
	return g
}

// grantShare is the subsidy's share of the project's total charges, in
// (0, 1], rounded to 4 decimals; a budget without charges (or smaller than
// the grant) counts as fully funded.
func grantShare(amount, charges domain.Money) float64 {
	if charges <= 0 || amount >= charges {
		return 1
	}
	s := math.Round(float64(amount)/float64(charges)*10000) / 10000
	return math.Max(s, 0.01)
}
