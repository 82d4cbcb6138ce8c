package password_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/password"
)

func TestHashVerify(t *testing.T) {
	t.Parallel()
	weak := password.Params{Memory: 19 * 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}
	h, err := password.Hash("correct horse", weak)
	require.NoError(t, err)
	require.Contains(t, h, "$argon2id$v=19$m=19456,t=1,p=1$")
	rehash, err := password.Verify(h, "correct horse", weak)
	require.NoError(t, err)
	require.False(t, rehash)
	rehash, err = password.Verify(h, "correct horse", password.Default)
	require.NoError(t, err)
	require.True(t, rehash, "a hash with weaker parameters must be flagged for rehash")
	_, err = password.Verify(h, "wrong", weak)
	require.ErrorIs(t, err, password.ErrMismatch)
	h2, err := password.Hash("correct horse", weak)
	require.NoError(t, err)
	require.NotEqual(t, h, h2, "salts must differ")
	_, err = password.Verify("$2a$10$bcrypt", "x", weak)
	require.Error(t, err)
}
