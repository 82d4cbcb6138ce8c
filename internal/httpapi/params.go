package httpapi

import (
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tremplin/tremplin/internal/domain"
)

// pathID reads a positive integer path parameter; a malformed one is a 404
// (no object can have that ID), written before returning false.
func pathID(c *gin.Context, name string) (int64, bool) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		fail(c, domain.NotFound("Élément"))
		return 0, false
	}
	return id, true
}

func isoTime(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// objectWrite reads what a write to one object carries: the object's ID from
// the path, the version the client last saw (If-Match) and the JSON body into
// req. On failure it has written the problem and returns ok = false.
func objectWrite(c *gin.Context, req any) (id int64, version *int64, ok bool) {
	if id, ok = pathID(c, "id"); !ok {
		return 0, nil, false
	}
	version, err := ifMatch(c)
	if err != nil {
		fail(c, err)
		return 0, nil, false
	}
	if !bindJSON(c, req) {
		return 0, nil, false
	}
	return id, version, true
}
