package domain

import (
	"regexp"
	"strings"
)

// laPosteSIREN is the one SIREN whose establishments' SIRETs do not follow Luhn:
// the sum of their digits is a multiple of 5 instead.
const laPosteSIREN = "356000000"

var rnaRE = regexp.MustCompile(`^W[0-9A-Z]{9}$`)

// NormalizeID removes the spaces and dots people type in identifiers.
func NormalizeID(s string) string {
	return strings.ToUpper(strings.NewReplacer(" ", "", ".", "", "\u00a0", "", "-", "").Replace(strings.TrimSpace(s)))
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func luhn(s string) bool {
	sum := 0
	for i := 0; i < len(s); i++ {
		d := int(s[len(s)-1-i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// ValidateSIRET returns a French message when s is not a valid SIRET, "" otherwise.
func ValidateSIRET(s string) (code, message string) {
	if len(s) != 14 || !allDigits(s) {
		return "siret_format", "Le SIRET doit comporter exactement 14 chiffres."
	}
	if s[:9] == laPosteSIREN {
		sum := 0
		for _, r := range s {
			sum += int(r - '0')
		}
		// The head office (35600000000048) follows plain Luhn; the other
		// establishments follow the digit-sum rule.
		if sum%5 != 0 && !luhn(s) {
			return "siret_checksum", "Ce SIRET n'est pas valide (clé de contrôle incorrecte)."
		}
		return "", ""
	}
	if !luhn(s) {
		return "siret_checksum", "Ce SIRET n'est pas valide (clé de contrôle incorrecte). Vérifiez les 14 chiffres."
	}
	if !luhn(s[:9]) {
		return "siren_checksum", "Le SIREN (9 premiers chiffres) de ce SIRET n'est pas valide."
	}
	return "", ""
}

// ValidateSIREN returns a French message when s is not a valid SIREN.
func ValidateSIREN(s string) (code, message string) {
	if len(s) != 9 || !allDigits(s) {
		return "siren_format", "Le SIREN doit comporter exactement 9 chiffres."
	}
	if s != laPosteSIREN && !luhn(s) {
		return "siren_checksum", "Ce SIREN n'est pas valide (clé de contrôle incorrecte)."
	}
	return "", ""
}

// ValidateRNA returns a French message when s is not an RNA number (W + 9 characters).
func ValidateRNA(s string) (code, message string) {
	if !rnaRE.MatchString(s) {
		return "rna_format", "Le numéro RNA commence par W suivi de 9 caractères (ex. W931234567)."
	}
	return "", ""
}
