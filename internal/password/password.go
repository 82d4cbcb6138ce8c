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

// Default is OWASP's argon2id memory floor (19 MiB, p=1) with one more pass
// than the minimum (t=3). Memory is the cost an attacker pays per guess, but
// the server pays it per concurrent login too: 19 MiB keeps a burst of
// logins from exhausting the process (see maxConcurrent), and the extra pass
// buys time cost without memory.
var Default = Params{Memory: 19 * 1024, Time: 3, Threads: 1, KeyLen: 32, SaltLen: 16}

// maxConcurrent bounds simultaneous hash computations, so memory stays under
// maxConcurrent × Memory whatever the number of login attempts in flight.
const maxConcurrent = 4

var slots = make(chan struct{}, maxConcurrent)

func idKey(pw, salt []byte, p Params, keyLen uint32) []byte {
	slots <- struct{}{}
	defer func() { <-slots }()
	return argon2.IDKey(pw, salt, p.Time, p.Memory, p.Threads, keyLen)
}

// ErrMismatch is returned when the password does not match.
var ErrMismatch = errors.New("password mismatch")

// Hash returns the PHC string of pw: $argon2id$v=19$m=…,t=…,p=…$salt$key.
func Hash(pw string, p Params) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := idKey([]byte(pw), salt, p, p.KeyLen)
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
	got := idKey([]byte(pw), salt, p, uint32(len(key)))
	if subtle.ConstantTimeCompare(got, key) != 1 {
		return false, ErrMismatch
	}
	return p.Memory < want.Memory || p.Time < want.Time || p.Threads < want.Threads, nil
}
