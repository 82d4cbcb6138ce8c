// Package domain holds Tremplin's entities, value types and the coded error
// every layer speaks. It imports no adapter: no database, HTTP or queue code.
package domain

import (
	"errors"
	"fmt"
)

// Code classifies an error; the HTTP layer maps each code to one status.
type Code string

// The error codes. Keep this list short: a code is a category, the Reason is
// the precise machine-readable cause.
const (
	CodeInvalid          Code = "invalid"           // 400/422: the input breaks a rule
	CodeBlocked          Code = "blocked"           // 422: a business rule blocks the action now
	CodeNotFound         Code = "not_found"         // 404: absent or not visible to the caller
	CodeConflict         Code = "conflict"          // 409: stale version or duplicate
	CodeForbidden        Code = "forbidden"         // 403: visible but not permitted
	CodeUnauthenticated  Code = "unauthenticated"   // 401
	CodeTooLarge         Code = "too_large"         // 413
	CodeUnsupportedMedia Code = "unsupported_media" // 415: a body in a format the route does not take
	CodeRateLimited      Code = "rate_limited"      // 429
	CodeUnavailable      Code = "unavailable"       // 503: a backend is down
	CodeInternal         Code = "internal"          // 500: a bug or an unexpected failure
)

// FieldError is one field-level validation failure.
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"detail"`
}

// Error is Tremplin's error: a code, a stable reason, a French message a user
// may read, and optional field errors. Err keeps the cause for the logs only.
type Error struct {
	Code    Code
	Reason  string
	Message string
	Fields  []FieldError
	// Extra carries structured details (e.g. workflow blockers) into the problem document.
	Extra map[string]any
	Err   error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s/%s: %s: %v", e.Code, e.Reason, e.Message, e.Err)
	}
	return fmt.Sprintf("%s/%s: %s", e.Code, e.Reason, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an Error with a formatted French message.
func Errorf(code Code, reason, format string, args ...any) *Error {
	return &Error{Code: code, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// Invalid builds a validation error listing the fields at fault.
func Invalid(message string, fields ...FieldError) *Error {
	return &Error{Code: CodeInvalid, Reason: "validation_failed", Message: message, Fields: fields}
}

// NotFound says the object does not exist or is not visible to the caller.
func NotFound(what string) *Error {
	return &Error{Code: CodeNotFound, Reason: "not_found", Message: what + " introuvable."}
}

// StaleVersion is the optimistic-concurrency conflict.
func StaleVersion() *Error {
	return &Error{Code: CodeConflict, Reason: "stale_version",
		Message: "Cet élément a été modifié entre-temps. Rechargez la page pour voir la dernière version."}
}

// Internal wraps an unexpected failure; the cause is logged, never shown.
func Internal(err error) *Error {
	return &Error{Code: CodeInternal, Reason: "internal", Message: "Une erreur interne est survenue.", Err: err}
}

// Unavailable wraps a backend outage.
func Unavailable(what string, err error) *Error {
	return &Error{Code: CodeUnavailable, Reason: "unavailable",
		Message: what + " est momentanément indisponible. Réessayez dans quelques instants.", Err: err}
}

// ErrorCode returns the code of err, CodeInternal for foreign errors.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// AsError returns err as an *Error, wrapping foreign errors as internal.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal(err)
}

// Fields accumulates field errors during validation.
type Fields []FieldError

// Add records a field error.
func (f *Fields) Add(field, code, message string) {
	*f = append(*f, FieldError{Field: field, Code: code, Message: message})
}

// Err returns nil when nothing was recorded, else an invalid error.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return Invalid("Certains champs sont invalides.", f...)
}

// CollectFields gathers the field errors that occurred (nil entries are
// checks that passed) into one invalid error, or nil.
func CollectFields(errs ...*FieldError) error {
	var f Fields
	for _, e := range errs {
		if e != nil {
			f = append(f, *e)
		}
	}
	return f.Err()
}
