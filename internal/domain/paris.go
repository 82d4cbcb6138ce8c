package domain

import (
	"time"
	_ "time/tzdata" // Europe/Paris must never silently become UTC on a host without a zone database
)

// Paris is where Tremplin's users live: deadlines are Paris times, a typed
// day is a Paris day, and every date shown is shown in Paris time. The zone
// database is embedded, so loading it cannot fail.
var Paris = func() *time.Location {
	l, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic("domain: Europe/Paris: " + err.Error())
	}
	return l
}()

// FrenchDateTime formats a time as "31/03/2027 à 17:00" in Europe/Paris.
func FrenchDateTime(t time.Time) string {
	p := t.In(Paris)
	return p.Format("02/01/2006") + " à " + p.Format("15:04")
}
