package opendata

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// cell is a value read according to its field's type.
type cell struct {
	key      string    // canonical logical form: enum membership and unique
	num      float64   // numeric order (number, integer, year, yearmonth)
	t        time.Time // temporal order (date, datetime, time)
	temporal bool
	size     int // characters of a string, items of an array or object
}

// compare orders two cells of the same field; ok is false when they cannot
// be ordered (NaN), which bound checks treat as a violation.
func (c cell) compare(o cell) (order int, ok bool) {
	if c.temporal {
		return c.t.Compare(o.t), true
	}
	if math.IsNaN(c.num) || math.IsNaN(o.num) {
		return 0, false
	}
	switch {
	case c.num < o.num:
		return -1, true
	case c.num > o.num:
		return 1, true
	}
	return 0, true
}

// castFunc reads a physical (CSV) value; a non-empty message says why it
// does not fit the field's type and format, in French.
type castFunc func(raw string) (cell, string)

func numberCell(n float64) cell { return cell{key: strconv.FormatFloat(n, 'g', -1, 64), num: n} }
func intCell(n int64) cell      { return cell{key: strconv.FormatInt(n, 10), num: float64(n)} }
func boolCell(b bool) cell      { return cell{key: strconv.FormatBool(b)} }
func timeCell(t time.Time, key string) cell {
	return cell{key: key, t: t, temporal: true}
}

var (
	numberRE = regexp.MustCompile(`^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$`)
	intRE    = regexp.MustCompile(`^[+-]?[0-9]+$`)
	emailRE  = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	uuidRE   = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	yearRE   = regexp.MustCompile(`^[0-9]{4}$`)
	// ISO 8601 durations; RE2 has no look-ahead, so "P" and a dangling "T"
	// are rejected separately.
	durationRE = regexp.MustCompile(`^P(?:[0-9]+Y)?(?:[0-9]+M)?(?:[0-9]+W)?(?:[0-9]+D)?(?:T(?:[0-9]+H)?(?:[0-9]+M)?(?:[0-9]+(?:\.[0-9]+)?S)?)?$`)
)

func castFor(f *Field) (castFunc, error) {
	switch f.Type {
	case "string":
		return castString(f.Format)
	case "number":
		return castNumber(f, false), checkFormat(f, "default")
	case "integer":
		return castNumber(f, true), checkFormat(f, "default")
	case "boolean":
		return castBoolean(f), checkFormat(f, "default")
	case "date":
		return castTemporal(f.Format, "une date", "2006-01-02", "AAAA-MM-JJ", []string{"2006-01-02", "02/01/2006", "2006/01/02", "20060102", "2 January 2006", "January 2, 2006"}, dateKey)
	case "datetime":
		return castTemporal(f.Format, "une date et heure", time.RFC3339, "AAAA-MM-JJThh:mm:ssZ", []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "02/01/2006 15:04:05", "02/01/2006 15:04"}, func(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) })
	case "time":
		return castTemporal(f.Format, "une heure", "15:04:05", "hh:mm:ss", []string{"15:04:05", "15:04", "15h04", "3:04 PM"}, func(t time.Time) string { return t.Format("15:04:05.999999999") })
	case "year":
		return func(s string) (cell, string) {
			if !yearRE.MatchString(s) {
				return cell{}, fmt.Sprintf("« %s » n'est pas une année sur quatre chiffres.", s)
			}
			n, _ := strconv.ParseInt(s, 10, 64)
			return intCell(n), ""
		}, checkFormat(f, "default")
	case "yearmonth":
		return func(s string) (cell, string) {
			t, err := time.Parse("2006-01", s)
			if err != nil {
				return cell{}, fmt.Sprintf("« %s » n'est pas un mois valide au format AAAA-MM.", s)
			}
			return cell{key: s, num: float64(t.Year()*12 + int(t.Month()) - 1)}, ""
		}, checkFormat(f, "default")
	case "duration":
		return func(s string) (cell, string) {
			if s == "P" || strings.HasSuffix(s, "T") || !durationRE.MatchString(s) {
				return cell{}, fmt.Sprintf("« %s » n'est pas une durée ISO 8601 (ex. P1Y2M10DT2H30M).", s)
			}
			return cell{key: s}, ""
		}, checkFormat(f, "default")
	case "geopoint":
		return castGeopoint(f.Format)
	case "object", "geojson":
		return castJSON(f.Type), nil
	case "array":
		return castJSON("array"), checkFormat(f, "default")
	case "any":
		return func(s string) (cell, string) { return cell{key: s, size: utf8.RuneCountInString(s)}, "" }, nil
	}
	return nil, fmt.Errorf("type %q inconnu", f.Type)
}

func checkFormat(f *Field, allowed ...string) error {
	for _, a := range allowed {
		if f.Format == a {
			return nil
		}
	}
	return fmt.Errorf("format %q non pris en charge pour le type %s", f.Format, f.Type)
}

func castString(format string) (castFunc, error) {
	var check func(string) bool
	var what string
	switch format {
	case "default":
	case "email":
		check, what = emailRE.MatchString, "une adresse électronique"
	case "uri":
		check, what = func(s string) bool { u, err := url.Parse(s); return err == nil && u.Scheme != "" }, "une URI"
	case "uuid":
		check, what = uuidRE.MatchString, "un UUID"
	case "binary":
		check, what = func(s string) bool { _, err := base64.StdEncoding.DecodeString(s); return err == nil }, "du base64"
	default:
		return nil, fmt.Errorf("format %q non pris en charge pour le type string", format)
	}
	return func(s string) (cell, string) {
		if check != nil && !check(s) {
			return cell{}, fmt.Sprintf("« %s » n'est pas %s valide.", s, what)
		}
		return cell{key: s, size: utf8.RuneCountInString(s)}, ""
	}, nil
}

// castNumber honours decimalChar, groupChar and bareNumber. Surrounding
// spaces are refused: open-data consumers parse numbers strictly.
func castNumber(f *Field, integer bool) castFunc {
	hint := fmt.Sprintf(" (séparateur décimal attendu : « %s »", f.DecimalChar)
	if f.GroupChar == "" {
		hint += ", sans séparateur de milliers)"
	} else {
		hint += fmt.Sprintf(", séparateur de milliers : « %s »)", f.GroupChar)
	}
	return func(s string) (cell, string) {
		v := s
		if !f.BareNumber {
			v = strings.TrimLeft(v, trimSet(v, "0123456789+-"+f.DecimalChar, true))
			v = strings.TrimRight(v, trimSet(v, "0123456789"+f.DecimalChar, false))
		}
		if f.GroupChar != "" {
			v = strings.ReplaceAll(v, f.GroupChar, "")
		}
		if integer {
			if !intRE.MatchString(v) {
				return cell{}, fmt.Sprintf("« %s » n'est pas un nombre entier valide.", s)
			}
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return cell{}, fmt.Sprintf("« %s » est un entier trop grand.", s)
			}
			return intCell(n), ""
		}
		switch v {
		case "NaN":
			return numberCell(math.NaN()), ""
		case "INF", "+INF":
			return numberCell(math.Inf(1)), ""
		case "-INF":
			return numberCell(math.Inf(-1)), ""
		}
		if f.DecimalChar != "." {
			if strings.Contains(v, ".") {
				return cell{}, fmt.Sprintf("« %s » n'est pas un nombre valide%s.", s, hint)
			}
			v = strings.Replace(v, f.DecimalChar, ".", 1)
		}
		if !numberRE.MatchString(v) {
			return cell{}, fmt.Sprintf("« %s » n'est pas un nombre valide%s.", s, hint)
		}
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return cell{}, fmt.Sprintf("« %s » est hors de la plage des nombres représentables.", s)
		}
		return numberCell(n), ""
	}
}

// trimSet returns the characters of s's leading (or trailing) run that are
// not in keep: what bareNumber=false strips ("12 €", "45 %").
func trimSet(s, keep string, leading bool) string {
	var out strings.Builder
	runes := []rune(s)
	for k := range runes {
		r := runes[k]
		if !leading {
			r = runes[len(runes)-1-k]
		}
		if strings.ContainsRune(keep, r) {
			break
		}
		out.WriteRune(r)
	}
	return out.String()
}

func castBoolean(f *Field) castFunc {
	allowed := strings.Join(append(append([]string{}, f.TrueValues...), f.FalseValues...), ", ")
	return func(s string) (cell, string) {
		for _, v := range f.TrueValues {
			if s == v {
				return boolCell(true), ""
			}
		}
		for _, v := range f.FalseValues {
			if s == v {
				return boolCell(false), ""
			}
		}
		return cell{}, fmt.Sprintf("« %s » n'est pas une valeur admise (valeurs admises : %s).", s, allowed)
	}
}

func dateKey(t time.Time) string { return t.Format("2006-01-02") }

// castTemporal handles the three Table Schema formats of dates and times:
// "default" (ISO 8601), "any" (a few common layouts), or a strptime pattern
// such as "%d/%m/%Y".
func castTemporal(format, noun, defLayout, defHuman string, anyLayouts []string, key func(time.Time) string) (castFunc, error) {
	layouts, human := []string{defLayout}, defHuman
	switch format {
	case "default":
	case "any":
		layouts = anyLayouts
	default:
		l, h, err := strptimeLayout(format)
		if err != nil {
			return nil, err
		}
		layouts, human = []string{l}, h
	}
	return func(s string) (cell, string) {
		for _, l := range layouts {
			if t, err := time.Parse(l, s); err == nil {
				return timeCell(t, key(t)), ""
			}
		}
		if format == "any" {
			return cell{}, fmt.Sprintf("« %s » n'est pas %s reconnue.", s, noun)
		}
		return cell{}, fmt.Sprintf("« %s » n'est pas %s valide au format %s.", s, noun, human)
	}, nil
}

var strptimeDirectives = map[byte][2]string{
	'Y': {"2006", "AAAA"}, 'y': {"06", "AA"}, 'm': {"01", "MM"}, 'd': {"02", "JJ"},
	'H': {"15", "hh"}, 'I': {"03", "hh"}, 'M': {"04", "mm"}, 'S': {"05", "ss"}, 'p': {"PM", "AM/PM"},
	'b': {"Jan", "mois abrégé"}, 'B': {"January", "mois"}, 'a': {"Mon", "jour abrégé"}, 'A': {"Monday", "jour"},
	'z': {"-0700", "±hhmm"}, 'Z': {"MST", "fuseau"}, '%': {"%", "%"},
}

// strptimeLayout converts a Python strptime pattern into a Go layout. Literal
// letters and digits are refused (except T and Z) because Go would read some
// of them as layout elements.
func strptimeLayout(format string) (layout, human string, err error) {
	var l, h strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c == '%' {
			if i+1 == len(format) {
				return "", "", fmt.Errorf("format %q : %% final", format)
			}
			d, ok := strptimeDirectives[format[i+1]]
			if !ok {
				return "", "", fmt.Errorf("format %q : directive %%%c non prise en charge", format, format[i+1])
			}
			l.WriteString(d[0])
			h.WriteString(d[1])
			i++
			continue
		}
		if (c >= '0' && c <= '9') || ((c|0x20) >= 'a' && (c|0x20) <= 'z' && c != 'T' && c != 'Z') {
			return "", "", fmt.Errorf("format %q : caractère littéral %q non pris en charge", format, c)
		}
		l.WriteByte(c)
		h.WriteByte(c)
	}
	return l.String(), h.String(), nil
}

func castGeopoint(format string) (castFunc, error) {
	parse := func(s string) (lon, lat float64, ok bool) {
		switch format {
		case "default":
			a, b, found := strings.Cut(s, ",")
			if !found {
				return 0, 0, false
			}
			var e1, e2 error
			lon, e1 = strconv.ParseFloat(strings.TrimSpace(a), 64)
			lat, e2 = strconv.ParseFloat(strings.TrimSpace(b), 64)
			return lon, lat, e1 == nil && e2 == nil
		case "array":
			var p []float64
			if json.Unmarshal([]byte(s), &p) != nil || len(p) != 2 {
				return 0, 0, false
			}
			return p[0], p[1], true
		default: // object
			var p struct{ Lon, Lat *float64 }
			if json.Unmarshal([]byte(s), &p) != nil || p.Lon == nil || p.Lat == nil {
				return 0, 0, false
			}
			return *p.Lon, *p.Lat, true
		}
	}
	if format != "default" && format != "array" && format != "object" {
		return nil, fmt.Errorf("format %q non pris en charge pour le type geopoint", format)
	}
	return func(s string) (cell, string) {
		lon, lat, ok := parse(s)
		if !ok || lon < -180 || lon > 180 || lat < -90 || lat > 90 {
			return cell{}, fmt.Sprintf("« %s » n'est pas un point géographique valide (longitude, latitude).", s)
		}
		return cell{key: strconv.FormatFloat(lon, 'g', -1, 64) + "," + strconv.FormatFloat(lat, 'g', -1, 64)}, ""
	}, nil
}

func castJSON(kind string) castFunc {
	return func(s string) (cell, string) {
		var v any
		if err := json.Unmarshal([]byte(s), &v); err == nil {
			switch x := v.(type) {
			case map[string]any:
				if _, typed := x["type"]; kind == "object" || (kind == "geojson" && typed) {
					return cell{key: s, size: len(x)}, ""
				}
			case []any:
				if kind == "array" {
					return cell{key: s, size: len(x)}, ""
				}
			}
		}
		what := map[string]string{"object": "un objet JSON", "geojson": "un objet GeoJSON", "array": "un tableau JSON"}[kind]
		return cell{}, fmt.Sprintf("« %s » n'est pas %s valide.", s, what)
	}
}
