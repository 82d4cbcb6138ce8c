package shareddata_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/shareddata"
)

// outcome records how Require ended a test instead of ending this one.
type outcome struct {
	testing.TB
	failed, skipped string
}

func (o *outcome) Helper()                        {}
func (o *outcome) Fatalf(format string, a ...any) { o.failed = fmt.Sprintf(format, a...) }
func (o *outcome) Skipf(format string, a ...any)  { o.skipped = fmt.Sprintf(format, a...) }

// Where CI says the shared data is, a missing file fails the test that
// needs it; a file there is found there.
func TestRequireFailsWhenTheNamedFolderLacksTheFile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(shareddata.Env, dir)
	o := &outcome{TB: t}
	shareddata.Require(o, "communes-93.geojson")
	require.Contains(t, o.failed, "has no communes-93.geojson")
	require.Empty(t, o.skipped)

	require.NoError(t, os.WriteFile(filepath.Join(dir, "communes-93.geojson"), []byte("{}"), 0o600))
	o = &outcome{TB: t}
	require.Equal(t, filepath.Join(dir, "communes-93.geojson"), shareddata.Require(o, "communes-93.geojson"))
	require.Empty(t, o.failed)
}

// Without the variable a file that is nowhere skips: the files are optional
// on a laptop.
func TestRequireSkipsWithoutTheVariable(t *testing.T) {
	t.Setenv(shareddata.Env, "")
	o := &outcome{TB: t}
	shareddata.Require(o, "no-such-file.json")
	require.Contains(t, o.skipped, "set TREMPLIN_SHARED_DATA")
	require.Empty(t, o.failed)
}
