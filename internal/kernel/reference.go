package kernel

import (
	"context"
	"fmt"
)

// LoadReference reads the reference data every feature validates against
// (the 93's communes), once at start: it changes with a migration, never
// at runtime.
func (k *Kernel) LoadReference(ctx context.Context) error {
	cs, err := k.DB.Communes(ctx)
	if err != nil {
		return err
	}
	set := make(map[string]bool, len(cs))
	for _, c := range cs {
		set[c.INSEE] = true
	}
	k.communes = set
	return nil
}

// CommuneSet is the set of the 93's INSEE codes.
func (k *Kernel) CommuneSet() (map[string]bool, error) {
	if k.communes == nil {
		return nil, fmt.Errorf("reference data not loaded (Kernel.LoadReference)")
	}
	return k.communes, nil
}

// IsCommune reports whether code is one of the 93's communes.
func (k *Kernel) IsCommune(code string) bool { return k.communes[code] }
