// Package password hashes passwords with argon2id (golang.org/x/crypto) in
// the PHC string format, so the parameters travel with each hash and can be
// raised later: Verify reports when a stored hash uses weaker ones.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
	KeyLen  uint32
	SaltLen uint32
}

// Default is above OWASP's minimum for argon2id (19 MiB, t=2, p=1): 64 MiB,
// t=2, p=1 — about 60-80 ms on this class of machine, an acceptable login
// latency that makes offline guessing expensive.
var Default = Params{Memory: 64 * 1024, Time: 2, Threads: 1, KeyLen: 32, SaltLen: 16}

// ErrMismatch is returned when the password does not match.
var ErrMismatch = errors.New("password mismatch")

// Hash returns the PHC string of pw: $argon2id$v=19$m=…,t=…,p=…$salt$key.
func Hash(pw string, p Params) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify checks pw against a PHC hash. needsRehash is true when the hash's
// parameters are weaker than want.
func Verify(hash, pw string, want Params) (needsRehash bool, err error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, fmt.Errorf("unsupported hash format")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, fmt.Errorf("unsupported argon2 version")
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false, fmt.Errorf("bad argon2 parameters: %w", err)
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, fmt.Errorf("bad salt: %w", err)
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil {
		return false, fmt.Errorf("bad key: %w", err)
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	if subtle.ConstantTimeCompare(got, key) != 1 {
		return false, ErrMismatch
	}
	return p.Memory < want.Memory || p.Time < want.Time || p.Threads < want.Threads, nil
}
