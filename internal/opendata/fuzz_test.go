package opendata_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/opendata"
)

// FuzzValidateSCDL feeds arbitrary bytes to the validator: it must never
// panic, and every problem it reports must be placed and explained.
func FuzzValidateSCDL(f *testing.F) {
	// One grant only: large seeds make the fuzzer's minimisation slow.
	var export bytes.Buffer
	if err := opendata.WriteSCDL(&export, grants93()[1:2]); err != nil {
		f.Fatal(err)
	}
	f.Add(export.Bytes())
	f.Add([]byte("nomAttribuant,idAttribuant\n\"a\nb\",1\n"))
	f.Add([]byte("\uFEFF"))
	f.Add([]byte("a;b\n\xff\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, e := range opendata.ValidateSCDLStrict(bytes.NewReader(data)) {
			require.NotEmpty(t, e.Rule)
			require.NotEmpty(t, e.Message)
			require.GreaterOrEqual(t, e.Row, 0)
		}
	})
}
