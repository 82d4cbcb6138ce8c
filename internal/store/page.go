package store

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/tremplin/tremplin/internal/domain"
)

// EscapeLike escapes LIKE wildcards in user input.
func EscapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// PageLimit bounds a page size (1 to 100, 50 by default).
func PageLimit(n int) int {
	if n <= 0 || n > 100 {
		return 50
	}
	return n
}

// EncodeIDCursor and DecodeIDCursor make opaque keyset cursors from row ids.
func EncodeIDCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(id, 10)))
}

func DecodeIDCursor(s string) (int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	var id int64
	if err == nil {
		id, err = strconv.ParseInt(string(b), 10, 64)
	}
	if err != nil || id <= 0 {
		return 0, domain.Invalid("Curseur de pagination invalide.", domain.FieldError{Field: "cursor", Code: "invalid", Message: "Curseur invalide."})
	}
	return id, nil
}
